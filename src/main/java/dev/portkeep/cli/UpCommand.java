package dev.portkeep.cli;

import dev.portkeep.bind.ServiceAddress;
import dev.portkeep.config.ForwardSyntax;
import dev.portkeep.config.tunnels.Globals;
import dev.portkeep.config.tunnels.TunnelsFile;
import dev.portkeep.error.PortkeepException;
import dev.portkeep.error.UsageException;
import dev.portkeep.fleet.Fleet;
import dev.portkeep.fleet.Up;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code portkeep up [TUNNEL...]}: every enabled tunnel of the tunnels file, until stopped. */
@Command(
    name = "up",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Runs the tunnels of the tunnels file in the foreground, each with its own session,",
      "keepalive and reconnect, until Ctrl-C or SIGTERM. SIGHUP (or portkeep reload) reads the",
      "file again and applies only what changed. One log line per state change on stderr."
    },
    footerHeading = "%nExamples:%n",
    footer = {
      "  portkeep up                  every enabled tunnel",
      "  portkeep up files db         only these (disabled ones too)",
      "  portkeep up -c ~/work/tunnels.toml --control /run/user/1000/pk.sock"
    })
final class UpCommand implements Callable<Integer> {
  static final String DEFAULT_UI = "127.0.0.1:9723";

  private final Invocation invocation;

  @Mixin FleetOptions options = new FleetOptions();

  @Option(
      names = "--metrics",
      paramLabel = "ADDRESS",
      description = {
        "Serve Prometheus metrics at http://ADDRESS/metrics, e.g. 127.0.0.1:9724 (overrides",
        "metrics in the file). A port alone is loopback."
      })
  String metrics;

  @Option(
      names = "--ui",
      paramLabel = "ADDRESS",
      arity = "0..1",
      fallbackValue = DEFAULT_UI,
      description = {
        "Serve the web page (portkeep ui opens it), at " + DEFAULT_UI + " unless ADDRESS is",
        "given (overrides ui in the file). Another address than loopback logs a warning."
      })
  String ui;

  @Parameters(paramLabel = "TUNNEL", arity = "0..*", description = "Run only these tunnels.")
  List<String> names = new ArrayList<>();

  UpCommand(Invocation invocation) {
    this.invocation = invocation;
  }

  @Override
  public Integer call() throws InterruptedException {
    try {
      Path file = options.file(invocation);
      TunnelsFile tunnels = TunnelsFile.read(file, invocation.env());
      if (tunnels.isEmpty()) {
        throw new UsageException(
            "no tunnels in " + file,
            "add a table per tunnel, e.g. [tunnel.db] host = \"alice@gw\" local = [\"5432:db:5432\"]");
      }
      Set<String> selected = selected(tunnels);
      try (Up up =
          Up.start(
              file,
              tunnels,
              invocation.env(),
              selected,
              options.serveAt(),
              endpoints(tunnels.globals()),
              new Version().getVersion()[0],
              invocation.err(),
              Clock.systemUTC())) {
        invocation.stop().onHangup(up::reload);
        invocation.stop().requested().join();
        invocation.stop().onHangup(() -> {});
        up.close(Fleet.CLOSE_GRACE);
      }
      return ExitCode.OK.code();
    } catch (PortkeepException e) {
      return invocation.fail(e);
    }
  }

  /** The command line's addresses first, then the file's; none unless one of them asks. */
  private Up.Endpoints endpoints(Globals globals) {
    Optional<ForwardSyntax.Listen> metricsAt =
        Optional.ofNullable(metrics)
            .map(text -> ServiceAddress.parse(text, "--metrics"))
            .or(globals::metrics);
    Optional<ForwardSyntax.Listen> uiAt =
        Optional.ofNullable(ui).map(text -> ServiceAddress.parse(text, "--ui")).or(globals::ui);
    return new Up.Endpoints(metricsAt.map(ServiceAddress::of), uiAt.map(ServiceAddress::of));
  }

  /** The tunnels named on the command line, as the file spells them; unknown ones are refused. */
  private Set<String> selected(TunnelsFile tunnels) {
    Set<String> selected = new LinkedHashSet<>();
    for (String name : names) {
      selected.add(
          tunnels
              .tunnel(name)
              .orElseThrow(
                  () ->
                      new UsageException(
                          "no tunnel named '" + name + "' in " + tunnels.path(),
                          "the file has " + String.join(", ", tunnels.names())))
              .name());
    }
    return selected;
  }
}
