package dev.portkeep.bind.rules;

import static java.util.Objects.requireNonNull;

/**
 * What one existing socket does to a planned bind in one possible world; {@code caveat} is a doubt
 * the sources leave open even when every option is known (empty when there is none).
 */
record Judgement(
    Effect effect, Rule rule, BindError error, Stack stack, String sentence, String caveat) {
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

  static final Judgement APART =
      new Judgement(Effect.APART, Rule.PORT_FREE, BindError.NONE, Stack.IPV4, "", "");

  Judgement(Effect effect, Rule rule, BindError error, Stack stack, String sentence) {
    this(effect, rule, error, stack, sentence, "");
  }

  Judgement {
    requireNonNull(effect, "effect");
    requireNonNull(rule, "rule");
    requireNonNull(error, "error");
    requireNonNull(stack, "stack");
    requireNonNull(sentence, "sentence");
    requireNonNull(caveat, "caveat");
  }

  boolean blocks() {
    return effect == Effect.BLOCKS;
  }

  boolean mayBlock() {
    return effect == Effect.BLOCKS || effect == Effect.MAY_BLOCK;
  }
}
