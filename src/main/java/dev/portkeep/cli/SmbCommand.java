package dev.portkeep.cli;

import dev.portkeep.Tunnel;
import dev.portkeep.bind.Listeners;
import dev.portkeep.bind.rules.AddressLiteral;
import dev.portkeep.config.Endpoint;
import dev.portkeep.config.ForwardSpec;
import dev.portkeep.config.Plans;
import dev.portkeep.config.TunnelPlan;
import dev.portkeep.error.PortkeepException;
import dev.portkeep.smb.ProbeResult;
import dev.portkeep.smb.Refusals;
import dev.portkeep.smb.Smb2Probe;
import dev.portkeep.smb.SmbListener;
import dev.portkeep.smb.SmbRoute;
import dev.portkeep.smb.SmbSetup;
import dev.portkeep.status.TunnelEvents;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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
    abbreviateSynopsis = true,
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
      "  portkeep smb --check gw fs",
      "      probe only: exit 0 when the file server answers, 5 when not"
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
      Endpoint target = SmbSetup.fileServer(fileServer);
      SmbRoute route = SmbSetup.route();
      SmbListener listener =
          listen == null ? route.choose() : SmbSetup.listener(listen, "--listen");
      listener.why().forEach(why -> out.println("smb: " + why));
      TunnelPlan flagged =
          Plans.fromFlags(
              connection.flags(gateway, List.of(), List.of(), List.of()), invocation.env());
      List<ForwardSpec> forwards = new ArrayList<>(listener.forwards(target, netbios));
      forwards.addAll(flagged.forwards());
      TunnelPlan plan = new TunnelPlan(flagged.session(), forwards, flagged.sessions());
      Refusals refusals = new Refusals();
      TunnelEvents events = TunnelEvents.guarded(refusals, new ReportingEvents(invocation.err()));
      try (Tunnel tunnel = Tunnel.open(plan, invocation.prompts(), Listeners.system(), events)) {
        Running.printForwards(tunnel, out);
        InetSocketAddress local = tunnel.bound().get(0).address();
        ProbeResult result = Smb2Probe.probe(local, PROBE_TIMEOUT);
        if (!(result instanceof ProbeResult.Answered answered)) {
          return invocation.fail(
              SmbSetup.failure(result, refusals.reason(), refusals.cause(), target));
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
        String address = AddressLiteral.format(local.getAddress());
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
}
