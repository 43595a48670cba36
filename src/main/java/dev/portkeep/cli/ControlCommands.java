package dev.portkeep.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portkeep.control.ControlClient;
import dev.portkeep.control.Request;
import dev.portkeep.error.PortkeepException;
import dev.portkeep.error.UsageException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code portkeep start|stop|restart TUNNEL...} and {@code portkeep reload}. */
final class ControlCommands {
  private ControlCommands() {}

  /** The shape of start, stop and restart: names (or --all), one request, the states after. */
  abstract static class Selective implements Callable<Integer> {
    private final Invocation invocation;
    private final Function<List<String>, Request> request;

    @Mixin FleetOptions options = new FleetOptions();

    @Option(names = "--all", description = "Every tunnel (start: every enabled one).")
    boolean all;

    @Parameters(paramLabel = "TUNNEL", arity = "0..*", description = "The tunnels, by name.")
    List<String> names = new ArrayList<>();

    Selective(Invocation invocation, Function<List<String>, Request> request) {
      this.invocation = invocation;
      this.request = request;
    }

    @Override
    public Integer call() {
      try {
        if (names.isEmpty() && !all) {
          throw new UsageException(
              "no tunnel given", "name the tunnels (portkeep status lists them), or give --all");
        }
        if (!names.isEmpty() && all) {
          throw new UsageException(
              "--all and tunnel names " + names + " were both given", "give one or the other");
        }
        ControlClient client = new ControlClient(options.askAt(), ControlClient.DEFAULT_TIMEOUT);
        ObjectNode after = client.send(request.apply(List.copyOf(names)));
        StatusText.render(after, Instant.now()).forEach(invocation.out()::println);
        return ExitCode.OK.code();
      } catch (PortkeepException e) {
        return invocation.fail(e);
      }
    }
  }

  @Command(
      name = "start",
      mixinStandardHelpOptions = true,
      description = "Starts tunnels of the running portkeep up (a failed one is tried again).",
      footerHeading = "%nExamples:%n",
      footer = {"  portkeep start files", "  portkeep start --all"})
  static final class Start extends Selective {
    Start(Invocation invocation) {
      super(invocation, Request.Start::new);
    }
  }

  @Command(
      name = "stop",
      mixinStandardHelpOptions = true,
      description =
          "Stops tunnels of the running portkeep up: listeners closed, open connections given 2 s.",
      footerHeading = "%nExamples:%n",
      footer = {"  portkeep stop files db", "  portkeep stop --all"})
  static final class Stop extends Selective {
    Stop(Invocation invocation) {
      super(invocation, Request.Stop::new);
    }
  }

  @Command(
      name = "restart",
      mixinStandardHelpOptions = true,
      description = "Stops and starts tunnels of the running portkeep up (a new session each).",
      footerHeading = "%nExamples:%n",
      footer = {"  portkeep restart db"})
  static final class Restart extends Selective {
    Restart(Invocation invocation) {
      super(invocation, Request.Restart::new);
    }
  }

  @Command(
      name = "reload",
      mixinStandardHelpOptions = true,
      description = {
        "Makes the running portkeep up read its tunnels file again and apply only what changed:",
        "new tunnels start, removed ones stop, changed ones restart, the others are not touched.",
        "A mistake in the file changes nothing and is reported here (exit 2). SIGHUP does the same."
      },
      footerHeading = "%nExamples:%n",
      footer = {"  portkeep reload"})
  static final class Reload implements Callable<Integer> {
    private final Invocation invocation;

    @Mixin FleetOptions options = new FleetOptions();

    Reload(Invocation invocation) {
      this.invocation = invocation;
    }

    @Override
    public Integer call() {
      try {
        ControlClient client = new ControlClient(options.askAt(), ControlClient.DEFAULT_TIMEOUT);
        ObjectNode result = client.send(new Request.Reload());
        for (String part : List.of("added", "removed", "changed", "unchanged")) {
          List<String> names = new ArrayList<>();
          result.path(part).forEach((JsonNode n) -> names.add(n.asText()));
          invocation
              .out()
              .println(part + ": " + (names.isEmpty() ? "-" : String.join(", ", names)));
        }
        for (JsonNode k : result.path("kept")) {
          invocation
              .out()
              .println(
                  "kept: "
                      + k.path("tunnel").asText()
                      + " runs as it was, though a start now would fail: "
                      + k.path("message").asText());
          invocation.out().println("  hint: " + k.path("hint").asText());
        }
        return ExitCode.OK.code();
      } catch (PortkeepException e) {
        return invocation.fail(e);
      }
    }
  }
}
