package dev.portkeep.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portkeep.control.ControlClient;
import dev.portkeep.control.Request;
import dev.portkeep.error.PortkeepException;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code portkeep status}: what the running {@code up} says about each tunnel. */
@Command(
    name = "status",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Shows each tunnel of the running portkeep up: state and since when, server and cipher,",
      "reconnects, and per forward its listeners, connections, bytes, failures and last error."
    },
    footerHeading = "%nExamples:%n",
    footer = {
      "  portkeep status",
      "  portkeep status --json | jq '.tunnels[] | {name, state}'",
      "  portkeep status --watch"
    })
final class StatusCommand implements Callable<Integer> {
  static final Duration WATCH_EVERY = Duration.ofSeconds(1);

  private final Invocation invocation;

  @Mixin FleetOptions options = new FleetOptions();

  @Option(names = "--json", description = "Print the status document as JSON (see README).")
  boolean json;

  @Option(names = "--watch", description = "Redraw every second until Ctrl-C.")
  boolean watch;

  StatusCommand(Invocation invocation) {
    this.invocation = invocation;
  }

  @Override
  public Integer call() throws InterruptedException {
    ControlClient client = new ControlClient(options.askAt(), ControlClient.DEFAULT_TIMEOUT);
    PrintStream out = invocation.out();
    if (!watch) {
      try {
        print(client.send(new Request.Status()), out);
        return ExitCode.OK.code();
      } catch (PortkeepException e) {
        return invocation.fail(e);
      }
    }
    while (invocation.stop().await(Duration.ZERO) == null) {
      StringBuilder screen = new StringBuilder();
      if (invocation.env().interactive()) {
        screen.append("\033[H\033[2J"); // home and clear, on a terminal only
      }
      screen.append(Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS)).append('\n');
      try {
        ObjectNode status = client.send(new Request.Status());
        if (json) {
          screen.append(status).append('\n');
        } else {
          StatusText.render(status, Instant.now()).forEach(l -> screen.append(l).append('\n'));
        }
      } catch (PortkeepException e) {
        screen.append("portkeep: ").append(e.getMessage()).append('\n');
      }
      out.print(screen);
      out.flush();
      invocation.stop().await(WATCH_EVERY);
    }
    return ExitCode.OK.code();
  }

  private void print(ObjectNode status, PrintStream out) {
    if (json) {
      out.println(status);
    } else {
      StatusText.render(status, Instant.now()).forEach(out::println);
    }
  }
}
