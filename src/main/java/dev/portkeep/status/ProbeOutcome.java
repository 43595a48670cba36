package dev.portkeep.status;

import java.time.Duration;
import java.util.Objects;

/** What one health probe of a forward's far end found. */
public sealed interface ProbeOutcome {
  /** How long the probe took. */
  Duration took();

  /** The target answered; {@code detail} says how (e.g. the SMB dialect), or is empty. */
  record Answered(Duration took, String detail) implements ProbeOutcome {
    public Answered {
      Objects.requireNonNull(took, "took");
      Objects.requireNonNull(detail, "detail");
    }
  }

  /** The target did not answer as it should; {@code reason} says what happened. */
  record Failed(Duration took, String reason) implements ProbeOutcome {
    public Failed {
      Objects.requireNonNull(took, "took");
      Objects.requireNonNull(reason, "reason");
    }
  }
}
