package dev.portkeep.control;

import java.util.HashSet;
import java.util.List;
import java.util.Objects;

/**
 * One control request, as {@link Protocol} reads it from a line of JSON. {@code ping} is answered
 * by the server itself; every other request goes to the {@link ControlHandler}. The six records
 * ({@link Ping}, {@link Status}, {@link Start}, {@link Stop}, {@link Restart}, {@link Reload}) are
 * every request there is.
 */
public sealed interface Request
    permits Request.Ping, Request.Status, Request.Selective, Request.Reload {

  /** The value of the request's {@code "command"} field. */
  String command();

  /** {@code {"command":"ping"}}: is an {@code up} running here, which one, since when. */
  record Ping() implements Request {
    @Override
    public String command() {
      return "ping";
    }
  }

  /** {@code {"command":"status"}}: every tunnel's state. */
  record Status() implements Request {
    @Override
    public String command() {
      return "status";
    }
  }

  /** {@code {"command":"reload"}}: read the tunnels file again and apply the difference. */
  record Reload() implements Request {
    @Override
    public String command() {
      return "reload";
    }
  }

  /**
   * A request about some tunnels. {@link #tunnels()} empty means every tunnel: on the wire that is
   * a request without {@code "tunnels"}; an empty list there is refused, so that a script whose
   * filter matched nothing does not act on everything.
   */
  sealed interface Selective extends Request permits Start, Stop, Restart {
    List<String> tunnels();

    default boolean everyTunnel() {
      return tunnels().isEmpty();
    }
  }

  /** {@code {"command":"start","tunnels":["a","b"]}}. */
  record Start(List<String> tunnels) implements Selective {
    public Start {
      tunnels = names(tunnels);
    }

    @Override
    public String command() {
      return "start";
    }
  }

  /** {@code {"command":"stop","tunnels":["a"]}}. */
  record Stop(List<String> tunnels) implements Selective {
    public Stop {
      tunnels = names(tunnels);
    }

    @Override
    public String command() {
      return "stop";
    }
  }

  /** {@code {"command":"restart"}}. */
  record Restart(List<String> tunnels) implements Selective {
    public Restart {
      tunnels = names(tunnels);
    }

    @Override
    public String command() {
      return "restart";
    }
  }

  /** A copy of {@code tunnels}, refusing blank and repeated names. */
  private static List<String> names(List<String> tunnels) {
    List<String> copy = List.copyOf(Objects.requireNonNull(tunnels, "tunnels"));
    HashSet<String> seen = new HashSet<>();
    for (String name : copy) {
      if (name.isBlank()) {
        throw new IllegalArgumentException("tunnel names must not be blank: " + copy);
      }
      if (!seen.add(name)) {
        throw new IllegalArgumentException("tunnel '" + name + "' is named twice");
      }
    }
    return copy;
  }
}
