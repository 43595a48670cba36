package dev.portkeep.config.sshconfig;

import dev.portkeep.error.UsageException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The criteria of one {@code Match} line, checked for syntax when the file is loaded and evaluated
 * per host as readconf.c's match_cfg_line() does. {@code exec} is never run, and the criteria of
 * newer OpenSSH releases are not evaluated: either makes the line not match, with a note.
 */
final class MatchCondition {
  /** The facts a Match line is evaluated against, as they stand when the line is reached. */
  interface Facts {
    /** The host name so far: HostName (with %h expanded) if one was set, else the host given. */
    String matchHost();

    /** The host exactly as given on the command line. */
    String originalHost();

    /** The remote user so far: -l or user@, else an earlier User line, else the local user. */
    String remoteUser();

    String localUser();

    /** True on the second pass OpenSSH makes after {@code Match final} or CanonicalizeHostname. */
    boolean finalPass();
  }

  /** Whether the line matched, and the first criterion portkeep could not evaluate, if reached. */
  record Outcome(boolean matched, String notEvaluated) {}

  private enum Kind {
    ALL,
    CANONICAL,
    FINAL,
    HOST,
    ORIGINAL_HOST,
    USER,
    LOCAL_USER,
    NOT_EVALUATED
  }

  private record Criterion(Kind kind, boolean negated, String argument, String written) {}

  /** Criteria of OpenSSH releases after 9.2, and exec: accepted, never evaluated. */
  private static final Set<String> NOT_EVALUATED =
      Set.of("exec", "tagged", "localnetwork", "sessiontype", "command", "version");

  private final List<Criterion> criteria;

  private MatchCondition(List<Criterion> criteria) {
    this.criteria = List.copyOf(criteria);
  }

  /** Parses the words after {@code Match}, failing as OpenSSH does on a malformed line. */
  static MatchCondition parse(List<String> words, Source source) {
    List<Criterion> criteria = new ArrayList<>();
    int attributes = 0;
    for (int i = 0; i < words.size() && !words.get(i).startsWith("#"); i++) {
      String word = words.get(i);
      boolean negated = word.startsWith("!");
      String attribute = (negated ? word.substring(1) : word).toLowerCase(Locale.ROOT);
      if (attribute.equals("all")) {
        boolean more = i + 1 < words.size() && !words.get(i + 1).startsWith("#");
        if (attributes > 1 || more) {
          throw bad(source, "'" + word + "' cannot be combined with other Match attributes");
        }
        criteria.add(new Criterion(Kind.ALL, negated, "", word));
        return new MatchCondition(criteria);
      }
      attributes++;
      if (attribute.equals("canonical") || attribute.equals("final")) {
        Kind kind = attribute.equals("final") ? Kind.FINAL : Kind.CANONICAL;
        criteria.add(new Criterion(kind, negated, "", word));
        continue;
      }
      if (i + 1 >= words.size() || words.get(i + 1).isEmpty() || words.get(i + 1).startsWith("#")) {
        throw bad(source, "missing Match criteria for " + attribute);
      }
      String argument = words.get(++i);
      criteria.add(
          new Criterion(kind(attribute, source), negated, argument, word + " " + argument));
    }
    if (attributes == 0) {
      throw bad(source, "one or more attributes required for Match");
    }
    return new MatchCondition(criteria);
  }

  private static Kind kind(String attribute, Source source) {
    return switch (attribute) {
      case "host" -> Kind.HOST;
      case "originalhost" -> Kind.ORIGINAL_HOST;
      case "user" -> Kind.USER;
      case "localuser" -> Kind.LOCAL_USER;
      default -> {
        if (NOT_EVALUATED.contains(attribute)) {
          yield Kind.NOT_EVALUATED;
        }
        throw bad(source, "unsupported Match attribute '" + attribute + "'");
      }
    };
  }

  private static UsageException bad(Source source, String why) {
    return new UsageException(
        source.prefix() + " Bad Match condition: " + why,
        "Match takes all, canonical, final, exec, host, originalhost, user or localuser, as in ssh_config(5)");
  }

  /** True if the line names {@code final}: OpenSSH then reads the files a second time. */
  boolean requestsFinalPass() {
    return criteria.stream().anyMatch(c -> c.kind() == Kind.FINAL);
  }

  /** match_cfg_line(): every criterion must hold; a not-evaluated one fails the line. */
  Outcome evaluate(Facts facts) {
    boolean result = true;
    String notEvaluated = null;
    for (Criterion c : criteria) {
      if (c.kind() == Kind.ALL) {
        return new Outcome(result && !c.negated(), notEvaluated);
      }
      if (c.kind() == Kind.NOT_EVALUATED) {
        if (result && notEvaluated == null) {
          notEvaluated = c.written(); // OpenSSH, too, only runs exec while the line still matches
        }
        result = false;
        continue;
      }
      if (holds(c, facts) == c.negated()) {
        result = false;
      }
    }
    return new Outcome(result, notEvaluated);
  }

  private static boolean holds(Criterion c, Facts facts) {
    return switch (c.kind()) {
      case CANONICAL, FINAL -> facts.finalPass();
      case HOST -> Patterns.matchesHostList(facts.matchHost(), c.argument());
      case ORIGINAL_HOST -> Patterns.matchesHostList(facts.originalHost(), c.argument());
      case USER ->
          Patterns.matchList(facts.remoteUser(), c.argument(), false) == Patterns.ListMatch.MATCH;
      case LOCAL_USER ->
          Patterns.matchList(facts.localUser(), c.argument(), false) == Patterns.ListMatch.MATCH;
      case ALL, NOT_EVALUATED -> throw new IllegalStateException("handled by evaluate: " + c);
    };
  }
}
