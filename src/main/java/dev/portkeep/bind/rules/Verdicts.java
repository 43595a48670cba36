package dev.portkeep.bind.rules;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Turns per-socket judgements into one verdict; shared by the Linux and Windows rules. */
final class Verdicts {
  /** What one existing socket contributes to the verdict, once every possible world is weighed. */
  record Finding(Outcome outcome, Judgement judgement, Holder holder, List<String> unknowns) {}

  static final String BOUND_ONLY_INVISIBLE =
      "no bound-but-not-listening socket holds the port (this socket table cannot show those)";

  private Verdicts() {}

  static Verdict refused(BindError error, Rule rule, String sentence, List<String> assumptions) {
    return new Verdict(Outcome.REFUSED, error, rule, sentence, List.of(), assumptions);
  }

  static Verdict uncertain(BindError error, Rule rule, String sentence, List<String> unknowns) {
    return new Verdict(Outcome.UNCERTAIN, error, rule, sentence, List.of(), unknowns);
  }

  /** Weighs every world for one socket; empty when the socket overlaps the plan in none. */
  static Optional<Finding> weigh(SocketEntry entry, Possibilities<Judgement> worlds) {
    List<Judgement> all = worlds.results();
    if (all.stream().allMatch(j -> j.effect() == Judgement.Effect.APART)) {
      return Optional.empty();
    }
    Optional<Judgement> blocking = all.stream().filter(Judgement::mayBlock).findFirst();
    if (blocking.isEmpty()) {
      Judgement shares =
          all.stream().filter(j -> j.effect() == Judgement.Effect.SHARES).findFirst().orElseThrow();
      return Optional.of(finding(Outcome.BINDABLE, shares, entry, List.of()));
    }
    Judgement first = blocking.get();
    if (all.stream().allMatch(Judgement::blocks)) {
      List<String> codes =
          worlds.deciding(Judgement::error).stream()
              .map(q -> "the error code depends on " + q)
              .toList();
      return Optional.of(finding(Outcome.REFUSED, first, entry, codes));
    }
    List<String> unknowns = new ArrayList<>(worlds.deciding(Judgement::blocks));
    all.stream()
        .filter(j -> j.effect() == Judgement.Effect.MAY_BLOCK)
        .findFirst()
        .ifPresent(j -> unknowns.add(j.sentence()));
    return Optional.of(finding(Outcome.UNCERTAIN, first, entry, unknowns));
  }

  private static Finding finding(
      Outcome outcome, Judgement j, SocketEntry e, List<String> unknowns) {
    List<String> notes = new ArrayList<>(unknowns);
    if (!j.caveat().isEmpty()) {
      notes.add(j.caveat());
    }
    return new Finding(outcome, j, new Holder(e, j.stack()), notes);
  }

  /** Combines findings: a refusal wins, then a doubt, then sharing; else the port is free. */
  static Verdict combine(
      PlannedBind plan, SocketTable table, List<Finding> findings, List<String> assumptions) {
    List<Finding> sorted =
        findings.stream()
            .sorted(Comparator.comparing(Finding::outcome, Comparator.comparing(Verdicts::rank)))
            .toList();
    Set<String> notes = new LinkedHashSet<>(assumptions);
    if (sorted.isEmpty()) {
      addCoverage(table, notes);
      return new Verdict(
          Outcome.BINDABLE,
          BindError.NONE,
          Rule.PORT_FREE,
          "nothing else holds port "
              + plan.at().port()
              + " on an address that overlaps "
              + plan.at().addressText()
              + ".",
          List.of(),
          List.copyOf(notes));
    }
    Finding lead = sorted.get(0);
    List<Finding> same = sorted.stream().filter(f -> f.outcome() == lead.outcome()).toList();
    same.forEach(f -> notes.addAll(f.unknowns()));
    if (lead.outcome() != Outcome.REFUSED) {
      addCoverage(table, notes);
    }
    Judgement j = lead.judgement();
    String sentence =
        lead.outcome() == Outcome.UNCERTAIN
            ? "this may fail, depending on what the table cannot show: " + j.sentence()
            : j.sentence();
    return new Verdict(
        lead.outcome(),
        lead.outcome() == Outcome.BINDABLE ? BindError.NONE : j.error(),
        j.rule(),
        sentence,
        same.stream().map(Finding::holder).toList(),
        List.copyOf(notes));
  }

  private static int rank(Outcome outcome) {
    return switch (outcome) {
      case REFUSED -> 0;
      case UNCERTAIN -> 1;
      case BINDABLE -> 2;
    };
  }

  private static void addCoverage(SocketTable table, Set<String> notes) {
    if (table.coverage() == Coverage.WITHOUT_BOUND_ONLY_SOCKETS) {
      notes.add(BOUND_ONLY_INVISIBLE);
    }
  }

  /** How a sentence names the plan: {@code 127.0.0.1:8080}, {@code the dual-stack [::]:80}. */
  static String name(PlannedBind plan) {
    return plan.isDualStackWildcard() ? "the dual-stack " + plan.at() : plan.at().toString();
  }
}
