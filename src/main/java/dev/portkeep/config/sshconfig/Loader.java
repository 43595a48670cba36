package dev.portkeep.config.sshconfig;

import dev.portkeep.config.Environment;
import dev.portkeep.config.Keyword;
import dev.portkeep.config.sshconfig.OpenSshKeywords.Role;
import dev.portkeep.error.UsageException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Reads a configuration file and every file it includes into entries, failing on what OpenSSH
 * rejects whatever the host: bad quotes, missing or extra arguments, malformed Match lines, Include
 * loops, and included files anyone may write to.
 */
final class Loader {
  /** readconf.c's READCONF_MAX_DEPTH. */
  static final int MAX_INCLUDE_DEPTH = 16;

  private final Environment env;
  private final Deque<Path> chain = new ArrayDeque<>();

  Loader(Environment env) {
    this.env = env;
  }

  /**
   * The entries of {@code file}, which must exist; {@code checkPermissions} as for the default
   * file.
   */
  Entry.LoadedFile load(Path file, boolean checkPermissions) {
    return read(file, null, checkPermissions);
  }

  private Entry.LoadedFile read(Path file, Source includedAt, boolean checkPermissions) {
    String shown = shown(file);
    if (checkPermissions) {
      requireNotWorldWritable(file, shown);
    }
    String text;
    try {
      text = new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
    } catch (IOException e) {
      String where = includedAt == null ? "" : " (included at " + includedAt + ")";
      throw new UsageException(
          "cannot read ssh config " + shown + where + ": " + e.getMessage(),
          "check that the file exists and is readable");
    }
    chain.push(real(file));
    try {
      List<Entry> entries = new ArrayList<>();
      String[] lines = text.split("\n", -1);
      for (int i = 0; i < lines.length; i++) {
        Source source = new Source(shown, i + 1);
        if (lines[i].indexOf('\0') >= 0) {
          // No path or name may hold one, and Java's file API refuses it with an exception.
          throw new UsageException(
              source.prefix() + " NUL character in the line",
              "ssh_config is a text file; this one looks binary or damaged");
        }
        ConfigLine.parse(lines[i], source).ifPresent(line -> entries.add(entry(line)));
      }
      return new Entry.LoadedFile(shown, List.copyOf(entries));
    } finally {
      chain.pop();
    }
  }

  private Entry entry(ConfigLine line) {
    Source source = line.source();
    return switch (line.keyword().toLowerCase(Locale.ROOT)) {
      case "host" -> {
        requireNoEmptyWord(line);
        yield new Entry.HostLine(source, line.args());
      }
      case "match" ->
          new Entry.MatchLine(source, MatchCondition.parse(line.delimitedWords(), source));
      case "include" -> include(line);
      default -> {
        checkArguments(line);
        yield new Entry.Setting(line);
      }
    };
  }

  private Entry include(ConfigLine line) {
    requireNoEmptyWord(line);
    if (chain.size() > MAX_INCLUDE_DEPTH) {
      throw new UsageException(
          line.source().prefix() + " Include nested more than " + MAX_INCLUDE_DEPTH + " files deep",
          "flatten the Include chain; OpenSSH stops at the same depth");
    }
    List<Entry.LoadedFile> files = new ArrayList<>();
    List<String> unmatched = new ArrayList<>();
    for (String written : line.args()) {
      List<Path> matches = Glob.expand(anchor(written), env.home().getFileSystem());
      if (matches.isEmpty()) {
        unmatched.add(written);
      }
      for (Path file : matches) {
        if (Files.isDirectory(file)) {
          continue; // OpenSSH reads a directory as an empty file
        }
        requireNoLoop(file, line.source());
        files.add(read(file, line.source(), true));
      }
    }
    return new Entry.IncludeLine(line.source(), List.copyOf(files), List.copyOf(unmatched));
  }

  /** readconf.c: {@code ~} is the home directory and a relative path lives in {@code ~/.ssh}. */
  private String anchor(String written) {
    String home = env.home().toAbsolutePath().toString();
    if (written.equals("~") || written.startsWith("~/")) {
      return home + written.substring(1);
    }
    boolean absolute = written.startsWith("/") || written.matches("(?s)[A-Za-z]:[/\\\\].*");
    return absolute ? written : home + "/.ssh/" + written;
  }

