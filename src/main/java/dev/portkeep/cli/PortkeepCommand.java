package dev.portkeep.cli;

import dev.portkeep.Tunnel;
import dev.portkeep.bind.Listeners;
import dev.portkeep.config.Flags;
import dev.portkeep.config.Plans;
import dev.portkeep.config.TunnelPlan;
import dev.portkeep.error.PortkeepException;
import dev.portkeep.error.UsageException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code portkeep [options] [user@]host[:port]}: forwards ports over SSH until stopped. */
@Command(
    name = "portkeep",
    mixinStandardHelpOptions = true,
    versionProvider = Version.class,
    sortOptions = false,
    usageHelpAutoWidth = true,
    // As ssh(1) writes it, broken only between options (picocli would break inside "[-l login]").
    customSynopsis = {
      "portkeep [-46hNVv] [-L [bind_address:]port:host:hostport]...",
      "                [-R [bind_address:]port:host:hostport]...",
      "                [-D [bind_address:]port]... [-J destination] [-F configfile]",
      "                [-p port] [-l login] [-i identity_file]... [-o key=value]...",
      "                [user@]host[:port]",
      "       portkeep COMMAND [options]    (see portkeep COMMAND --help)"
    },
    description = {
      "Forwards TCP ports over SSH like 'ssh -N -L', with listeners that hold their port exclusively",
      "and explain why a port cannot be bound."
    },
    footerHeading = "%nExamples:%n",
    footer = {
      "  portkeep -L 8080:db.internal:5432 alice@gateway.example.com",
      "      localhost:8080 (127.0.0.1 and ::1) reaches db.internal:5432 via gateway",
      "  portkeep -L '[::1]:1445:fileserver:445' -L 127.0.0.2:445:fileserver:445 gw",
      "  portkeep -p 2222 -i ~/.ssh/id_ed25519 -L 8080:web:80 gw",
      "  portkeep -L '*:8080:web:80' -o StrictHostKeyChecking=accept-new gw",
      "      listen on every interface (one dual-stack socket)",
      "  portkeep demo",
      "      a complete tunnel on this machine, with an embedded SSH server",
      "",
      "Exit codes: 0 ok, 1 internal error, 2 usage or configuration,",
      "3 authentication or host key, 4 server unreachable or connection lost,",
      "5 listener or forward failed, 6 no portkeep up running."
    })
public final class PortkeepCommand implements Callable<Integer> {
  private final Invocation invocation;

  @Option(
      names = "-L",
      paramLabel = "[bind_address:]port:host:hostport",
      description = "Forward a local port to host:hostport as seen from the server. Repeatable.")
  List<String> localForwards = new ArrayList<>();

  @Option(
      names = "-R",
      paramLabel = "[bind_address:]port:host:hostport",
      description =
          "Ask the server to listen on port (0: it picks) and forward connections back to host:hostport as seen from here. Repeatable.")
  List<String> remoteForwards = new ArrayList<>();

  @Option(
      names = "-D",
      paramLabel = "[bind_address:]port",
      description =
          "A local SOCKS 4/4a/5 server; each connection goes where the client asks, resolved at the server. Repeatable.")
  List<String> dynamicForwards = new ArrayList<>();

  @Mixin ConnectionOptions connection = new ConnectionOptions();

  @Parameters(
      index = "0",
      arity = "0..1",
      paramLabel = "[user@]host[:port]",
      description = "The SSH server.")
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
      try (Tunnel tunnel =
          Tunnel.open(
              plan,
              invocation.prompts(),
              Listeners.system(),
              new ReportingEvents(invocation.err()))) {
        Running.printForwards(tunnel, invocation.out());
        return Running.untilStopped(tunnel, invocation);
      }
    } catch (PortkeepException e) {
      return invocation.fail(e);
    }
  }

  TunnelPlan plan() {
    if (destination == null) {
      throw new UsageException(
          "no server given",
          "write the SSH server last, e.g. portkeep -L 8080:db:5432 alice@gateway");
    }
    if (!command.isEmpty()) {
      throw new UsageException(
          "portkeep does not run remote commands: '" + String.join(" ", command) + "'",
          "drop the command; portkeep only forwards ports, as ssh -N does");
    }
    Flags flags = connection.flags(destination, localForwards, remoteForwards, dynamicForwards);
    TunnelPlan plan = Plans.fromFlags(flags, invocation.env());
    if (plan.forwards().isEmpty()) {
      throw new UsageException(
          "nothing to forward", "add a forward, e.g. -L 8080:db.internal:5432, -R or -D");
    }
    return plan;
  }
}
