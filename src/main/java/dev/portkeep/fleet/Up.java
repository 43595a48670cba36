package dev.portkeep.fleet;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portkeep.bind.Listeners;
import dev.portkeep.config.Environment;
import dev.portkeep.config.tunnels.Globals;
import dev.portkeep.config.tunnels.TunnelsFile;
import dev.portkeep.control.ControlServer;
import dev.portkeep.error.UsageException;
import dev.portkeep.metrics.MetricsEndpoint;
import dev.portkeep.web.Dashboard;
import dev.portkeep.web.UiSecret;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A running {@code portkeep up}: its log, its hooks, its fleet of tunnels and its control endpoint,
 * put together in that order and closed in reverse. The control socket comes before any tunnel
 * binds, so a second {@code up} is refused before it touches a port.
 */
public final class Up implements AutoCloseable {
  private final Path file;
  private final Environment env;
  private final StateLog log;
  private final HookRunner hooks;
  private final Fleet fleet;
  private final ControlServer control;
  private final Optional<MetricsEndpoint> metrics;
  private final Optional<Dashboard> ui;

  /**
   * Where {@code up} serves besides its control socket, each only when asked for: the Prometheus
   * metrics and the web page.
   */
  public record Endpoints(Optional<InetSocketAddress> metrics, Optional<InetSocketAddress> ui) {
    public static final Endpoints NONE = new Endpoints(Optional.empty(), Optional.empty());
  }

  private Up(
      Path file,
      Environment env,
      StateLog log,
      HookRunner hooks,
      Fleet fleet,
      ControlServer control,
      Optional<MetricsEndpoint> metrics,
      Optional<Dashboard> ui) {
    this.file = file;
    this.env = env;
    this.log = log;
    this.hooks = hooks;
    this.fleet = fleet;
    this.control = control;
    this.metrics = metrics;
    this.ui = ui;
  }

  /**
   * Starts {@code selected} of the tunnels in {@code tunnels} (read from {@code file}; every
   * enabled one when {@code selected} is empty), serving the control endpoint at {@code socket}.
   */
  public static Up start(
      Path file,
      TunnelsFile tunnels,
      Environment env,
      Set<String> selected,
      Path socket,
      Endpoints endpoints,
      String version,
      PrintStream err,
      Clock clock) {
    Globals globals = tunnels.globals();
    Globals.Log logging = globals.log();
    StateLog log =
        new StateLog(err, clock, logging.file().orElse(null), logging.maxSize(), logging.keep());
    HookRunner hooks = new HookRunner(globals.hookTimeout(), log::line);
    Fleet fleet = new Fleet(clock, log::change, hooks::submit, log::events, Listeners::system);
    fleet.add(Definitions.of(tunnels, env));
    Map<String, String> urls = new ConcurrentHashMap<>();
    ControlServer control;
    FleetControl handler =
        new FleetControl(
            fleet,
            () -> Definitions.of(TunnelsFile.read(file, env), env),
            () -> process(file, socket, urls));
    try {
      control = ControlServer.start(socket, handler, version);
    } catch (RuntimeException e) {
      fleet.close(Duration.ZERO);
      hooks.close();
      log.close();
      throw e;
    }
    Optional<MetricsEndpoint> metrics = Optional.empty();
    Optional<Dashboard> ui = Optional.empty();
    try {
      metrics = endpoints.metrics().map(at -> MetricsEndpoint.start(at, fleet::status));
      ui =
          endpoints
              .ui()
              .map(
                  at ->
                      Dashboard.start(
                          at,
                          UiSecret.loadOrCreate(UiSecret.fileBeside(socket)),
                          fleet::status,
                          handler,
                          clock));
    } catch (RuntimeException e) {
      metrics.ifPresent(MetricsEndpoint::close);
      control.close();
      fleet.close(Duration.ZERO);
      hooks.close();
      log.close();
      throw e;
    }
    metrics.ifPresent(
        m -> {
          urls.put("metrics", m.url());
          log.line("metrics at " + m.url());
        });
    ui.ifPresent(
        d -> {
          urls.put("ui", d.url());
          log.line("web page at " + d.url() + " (portkeep ui opens it)");
        });
    Up up = new Up(file, env, log, hooks, fleet, control, metrics, ui);
    log.line(
        "portkeep up: "
            + tunnels.tunnels().size()
            + " tunnel(s) from "
            + file
            + "; control socket "
            + socket);
    fleet.startSelected(selected);
    return up;
  }

  private static ObjectNode process(Path file, Path socket, Map<String, String> urls) {
    ObjectNode n = JsonNodeFactory.instance.objectNode();
    n.put("pid", ProcessHandle.current().pid());
    n.put("file", file.toString());
    n.put("control", socket.toString());
    n.put("metrics", urls.get("metrics"));
    n.put("ui", urls.get("ui"));
    return n;
  }

  /** Reads the file again and applies what changed; a mistake is logged and changes nothing. */
  public void reload() {
    try {
      Fleet.ReloadResult r = fleet.reload(Definitions.of(TunnelsFile.read(file, env), env));
      log.line(
          "reload: added "
              + r.added()
              + ", removed "
              + r.removed()
              + ", changed "
              + r.changed()
              + ", unchanged "
              + r.unchanged());
      for (Fleet.Kept k : r.kept()) {
        log.line(
            "reload: "
                + k.tunnel()
                + " runs as it was, though a start now would fail: "
                + k.why().getMessage());
        log.line("hint: " + k.why().hint());
      }
    } catch (UsageException e) {
      log.line("reload refused, the running tunnels stay as they are: " + e.getMessage());
      log.line("hint: " + e.hint());
    }
  }

  public Fleet fleet() {
    return fleet;
  }

  /** Where the web page is served, if it is. */
  public Optional<Dashboard> ui() {
    return ui;
  }

  /** Where the metrics are served, if they are. */
  public Optional<MetricsEndpoint> metrics() {
    return metrics;
  }

  /**
   * Stops serving metrics, every tunnel (connections get {@code grace}), the endpoint, hooks, log.
   */
  public void close(Duration grace) {
    ui.ifPresent(Dashboard::close);
    metrics.ifPresent(MetricsEndpoint::close);
    fleet.close(grace);
    control.close();
    hooks.close();
    log.line("portkeep up: stopped");
    log.close();
  }

  @Override
  public void close() {
    close(Fleet.CLOSE_GRACE);
  }
}
