package dev.portkeep.bind.rules;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * Judges a pair of sockets once for every combination of the facts the table does not show.
 *
 * <p>Each {@link Fact} is YES, NO or UNKNOWN; unknown ones are tried both ways, false first, so the
 * first world is the one where nobody set anything unusual.
 */
final class Possibilities<R> {
  /** One input of a judgement, with the question a user would ask if it were unknown. */
  record Fact(String question, TriState state) {}

  private final List<Fact> facts;
  private final List<Integer> unknown = new ArrayList<>();
  private final List<R> results = new ArrayList<>();

  private Possibilities(List<Fact> facts, Function<boolean[], R> judge) {
    this.facts = List.copyOf(facts);
    for (int i = 0; i < facts.size(); i++) {
      if (facts.get(i).state() == TriState.UNKNOWN) {
        unknown.add(i);
      }
    }
    for (int mask = 0; mask < 1 << unknown.size(); mask++) {
      results.add(judge.apply(world(mask)));
    }
  }

  static <R> Possibilities<R> judge(List<Fact> facts, Function<boolean[], R> judge) {
    return new Possibilities<>(facts, judge);
  }

  /** Every result, in world order; the first assumes every unknown fact is false. */
  List<R> results() {
    return List.copyOf(results);
  }

  /** The questions whose answer changes {@code key} of the result, all else held equal. */
  List<String> deciding(Function<R, ?> key) {
    List<String> questions = new ArrayList<>();
    for (int bit = 0; bit < unknown.size(); bit++) {
      for (int mask = 0; mask < results.size(); mask++) {
        Object here = key.apply(results.get(mask));
        Object flipped = key.apply(results.get(mask ^ (1 << bit)));
        if (!Objects.equals(here, flipped)) {
          questions.add(facts.get(unknown.get(bit)).question());
          break;
        }
      }
    }
    return questions;
  }

  private boolean[] world(int mask) {
    boolean[] values = new boolean[facts.size()];
    for (int i = 0; i < facts.size(); i++) {
      values[i] = facts.get(i).state() == TriState.YES;
    }
    for (int bit = 0; bit < unknown.size(); bit++) {
      values[unknown.get(bit)] = (mask & (1 << bit)) != 0;
    }
    return values;
  }
}
