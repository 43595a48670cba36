package dev.portkeep.bind.rules;

/** A socket option whose value is known to be set, known to be clear, or not visible to us. */
public enum TriState {
  YES,
  NO,
  UNKNOWN;

  public static TriState of(boolean value) {
    return value ? YES : NO;
  }
}
