package dev.portkeep.config.tunnels;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import com.fasterxml.jackson.dataformat.toml.TomlReadFeature;
import dev.portkeep.config.Environment;
import dev.portkeep.config.sshconfig.SshConfig;
import dev.portkeep.error.UsageException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Reads the tunnels file: TOML by Jackson's parser, then every table and key checked here, each
 * mistake a {@link UsageException} {@code <file>:<line>: <key>: <what> '<value>'} with a hint.
 *
 * <p>{@link #parse} is a pure function of the text and the ssh_config it is given: no file, name
 * lookup or clock is touched, so it can be fuzzed.
 */
public final class TunnelsFileReader {
  /** Far more than any real file; a bigger one is a mistake (a log named as the tunnels file). */
  static final int MAX_BYTES = 1 << 20;

  private static final int LONGEST_MESSAGE = 160;

  static final String EXAMPLE =
      "[tunnel.db] host = \"alice@gw.example.com\" local = [\"5432:db.internal:5432\"]";

  private static final TomlMapper MAPPER =
      TomlMapper.builder().enable(TomlReadFeature.PARSE_JAVA_TIME).build();

  /** Loads the ssh_config the file names with {@code ssh_config}, or the default one when empty. */
  @FunctionalInterface
  public interface SshConfigs {
    SshConfig load(Optional<String> sshConfig);
  }

  private TunnelsFileReader() {}

  /** What {@code -F} would read: the given file ({@code ~/} expanded), else ~/.ssh/config. */
  public static SshConfigs sshConfigs(Environment env) {
    return setting ->
        setting
            .map(
                file -> {
                  Path path = env.expand(file);
                  if (!file.equalsIgnoreCase("none") && !Files.exists(path)) {
                    throw new UsageException(
                        "no ssh config " + Quote.of(file),
                        "check the path in ssh_config; a relative one is read from the tunnels"
                            + " file's folder");
                  }
                  return SshConfig.load(path, env);
                })
            .orElseGet(() -> SshConfig.loadDefault(env));
  }

  /** Reads {@code file} and the ssh_config it names. */
  public static TunnelsFile read(Path file, Environment env) {
    return parse(file, text(file), env, sshConfigs(env));
  }

  /**
   * Checks {@code text}, shown in messages as {@code file}. {@code env} gives the home folder for
   * {@code ~/} in paths; {@code sshConfigs} is asked once, and only when there is a tunnel.
   */
  public static TunnelsFile parse(Path file, String text, Environment env, SshConfigs sshConfigs) {
    String toml = text.startsWith("\uFEFF") ? text.substring(1) : text;
    JsonNode tree;
    try {
      tree = MAPPER.readTree(toml);
    } catch (JsonProcessingException e) {
      throw syntax(file, toml, e);
    } catch (DateTimeException e) {
      throw badDate(file, toml, e);
    }
    Errors errors = new Errors(file, TomlLines.scan(toml));
    ObjectNode root = tree instanceof ObjectNode object ? object : MAPPER.createObjectNode();
    Table top = new Table(root, KeyPath.ROOT, errors);
    top.onlyKeys(Keys.TOP, Keys::topLevelHint);
    Globals globals = GlobalsReader.read(top, env);
    List<TunnelReader.Result> read = tunnels(top, globals, sshConfigs, errors);
    ListenClash.check(read, globals, errors);
    return new TunnelsFile(file, globals, read.stream().map(TunnelReader.Result::tunnel).toList());
  }

  private static List<TunnelReader.Result> tunnels(
      Table top, Globals globals, SshConfigs sshConfigs, Errors errors) {
    JsonNode node = top.get(Keys.TUNNEL);
    if (node == null) {
      return List.of();
    }
    KeyPath at = KeyPath.of(Keys.TUNNEL);
    if (!(node instanceof ObjectNode tunnels)) {
      throw errors.at(
          at,
          "expected tables [tunnel.NAME], got " + Table.describe(node),
          "write each tunnel as its own table: " + EXAMPLE);
    }
    SshConfig ssh = tunnels.isEmpty() ? null : sshConfig(globals, sshConfigs, errors);
    TunnelReader reader = new TunnelReader(globals, ssh, errors);
    Map<String, String> names = new HashMap<>();
    List<TunnelReader.Result> results = new ArrayList<>();
    for (Map.Entry<String, JsonNode> entry : tunnels.properties()) {
      String name = entry.getKey();
      KeyPath path = at.child(name);
      checkName(name, path, errors);
      String before = names.putIfAbsent(name.toLowerCase(Locale.ROOT), name);
      if (before != null) {
        throw errors.at(
            path,
            "tunnel name "
                + Quote.of(name)
                + " differs only in case from "
                + Quote.of(before)
                + " at line "
                + errors.line(at.child(before)),
            "names are compared without case (they are typed as commands); rename one of them");
      }
      if (!(entry.getValue() instanceof ObjectNode table)) {
        throw errors.at(
            path,
            "expected a table, got " + Table.describe(entry.getValue()),
            "write the tunnel as a table: [tunnel."
                + name
                + "] then host = \"...\" on the next line");
      }
      results.add(reader.read(name, new Table(table, path, errors)));
    }
    return results;
  }

  private static void checkName(String name, KeyPath path, Errors errors) {
    if (!TunnelDef.isValidName(name)) {
      String fixed = name.replaceAll("[^A-Za-z0-9._-]", "-").replaceFirst("^[._-]+", "");
      String example = fixed.isEmpty() || fixed.length() > 64 ? "db-gateway" : fixed;
      throw errors.at(
          path,
          "bad tunnel name " + Quote.of(name),
          "use 1-64 letters, digits, '-', '_' or '.', starting with a letter or digit (names"
              + " become command arguments and metric labels), e.g. [tunnel."
              + example
              + "]");
    }
  }

  private static SshConfig sshConfig(Globals globals, SshConfigs sshConfigs, Errors errors) {
    try {
      return sshConfigs.load(globals.sshConfig());
    } catch (UsageException e) {
      if (globals.sshConfig().isEmpty()) {
        throw e; // the default ~/.ssh/config: its own message names it
      }
      throw errors.wrap(KeyPath.of(Keys.SSH_CONFIG), e);
    }
  }

  /** Jackson's error, at its line, with the text of that line; duplicates said our way. */
  private static UsageException syntax(Path file, String text, JsonProcessingException e) {
    JsonLocation location = e.getLocation();
    int line = location == null ? 1 : Math.max(1, location.getLineNr());
    int column = location == null ? 0 : location.getColumnNr();
    String what = Quote.oneLine(firstLine(e.getOriginalMessage()));
    if (what.equals("Duplicate key") || what.equals("Table redefined")) {
      Optional<TomlLines.Duplicate> dup = TomlLines.scan(text).duplicateNear(line);
      if (dup.isPresent()) {
        return duplicate(file, dup.get());
      }
    }
    String hint =
        what.equals("Object already closed")
            ? "an inline table { ... } is complete where it closes: write the keys inside it, or use a [table] instead"
            : "check the TOML near there: strings in quotes, lists in [ ], one tunnel per [tunnel.NAME] table";
    String columnText = column > 0 ? " (column " + column + ")" : "";
    return new UsageException(
        file
            + ":"
            + line
            + ": TOML syntax error"
            + columnText
            + ": "
            + what
            + ": "
            + Quote.of(lineText(text, line)),
        hint);
  }

  /**
   * Jackson's TOML module (2.23) lets java.time's exception out, without a location, for a date or
   * time that has TOML's shape but does not exist ({@code 2024-02-30}, {@code 24:00:00}); its line
   * is where that text first appears.
   */
  private static UsageException badDate(Path file, String text, DateTimeException e) {
    String value = e instanceof DateTimeParseException p ? p.getParsedString() : "";
    int at = value.isEmpty() ? -1 : text.indexOf(value);
    int line = 1;
    for (int i = 0; i < at; i++) {
      line += text.charAt(i) == '\n' ? 1 : 0;
    }
    return new UsageException(
        file + ":" + line + ": TOML syntax error: not a valid date or time: " + Quote.of(value),
        "write a date that exists, or put the value in quotes if it is not a date");
  }

  private static UsageException duplicate(Path file, TomlLines.Duplicate dup) {
    KeyPath path = dup.path();
    boolean tunnel =
        dup.header() && path.keys().size() == 2 && path.keys().get(0).equals(Keys.TUNNEL);
    String what =
        tunnel
            ? "duplicate tunnel name " + Quote.of(path.last())
            : (dup.header() ? "table " : "key ") + Quote.of(path.last()) + " written twice";
    return new UsageException(
        file
            + ":"
            + dup.line()
            + ": "
            + path
            + ": "
            + what
            + " (first at line "
            + dup.firstLine()
            + ")",
        tunnel
            ? "give each tunnel its own name, or merge the two tables"
            : "TOML allows each key and table once; remove one of them");
  }

  /** The first line of Jackson's message, cut at {@value #LONGEST_MESSAGE} characters. */
  private static String firstLine(String message) {
    String text = message == null ? "unreadable input" : message;
    int nl = text.indexOf('\n');
    String line = nl < 0 ? text : text.substring(0, nl);
    return line.length() <= LONGEST_MESSAGE ? line : line.substring(0, LONGEST_MESSAGE) + "...";
  }

  private static String lineText(String text, int line) {
    int start = 0;
    for (int i = 1; i < line && start >= 0; i++) {
      int nl = text.indexOf('\n', start);
      start = nl < 0 ? -1 : nl + 1;
    }
    if (start < 0) {
      return "";
    }
    int end = text.indexOf('\n', start);
    return text.substring(start, end < 0 ? text.length() : end).strip();
  }

  /** The file's text: it must exist, be at most {@value #MAX_BYTES} bytes and be UTF-8. */
  static String text(Path file) {
    byte[] bytes;
    try {
      if (Files.isDirectory(file)) {
        throw new UsageException(
            "cannot read tunnels file " + Quote.of(file.toString()) + ": it is a folder",
            "name the file itself, e.g. " + file.resolve(TunnelsFile.FILE_NAME));
      }
      if (Files.size(file) > MAX_BYTES) {
        throw new UsageException(
            "tunnels file "
                + Quote.of(file.toString())
                + " is larger than "
                + (MAX_BYTES >> 10)
                + " KiB",
            "check that -c names the tunnels file, not a log or a binary");
      }
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw missing(file);
    } catch (IOException e) {
      throw new UsageException(
          "cannot read tunnels file " + Quote.of(file.toString()) + ": " + e.getMessage(),
          "check that the file exists and that you may read it");
    }
    CharsetDecoder decoder =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.wrap(bytes);
    CharBuffer out = CharBuffer.allocate(bytes.length);
    if (decoder.decode(in, out, true).isError()) {
      int line = 1;
      for (int i = 0; i < in.position(); i++) {
        line += bytes[i] == '\n' ? 1 : 0;
      }
      String bad = String.format("0x%02X", bytes[in.position()] & 0xFF);
      throw new UsageException(
          file
              + ":"
              + line
              + ": not UTF-8 text: byte "
              + Quote.of(bad)
              + " at offset "
              + in.position(),
          "save the file as UTF-8, as TOML requires");
    }
    decoder.flush(out);
    return out.flip().toString();
  }

  private static UsageException missing(Path file) {
    return new UsageException(
        "no tunnels file " + Quote.of(file.toString()),
        "create it with a table per tunnel, e.g. " + EXAMPLE + " (each key on its own line)");
  }
}
