package dev.portkeep.cli;

import dev.portkeep.Tunnel;
import dev.portkeep.bind.BindCheck;
import dev.portkeep.bind.Listeners;
import dev.portkeep.bind.SocketOptionsPolicy;
import dev.portkeep.config.BindAddress;
import dev.portkeep.config.Destination;
import dev.portkeep.config.ForwardSyntax;
import dev.portkeep.config.Plans;
import dev.portkeep.config.TunnelPlan;
import dev.portkeep.error.ListenException;
import dev.portkeep.error.PortkeepException;
import dev.portkeep.error.UsageException;
import dev.portkeep.smb.ProbeResult;
import dev.portkeep.smb.Smb2Probe;
import dev.portkeep.smb.SmbListener;
import dev.portkeep.smb.SmbRoute;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code portkeep smb}: Windows file sharing over SSH, with the listener chosen for this OS and
 * proven.
 */
@Command(
    name = "smb",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Forwards SMB (Windows file sharing, TCP 445) from a file server behind an SSH gateway. portkeep",
      "picks the local listener this OS and its privileges allow (445 on a free 127.0.0.x on Linux when",
      "it may bind it, else a high port), proves the file server answers by sending an SMB2 NEGOTIATE",
      "through the tunnel, and prints how each client connects. See docs/smb.md."
    },
    footerHeading = "%nExamples:%n",
    footer = {
      "  portkeep smb alice@gateway.example.com fileserver.internal",
      "  portkeep smb --listen 127.0.0.5 gw fs:445",
      "  portkeep smb --check gw fs     (probe only: exit 0 when the file server answers, 5 when not)"
    })
final class SmbCommand implements Callable<Integer> {
  static final Duration PROBE_TIMEOUT = Duration.ofSeconds(10);

  private final Invocation invocation;

  @Mixin ConnectionOptions connection = new ConnectionOptions();

  @Option(
      names = "--listen",
      paramLabel = "ADDRESS[:PORT]",
      description =
          "Listen here instead of the address portkeep would choose (port 445 unless given).")
  String listen;

  @Option(
      names = "--netbios",
      description = "Also forward port 139 (NetBIOS session service) on the same address.")
  boolean netbios;

  @Option(
      names = "--check",
      description = "Only prove the file server answers through the tunnel, then exit (0 or 5).")
  boolean check;

  @Option(
      names = "--share",
      paramLabel = "NAME",
      description = "The share name shown in the client commands (default: share).")
  String share = "share";

  @Parameters(index = "0", paramLabel = "[user@]gateway[:port]", description = "The SSH gateway.")
  String gateway;

  @Parameters(
      index = "1",
      arity = "0..1",
      paramLabel = "fileserver[:port]",
      description =
          "The file server as the gateway sees it (default: the gateway itself, localhost:445).")
  String fileServer;

  SmbCommand(Invocation invocation) {
    this.invocation = invocation;
  }

  @Override
  public Integer call() throws InterruptedException {
    PrintStream out = invocation.out();
    try {
      String target = target();
      SmbRoute route =
          new SmbRoute(BindCheck.system(), SocketOptionsPolicy.current(), windowsBuild());
      SmbListener listener = listen == null ? route.choose() : given(listen);
      listener.why().forEach(why -> out.println("smb: " + why));
      List<String> forwards = new ArrayList<>(List.of(listener.listenSpec() + ":" + target));
      if (netbios) {
        forwards.add(
            listener.listenSpec().replaceFirst(":\\d+$", ":139")
                + ":"
                + target.replaceFirst(":\\d+$", ":139"));
      }
      TunnelPlan plan =
          Plans.fromFlags(
              connection.flags(gateway, forwards, List.of(), List.of()), invocation.env());
      RefusalRecorder events = new RefusalRecorder(new ReportingEvents(invocation.err()));
      try (Tunnel tunnel = Tunnel.open(plan, invocation.prompts(), Listeners.system(), events)) {
        Running.printForwards(tunnel, out);
        InetSocketAddress local = tunnel.bound().get(0).address();
        ProbeResult result = Smb2Probe.probe(local, PROBE_TIMEOUT);
        if (!(result instanceof ProbeResult.Answered answered)) {
          return invocation.fail(failure(result, events, target));
        }
        out.println(
            "smb: the file server answers through the tunnel: "
                + answered.dialect()
                + " ("
                + answered.details().summary()
                + ")");
        if (check) {
          return ExitCode.OK.code();
        }
        String address = local.getAddress().getHostAddress();
        StringBuilder ready =
            new StringBuilder("smb: ready; connect with:").append(System.lineSeparator());
        route
            .howToConnect(address, local.getPort(), share, invocation.env().localUser())
            .forEach(c -> ready.append("  ").append(c).append(System.lineSeparator()));
        // One write, so a reader that sees "ready" sees every client command with it.
        out.print(ready);
        out.flush();
        return Running.untilStopped(tunnel, invocation);
      }
    } catch (PortkeepException e) {
      return invocation.fail(e);
    }
  }

