package dev.portkeep.error;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The bind engine's explanation of a listener that could not bind, as data: the address, the OS
 * error, the rule that decides it, the sockets that hold the port, and the ways out. A {@link
 * ListenException} carries it so status, the web page and scripts show the same answer as the
 * message, without reading the message.
 */
public record BindRefusal(
    String address,
    String osError,
    String rule,
    String explanation,
    List<Holder> holders,
    List<String> hints) {

  /** One socket that holds the port, as {@code portkeep check --json} names it. */
  public record Holder(
      String local,
      String state,
      Optional<Long> pid,
      Optional<String> process,
      Optional<Integer> uid,
      Optional<String> user) {
    public Holder {
      Objects.requireNonNull(local, "local");
      Objects.requireNonNull(state, "state");
      Objects.requireNonNull(pid, "pid");
      Objects.requireNonNull(process, "process");
      Objects.requireNonNull(uid, "uid");
      Objects.requireNonNull(user, "user");
    }
  }

  public BindRefusal {
    Objects.requireNonNull(address, "address");
    Objects.requireNonNull(osError, "osError");
    Objects.requireNonNull(rule, "rule");
    Objects.requireNonNull(explanation, "explanation");
    holders = List.copyOf(holders);
    hints = List.copyOf(hints);
  }
}
