package dev.portkeep.fleet;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portkeep.bind.Listeners;
import dev.portkeep.config.Environment;
import dev.portkeep.config.tunnels.Globals;
import dev.portkeep.config.tunnels.TunnelsFile;
import dev.portkeep.control.ControlServer;
import dev.portkeep.error.UsageException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Set;

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

  private Up(
      Path file,
      Environment env,
      StateLog log,
      HookRunner hooks,
      Fleet fleet,
      ControlServer control) {
    this.file = file;
    this.env = env;
    this.log = log;
    this.hooks = hooks;
    this.fleet = fleet;
    this.control = control;
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
    ControlServer control;
    try {
      FleetControl handler =
          new FleetControl(
              fleet,
              () -> Definitions.of(TunnelsFile.read(file, env), env),
              () -> process(file, socket));
      control = ControlServer.start(socket, handler, version);
    } catch (RuntimeException e) {
      fleet.close(Duration.ZERO);
      hooks.close();
      log.close();
      throw e;
    }
    Up up = new Up(file, env, log, hooks, fleet, control);
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

  private static ObjectNode process(Path file, Path socket) {
    ObjectNode n = JsonNodeFactory.instance.objectNode();
    n.put("pid", ProcessHandle.current().pid());
    n.put("file", file.toString());
    n.put("control", socket.toString());
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
    } catch (UsageException e) {
      log.line("reload refused, the running tunnels stay as they are: " + e.getMessage());
      log.line("hint: " + e.hint());
    }
  }

  public Fleet fleet() {
    return fleet;
  }

  /** Stops every tunnel (connections get {@code grace}), then the endpoint, hooks and log. */
  public void close(Duration grace) {
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