  private void requireNoLoop(Path file, Source source) {
    Path real = real(file);
    if (chain.contains(real)) {
      List<Path> cycle = new ArrayList<>(chain);
      Collections.reverse(cycle);
      String path =
          cycle.subList(cycle.indexOf(real), cycle.size()).stream()
              .map(this::shown)
              .collect(Collectors.joining(" -> "));
      throw new UsageException(
          source.prefix() + " Include loop: " + path + " -> " + shown(file),
          "remove the Include that leads back to a file already being read");
    }
  }

  /** Arity of the keywords portkeep uses, checked in every block as OpenSSH does. */
  private static void checkArguments(ConfigLine line) {
    var known = OpenSshKeywords.lookup(line.keyword());
    if (known.isEmpty()) {
      return; // judged at resolve time, where IgnoreUnknown is known
    }
    // The two not-used keywords whose value portkeep reads (Resolution keeps them).
    if (known.get().canonical().equals("IgnoreUnknown")
        || known.get().canonical().equals("CanonicalizeHostname")) {
      requireCount(line, 1, 1);
      return;
    }
    if (known.get().role() != Role.USED) {
      return;
    }
    Keyword keyword = known.get().keyword().orElseThrow();
    switch (keyword) {
      case PROXY_JUMP, PROXY_COMMAND -> {} // read unsplit, as OpenSSH does
      case LOCAL_FORWARD -> requireCount(line, 2, 2);
      case REMOTE_FORWARD -> requireCount(line, 1, 2);
      case USER_KNOWN_HOSTS_FILE -> {
        requireCount(line, 1, Integer.MAX_VALUE);
        if (line.args().size() > 1
            && line.args().stream().anyMatch(a -> a.equalsIgnoreCase("none"))) {
          throw new UsageException(
              line.source().prefix() + " UserKnownHostsFile 'none' must appear alone",
              "write 'UserKnownHostsFile none' on its own");
        }
      }
      default -> requireCount(line, 1, 1);
    }
  }

  private static void requireCount(ConfigLine line, int min, int max) {
    List<String> args = line.args();
    String keyword = line.keyword();
    if (args.size() < min || args.stream().anyMatch(String::isEmpty)) {
      String what = args.size() == 1 && min == 2 ? "missing target argument" : "missing argument";
      throw new UsageException(
          line.source().prefix() + " " + keyword + ": " + what, "see ssh_config(5) for " + keyword);
    }
    if (args.size() > max) {
      throw new UsageException(
          line.source().prefix()
              + " keyword "
              + keyword
              + " extra arguments at end of line: '"
              + String.join(" ", args.subList(max, args.size()))
              + "'",
          "quote a value that contains spaces, or put '#' before a comment");
    }
  }

  /**
   * An empty word is an error; no word at all ({@code Host # comment}) is a block matching nothing.
   */
  private static void requireNoEmptyWord(ConfigLine line) {
    if (line.args().stream().anyMatch(String::isEmpty)) {
      throw new UsageException(
          line.source().prefix() + " keyword " + line.keyword() + " empty argument",
          "remove the empty quotes");
    }
  }

  /** readconf.c refuses included and default files others may write; Debian relaxes group. */
  private void requireNotWorldWritable(Path file, String shown) {
    PosixFileAttributeView view = Files.getFileAttributeView(file, PosixFileAttributeView.class);
    try {
      if (view != null
          && view.readAttributes().permissions().contains(PosixFilePermission.OTHERS_WRITE)) {
        throw new UsageException(
            "bad permissions on ssh config " + shown + ": anyone may write to it",
            "run chmod o-w " + shown + "; OpenSSH refuses it too");
      }
    } catch (IOException e) {
      // unreadable attributes: reading the file reports the real problem
    }
  }

  private static Path real(Path file) {
    try {
      return file.toRealPath();
    } catch (IOException e) {
      return file.toAbsolutePath().normalize();
    }
  }

  /** The file as the user would write it: under the home directory it starts with {@code ~/}. */
  String shown(Path file) {
    Path absolute = file.toAbsolutePath().normalize();
    Path home = env.home().toAbsolutePath().normalize();
    return absolute.startsWith(home) && !absolute.equals(home)
        ? "~/" + home.relativize(absolute)
        : file.toString();
  }
}
