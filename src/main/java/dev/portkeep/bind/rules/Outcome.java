package dev.portkeep.bind.rules;

/** What the model predicts for a planned bind. */
public enum Outcome {
  BINDABLE,
  REFUSED,
  /** The answer depends on something the socket table does not show; see the verdict's assumptions. */
  UNCERTAIN
}
