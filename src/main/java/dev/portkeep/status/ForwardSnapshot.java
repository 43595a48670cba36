package dev.portkeep.status;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One forward of a tunnel at one moment. {@code listen} is where it serves (local addresses, or the
 * server's port for {@code -R}); the counters are empty for a {@code -R} forward whose counters
 * nobody registered (a command-line run reports no status). {@code smb} is there for the SMB
 * forward of an SMB tunnel once it listens.
 */
public record ForwardSnapshot(
    String flag,
    String spec,
    List<String> listen,
    ForwardState state,
    Optional<Long> open,
    Optional<Long> total,
    Optional<Long> bytesUp,
    Optional<Long> bytesDown,
    Map<ChannelFailure, Long> failures,
    Optional<Problem> lastError,
    Optional<ProbeSnapshot> probe,
    Optional<SmbAccess> smb) {

  /** Where a forward stands. */
  public enum ForwardState {
    /** Not bound or requested yet. */
    PENDING,
    /** Listening (or accepted by the server for {@code -R}). */
    ACTIVE,
    /** Active, but its health probe fails: the far end does not answer. */
    DEGRADED,
    /** Its listener could not bind, or the server refused it. */
    FAILED,
    /** Its tunnel is stopped. */
    STOPPED;

    public String label() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /** The last health probe: whether the far end answered, how fast, and when. */
  public record ProbeSnapshot(ProbeOutcome outcome, java.time.Instant at) {
    public ProbeSnapshot {
      Objects.requireNonNull(outcome, "outcome");
      Objects.requireNonNull(at, "at");
    }
  }

  public ForwardSnapshot {
    Objects.requireNonNull(flag, "flag");
    Objects.requireNonNull(spec, "spec");
    listen = List.copyOf(listen);
    Objects.requireNonNull(state, "state");
    failures = Map.copyOf(failures);
    Objects.requireNonNull(smb, "smb");
  }
}
