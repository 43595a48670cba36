package dev.portkeep.config.sshconfig;

import dev.portkeep.config.Environment;
import dev.portkeep.config.Keyword;
import dev.portkeep.config.sshconfig.OpenSshKeywords.Known;
import dev.portkeep.error.UsageException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * One {@link SshConfig#resolve}: ssh's process_config_files() over the loaded entries. The first
 * pass matches Host lines against the host as given; a second, "final" pass follows when a Match
 * line names {@code final} or CanonicalizeHostname is on, matching against the host name found in
 * the first, without canonicalizing it (portkeep never resolves names while parsing).
 */
final class Resolution implements MatchCondition.Facts {
  /** ssh's SSH_MAX_IDENTITY_FILES and SSH_MAX_CERTIFICATE_FILES. */
  private static final int MAX_IDENTITY_FILES = 100;

  private final String hostArgument;
  private final Overrides given;
  private final Environment env;
  private final Map<Keyword, List<Raw>> values = new EnumMap<>(Keyword.class);
  private final Set<String> notes = new LinkedHashSet<>();
  private String ignoreUnknown;
  private String canonicalizeHostname;
  private boolean wantFinalPass;
  private boolean finalPass;
  private String hostForHostLines;

  /** A value as written, before token expansion, with its line. */
  private record Raw(String text, Source source) {}

  Resolution(String hostArgument, Overrides given, Environment env) {
    this.hostArgument = hostArgument;
    this.given = given;
    this.env = env;
  }

  HostConfig run(List<Entry> entries) {
    hostForHostLines = hostArgument;
    walk(entries, true, false);
    if (wantFinalPass || canonicalizes()) {
      hostForHostLines = hostName();
      finalPass = true;
      walk(entries, true, false);
    }
    return build();
  }

  /** read_config_file_depth(): Host and Match switch {@code active}; an Include keeps its own. */
  private void walk(List<Entry> entries, boolean active, boolean neverMatch) {
    for (Entry entry : entries) {
      switch (entry) {
        case Entry.HostLine host -> active = !neverMatch && host.matches(hostForHostLines);
        case Entry.MatchLine match -> active = matches(match, neverMatch) && !neverMatch;
        case Entry.IncludeLine include -> {
          if (active) {
            include
                .unmatched()
                .forEach(p -> note(include.source(), "Include " + p + " matched no files"));
          }
          for (Entry.LoadedFile file : include.files()) {
            walk(file.entries(), active, neverMatch || !active);
          }
        }
        case Entry.Setting setting -> apply(setting.line(), active);
      }
    }
  }

  /**
   * Evaluated even where it can never apply, as OpenSSH does: "final" still asks for the second
   * pass.
   */
  private boolean matches(Entry.MatchLine match, boolean neverMatch) {
    wantFinalPass |= match.condition().requestsFinalPass();
    MatchCondition.Outcome outcome = match.condition().evaluate(this);
    if (outcome.notEvaluated() != null && !neverMatch) {
      note(
          match.source(),
          "Match "
              + outcome.notEvaluated()
              + " is not evaluated by portkeep; the block is skipped");
    }
    return outcome.matched();
  }

  private void apply(ConfigLine line, boolean active) {
    Optional<Known> known = OpenSshKeywords.lookup(line.keyword());
    if (known.isEmpty()) {
      rejectUnknown(line, active);
      return;
    }
    String name = known.get().canonical();
    switch (known.get().role()) {
      case USED -> {
        if (active) {
          set(known.get().keyword().orElseThrow(), line);
        }
      }
      case STRUCTURE -> { // IgnoreUnknown: the other three are entries of their own
        if (active && ignoreUnknown == null) {
          ignoreUnknown = line.args().get(0);
        }
      }
      case NOT_USED -> {
        if (active) {
          skip(name, line);
        }
      }
      case DEPRECATED -> {
        if (active) {
          note(line.source(), name + " is not used by portkeep (OpenSSH ignores it too)");
        }
      }
    }
  }

  private void rejectUnknown(ConfigLine line, boolean active) {
    String lower = line.keyword().toLowerCase(Locale.ROOT);
    if (ignoreUnknown != null
        && Patterns.matchList(lower, ignoreUnknown, true) == Patterns.ListMatch.MATCH) {
      if (active) {
        note(line.source(), line.keyword() + " is unknown to OpenSSH, skipped by IgnoreUnknown");
      }
      return;
    }
    boolean ours = Keyword.lookup(line.keyword()).map(Keyword::portkeepOnly).orElse(false);
    throw new UsageException(
        line.source().prefix() + " Bad configuration option: " + line.keyword(),
        ours
            ? line.keyword()
                + " is portkeep's own option, which ssh would reject here: give it with -o"
            : "check the spelling; portkeep reads this file as OpenSSH does (IgnoreUnknown skips words on purpose)");
  }

  private void skip(String name, ConfigLine line) {
    switch (name) {
      case "CanonicalizeHostname" -> {
        if (canonicalizeHostname == null) {
          canonicalizeHostname = line.args().get(0);
        }
      }
      default -> {}
    }
    note(line.source(), name + " is not used by portkeep");
  }

  private void set(Keyword keyword, ConfigLine line) {
    List<String> args = line.args();
    switch (keyword) {
      case IDENTITY_FILE, CERTIFICATE_FILE -> {
        if (values.getOrDefault(keyword, List.of()).size() >= MAX_IDENTITY_FILES) {
          String what = keyword == Keyword.IDENTITY_FILE ? "identity" : "certificate";
          throw new UsageException(
              line.source().prefix()
                  + " too many "
                  + what
                  + " files (max "
                  + MAX_IDENTITY_FILES
                  + ")",
              "remove " + keyword.canonical() + " lines; OpenSSH stops at the same number");
        }
        addOnce(keyword, args.get(0), line.source());
      }
      case LOCAL_FORWARD, REMOTE_FORWARD, DYNAMIC_FORWARD ->
          addOnce(keyword, String.join(":", args), line.source());
      case USER_KNOWN_HOSTS_FILE -> {
        if (!values.containsKey(keyword)) {
          args.forEach(file -> add(keyword, file, line.source()));
        }
      }
      case PROXY_JUMP -> {
        if (firstProxy(keyword, Keyword.PROXY_COMMAND, line)) {
          setFirst(keyword, true, line.rawValue(), line.source());
        }
      }
      case PROXY_COMMAND -> {
        if (firstProxy(keyword, Keyword.PROXY_JUMP, line)) {
          setFirst(keyword, true, line.commandValue(), line.source());
        }
      }
      case HOST_NAME ->
          setFirst(keyword, !finalPass && given.hostName().isEmpty(), args.get(0), line.source());
      case USER -> setFirst(keyword, given.user().isEmpty(), args.get(0), line.source());
      case PORT -> setFirst(keyword, given.port().isEmpty(), args.get(0), line.source());
      default -> setFirst(keyword, true, args.get(0), line.source());
    }
  }

  /** ProxyJump and ProxyCommand exclude each other: the first one given wins, as in OpenSSH. */
  private boolean firstProxy(Keyword keyword, Keyword other, ConfigLine line) {
    Optional<Raw> earlier = firstRaw(other);
    if (earlier.isPresent() && !values.containsKey(keyword)) {
      note(
          line.source(),
          keyword.canonical()
              + " ignored: the "
              + other.canonical()
              + " at "
              + earlier.get().source()
              + " came first, as OpenSSH decides");
    }
    return earlier.isEmpty();
  }

  private void setFirst(Keyword keyword, boolean allowed, String value, Source source) {
    if (allowed && !values.containsKey(keyword)) {
      add(keyword, value, source);
    }
  }

  private void addOnce(Keyword keyword, String value, Source source) {
    if (values.getOrDefault(keyword, List.of()).stream()
        .noneMatch(raw -> raw.text().equals(value))) {
      add(keyword, value, source);
    }
  }

  private void add(Keyword keyword, String value, Source source) {
    values.computeIfAbsent(keyword, k -> new ArrayList<>()).add(new Raw(value, source));
  }

  private void note(Source source, String text) {
    notes.add(source + ": " + text);
  }

  private boolean canonicalizes() {
    return canonicalizeHostname != null
        && Set.of("yes", "true", "always").contains(canonicalizeHostname.toLowerCase(Locale.ROOT));
  }

  private Optional<Raw> firstRaw(Keyword keyword) {
    return values.getOrDefault(keyword, List.of()).stream().findFirst();
  }

  /** ssh's host name after reading the files: HostName with %h expanded, lower-cased. */
  private String hostName() {
    if (given.hostName().isPresent()) {
      return Tokens.hostName(given.hostName().get(), hostArgument, new Source("command line", 0))
          .toLowerCase(Locale.ROOT);
    }
    return firstRaw(Keyword.HOST_NAME)
        .map(raw -> Tokens.hostName(raw.text(), hostArgument, raw.source()))
        .orElse(hostArgument)
        .toLowerCase(Locale.ROOT);
  }

  @Override
  public String matchHost() {
    if (finalPass) {
      return hostForHostLines;
    }
    if (given.hostName().isPresent() || values.containsKey(Keyword.HOST_NAME)) {
      return hostName(); // match_hostname() lower-cases anyway
    }
    return hostArgument;
  }

  @Override
  public String originalHost() {
    return hostArgument;
  }

  @Override
  public String remoteUser() {
    return given.user().or(() -> firstRaw(Keyword.USER).map(Raw::text)).orElse(env.localUser());
  }

  @Override
  public String localUser() {
    return env.localUser();
  }

  @Override
  public boolean finalPass() {
    return finalPass;
  }

  private HostConfig build() {
    Map<Character, String> tokens =
        Map.of(
            'h', hostName(),
            'n', hostArgument,
            'p', given.port().or(() -> firstRaw(Keyword.PORT).map(Raw::text)).orElse("22"),
            'r', remoteUser(),
            'u', env.localUser(),
            'd', env.home().toString());
    Map<Keyword, List<HostConfig.Value>> result = new EnumMap<>(Keyword.class);
    values.forEach(
        (keyword, raws) -> {
          List<HostConfig.Value> list = new ArrayList<>();
          for (Raw raw : raws) {
            list.add(new HostConfig.Value(expand(keyword, raw, tokens), raw.source().toString()));
          }
          result.put(keyword, list);
        });
    return new HostConfig(
        result,
        List.copyOf(notes),
        (keyword, value) -> expand(keyword, new Raw(value, Source.COMMAND_LINE), tokens));
  }

  private String expand(Keyword keyword, Raw raw, Map<Character, String> tokens) {
    return switch (keyword) {
      case HOST_NAME ->
          Tokens.hostName(raw.text(), hostArgument, raw.source()).toLowerCase(Locale.ROOT);
      case IDENTITY_FILE, USER_KNOWN_HOSTS_FILE, CERTIFICATE_FILE, IDENTITY_AGENT -> {
        String path = raw.text();
        if (path.equals("~") || path.startsWith("~/")) {
          path = env.expand(path).toString();
        } else if (path.startsWith("~")) {
          note(
              raw.source(),
              keyword.canonical() + " '" + path + "': portkeep expands only ~/, not ~user/");
        }
        yield Tokens.path(path, tokens, raw.source(), keyword.canonical(), note -> notes.add(note));
      }
      case PROXY_COMMAND -> Tokens.command(raw.text(), tokens, raw.source());
      default -> raw.text();
    };
  }
}
