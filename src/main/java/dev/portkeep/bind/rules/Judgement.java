package dev.portkeep.bind.rules;

import static java.util.Objects.requireNonNull;

/** What one existing socket does to a planned bind in one possible world. */
record Judgement(Effect effect, Rule rule, BindError error, Stack stack, String sentence) {
  /** The four things an existing socket can do to a planned bind. */
  enum Effect {
    /** The two do not overlap at all. */
    APART,
    /** They overlap, and the rules let them share. */
    SHARES,
    /** They overlap, and the bind fails. */
    BLOCKS,
    /** They overlap, and no rule we know settles it. */
    MAY_BLOCK
  }

  static final Judgement APART = new Judgement(Effect.APART, Rule.PORT_FREE, BindError.NONE,
      Stack.IPV4, "");

  Judgement {
    requireNonNull(effect, "effect");
    requireNonNull(rule, "rule");
    requireNonNull(error, "error");
    requireNonNull(stack, "stack");
    requireNonNull(sentence, "sentence");
  }

  boolean blocks() {
    return effect == Effect.BLOCKS;
  }

  boolean mayBlock() {
    return effect == Effect.BLOCKS || effect == Effect.MAY_BLOCK;
  }
}
