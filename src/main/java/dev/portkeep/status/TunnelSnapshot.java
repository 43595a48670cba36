package dev.portkeep.status;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** One named tunnel at one moment: what {@code portkeep status} shows and scripts read. */
public record TunnelSnapshot(
    String name,
    TunnelState state,
    Instant since,
    String server,
    Optional<Integer> attempt,
    Optional<Instant> nextTry,
    Optional<SessionInfo> session,
    long reconnects,
    Optional<LossReason> lastLoss,
    Optional<Problem> lastError,
    List<ForwardSnapshot> forwards) {
  public TunnelSnapshot {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(since, "since");
    Objects.requireNonNull(server, "server");
    forwards = List.copyOf(forwards);
  }
}
