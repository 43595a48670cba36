package dev.portkeep.bind.rules;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * The model's answer for one planned bind.
 *
 * @param error the predicted error; for an uncertain verdict, the error if the bind fails; {@link
 *     BindError#NONE} exactly when the outcome is bindable
 * @param explanation one sentence a user can read
 * @param holders the sockets that decided it: blockers, or sharers for a shared bind
 * @param assumptions what the verdict takes for granted, or what it could not know; never empty for
 *     an uncertain verdict
 */
public record Verdict(
    Outcome outcome,
    BindError error,
    Rule rule,
    String explanation,
    List<Holder> holders,
    List<String> assumptions) {

  public Verdict {
    requireNonNull(outcome, "outcome");
    requireNonNull(error, "error");
    requireNonNull(rule, "rule");
    requireNonNull(explanation, "explanation");
    holders = List.copyOf(holders);
    assumptions = List.copyOf(assumptions);
    if ((outcome == Outcome.BINDABLE) != (error == BindError.NONE)) {
      throw new IllegalArgumentException(outcome + " cannot carry error " + error);
    }
    if (outcome == Outcome.UNCERTAIN && assumptions.isEmpty()) {
      throw new IllegalArgumentException("an uncertain verdict must say what it does not know");
    }
  }

  public boolean isBindable() {
    return outcome == Outcome.BINDABLE;
  }

  @Override
  public String toString() {
    return outcome
        + (error == BindError.NONE ? "" : " " + error)
        + " ["
        + rule
        + "] "
        + explanation
        + (assumptions.isEmpty()
            ? ""
            : " (assuming/unknown: " + String.join("; ", assumptions) + ")");
  }
}
