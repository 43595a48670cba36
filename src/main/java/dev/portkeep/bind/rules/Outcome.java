package dev.portkeep.bind.rules;

/** What the model predicts for a planned bind. */
public enum Outcome {
  BINDABLE,
  REFUSED,
  /** The answer depends on what the socket table does not show; see the assumptions. */
  UNCERTAIN
}