  /**
   * The file server as {@code host:port}, 445 when no port is given, the gateway itself by default.
   */
  private String target() {
    if (fileServer == null) {
      return "localhost:445";
    }
    Destination d = Destination.parse(fileServer);
    if (d.user().isPresent()) {
      throw new UsageException(
          "bad file server '" + fileServer + "': no user name here",
          "give the file server as host[:port]; the SMB user name goes to the SMB client");
    }
    String host = d.host().indexOf(':') >= 0 ? "[" + d.host() + "]" : d.host();
    return host + ":" + d.port().orElse(445);
  }

  /**
   * {@code --listen}: an address (port 445), an address and port, or a port alone (on 127.0.0.1).
   */
  static SmbListener given(String text) {
    String spec;
    if (text.matches("\\d+")) {
      spec = "127.0.0.1:" + text;
    } else if (text.startsWith("[")) {
      spec = text.contains("]:") ? text : text + ":445";
    } else {
      spec = text.indexOf(':') < 0 ? text + ":445" : text;
    }
    ForwardSyntax.Listen parsed = ForwardSyntax.parseListen(spec);
    String address =
        switch (parsed.bind()) {
          case BindAddress.Literal literal -> literal.address();
          default ->
              throw new UsageException(
                  "bad --listen address '"
                      + text
                      + "': give an IP address, e.g. 127.0.0.5 or [::1]:1445",
                  "the SMB listener must be one address that clients can name");
        };
    return new SmbListener(
        address,
        parsed.port(),
        List.of("listening where --listen says: " + parsed.bind() + ":" + parsed.port()));
  }

  private PortkeepException failure(ProbeResult result, RefusalRecorder events, String target) {
    String refusal = events.lastRefusal();
    if (refusal != null && refusal.contains("administratively prohibited")) {
      return new ListenException(
          "the SSH server refused to forward to " + target + ": administratively prohibited",
          "the gateway's sshd_config forbids it (AllowTcpForwarding, PermitOpen); ask its administrator");
    }
    if (refusal != null && refusal.contains("connect failed")) {
      return new ListenException(
          "nothing answers on " + target + " as seen from the gateway (" + refusal + ")",
          "check that smbd runs on the file server and listens on that port ('smb ports'), and that the gateway can reach it");
    }
    if (refusal != null) {
      return new ListenException(
          "the tunnel could not reach " + target + ": " + refusal, "run with -v for details");
    }
    return new ListenException(
        result.message(), result.hint().isEmpty() ? "run with -v for details" : result.hint());
  }

  private static OptionalInt windowsBuild() {
    if (SocketOptionsPolicy.current() != SocketOptionsPolicy.WINDOWS) {
      return OptionalInt.empty();
    }
    try {
      Process p = new ProcessBuilder("cmd", "/c", "ver").redirectErrorStream(true).start();
      String out =
          new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
      return SmbRoute.parseWindowsBuild(out);
    } catch (java.io.IOException e) {
      return OptionalInt.empty();
    }
  }
}
