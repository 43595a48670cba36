package dev.portkeep.cli;

import dev.portkeep.Tunnel;
import dev.portkeep.bind.Listeners;
import dev.portkeep.config.AddressFamily;
import dev.portkeep.config.Flags;
import dev.portkeep.config.Plans;
import dev.portkeep.config.TunnelPlan;
import dev.portkeep.error.PortkeepException;
import dev.portkeep.error.UsageException;
import dev.portkeep.reconnect.RemoteForwards;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code portkeep [options] [user@]host[:port]}: forwards ports over SSH until stopped. */
@Command(
    name = "portkeep",
    mixinStandardHelpOptions = true,
    versionProvider = Version.class,
    sortOptions = false,
    usageHelpAutoWidth = true,
    description = {
      "Forwards TCP ports over SSH like 'ssh -N -L', with listeners that hold their port exclusively",
      "and explain why a port cannot be bound."
    },
    footerHeading = "%nExamples:%n",
    footer = {
      "  portkeep -L 8080:db.internal:5432 alice@gateway.example.com",
      "      listen on localhost:8080 (127.0.0.1 and ::1), reach db.internal:5432 from the gateway",
      "  portkeep -L '[::1]:1445:fileserver:445' -L 127.0.0.2:445:fileserver:445 -p 2222 -i ~/.ssh/id_ed25519 gw",
      "  portkeep -L '*:8080:web:80' -o StrictHostKeyChecking=accept-new gw",
      "      listen on every interface (one dual-stack socket); the network can reach it",
      "  portkeep demo",
      "      a complete tunnel on this machine, with an embedded SSH server",
      "",
      "Exit codes: 0 ok, 1 internal error, 2 usage or configuration, 3 authentication or host key,",
      "4 server unreachable or connection lost, 5 listener or forward failed."
    })
public final class PortkeepCommand implements Callable<Integer> {
  static final Duration CLOSE_GRACE = Duration.ofSeconds(2);

  private final Invocation invocation;

  @Option(names = "-L", paramLabel = "[bind_address:]port:host:hostport", description = "Forward a local port to host:hostport as seen from the server. Repeatable.")
  List<String> localForwards = new ArrayList<>();

  @Option(names = "-R", paramLabel = "[bind_address:]port:host:hostport", description = "Ask the server to listen on port (0: it picks) and forward connections back to host:hostport as seen from here. Repeatable.")
  List<String> remoteForwards = new ArrayList<>();

  @Option(names = "-D", paramLabel = "[bind_address:]port", description = "A local SOCKS 4/4a/5 server; each connection goes where the client asks, resolved at the server. Repeatable.")
  List<String> dynamicForwards = new ArrayList<>();

  @Option(names = "-J", paramLabel = "[user@]host[:port][,...]", description = "Connect through these jump hosts in order (ProxyJump), each with its host key checked.")
  String jump;

  @Option(names = "-F", paramLabel = "configfile", description = "Read this ssh_config instead of ~/.ssh/config (none: no file).")
  String configFile;

  @Option(names = "-p", paramLabel = "port", description = "SSH server port (default 22).")
  Integer port;

  @Option(names = "-l", paramLabel = "login", description = "User name on the server.")
  String login;

  @Option(names = "-i", paramLabel = "identity_file", description = "Private key file. Repeatable.")
  List<String> identities = new ArrayList<>();

  @Option(names = "-4", description = "IPv4 only.")
  boolean ipv4;

  @Option(names = "-6", description = "IPv6 only.")
  boolean ipv6;

  @Option(names = "-N", description = "Accepted for OpenSSH compatibility; portkeep never runs commands.")
  boolean noCommand;

  @Option(names = "-v", description = "More log detail; repeat for more (-vvv includes the SSH library).")
  boolean[] verbose = new boolean[0];

  @Option(names = "-o", paramLabel = "Key=Value", description = "An ssh_config option: Port, User, IdentityFile, StrictHostKeyChecking, UserKnownHostsFile, ExitOnForwardFailure, ConnectTimeout, BatchMode, LocalForward.")
  List<String> options = new ArrayList<>();

  @Parameters(index = "0", arity = "0..1", paramLabel = "[user@]host[:port]", description = "The SSH server.")
  String destination;

  @Parameters(index = "1..*", arity = "0..*", paramLabel = "command", hidden = true)
  List<String> command = new ArrayList<>();

  PortkeepCommand(Invocation invocation) {
    this.invocation = invocation;
  }

  @Override
  public Integer call() throws InterruptedException {
    try {
      TunnelPlan plan = plan();
      try (Tunnel tunnel = Tunnel.open(plan, invocation.prompts(), Listeners.system(), new ReportingEvents(invocation.err()))) {
        for (Tunnel.Bound bound : tunnel.bound()) {
          invocation.out().println("forwarding " + bound.display() + " -> " + bound.forward().targetText() + " via " + tunnel.via());
        }
        for (RemoteForwards.Bound remote : tunnel.remotes()) {
          invocation.out().println("forwarding remote " + remote.listenText() + " (on the server) -> "
              + remote.spec().targetText() + " via " + tunnel.via());
        }
        invocation.out().flush();
        return waitForStop(tunnel);
      }
    } catch (PortkeepException e) {
      return invocation.fail(e);
    }
  }

  TunnelPlan plan() {
    if (destination == null) {
      throw new UsageException("no server given", "write the SSH server last, e.g. portkeep -L 8080:db:5432 alice@gateway");
    }
    if (!command.isEmpty()) {
      throw new UsageException(
          "portkeep does not run remote commands: '" + String.join(" ", command) + "'",
          "drop the command; portkeep only forwards ports, as ssh -N does");
    }
    if (ipv4 && ipv6) {
      throw new UsageException("-4 and -6 were both given", "use one of them, or neither for both families");
    }
    AddressFamily family = ipv4 ? AddressFamily.INET : ipv6 ? AddressFamily.INET6 : AddressFamily.ANY;
    Flags flags = new Flags(destination, Optional.ofNullable(port), Optional.ofNullable(login), identities, family,
        localForwards, remoteForwards, dynamicForwards, Optional.ofNullable(jump), Optional.ofNullable(configFile), options);
    if (port != null && (port < 1 || port > 65_535)) {
      throw new UsageException("invalid port '" + port + "' for -p (must be 1-65535)", "use the SSH server's port, 22 by default");
    }
    TunnelPlan plan = Plans.fromFlags(flags, invocation.env());
    if (plan.forwards().isEmpty()) {
      throw new UsageException("nothing to forward", "add a forward, e.g. -L 8080:db.internal:5432, -R or -D");
    }
    return plan;
  }

  private int waitForStop(Tunnel tunnel) throws InterruptedException {
    while (true) {
      String why = invocation.stop().await(Duration.ofMillis(250));
      if (why != null) {
        tunnel.close(CLOSE_GRACE);
        return ExitCode.OK.code();
      }
      PortkeepException end = tunnel.ended().getNow(null);
      if (end != null) {
        tunnel.close(Duration.ZERO);
        return invocation.fail(end);
      }
    }
  }
}
