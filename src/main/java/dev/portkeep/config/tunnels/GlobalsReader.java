package dev.portkeep.config.tunnels;

import dev.portkeep.config.BindAddress;
import dev.portkeep.config.Environment;
import dev.portkeep.config.ForwardSyntax;
import dev.portkeep.error.UsageException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The global keys at the top of the tunnels file into {@link Globals}. */
final class GlobalsReader {
  /**
   * {@code 10M}, {@code 512K}, {@code 1G}, with an optional {@code B} or {@code iB}; 1024-based.
   */
  private static final Pattern SIZE =
      Pattern.compile("(\\d{1,10})\\s*([KMG]?)(I?B)?", Pattern.CASE_INSENSITIVE);

  private GlobalsReader() {}

  static Globals read(Table top, Environment env) {
    Errors errors = top.errors();
    return new Globals(
        top.string(Keys.SSH_CONFIG).map(v -> sshConfig(v, env, errors)),
        top.command(Keys.ON_CHANGE),
        Duration.ofSeconds(
            top.integer(Keys.HOOK_TIMEOUT, 1, Globals.MAX_HOOK_TIMEOUT_SECONDS, "seconds")
                .orElse(Globals.DEFAULT_HOOK_TIMEOUT.toSeconds())),
        new Globals.Log(
            top.string(Keys.LOG_FILE).map(v -> path(v, KeyPath.of(Keys.LOG_FILE), env, errors)),
            logSize(top),
            (int)
                top.integer(Keys.LOG_KEEP, 0, Globals.Log.MAX_KEEP, "files")
                    .orElse(Globals.Log.DEFAULT_KEEP)),
        address(top, Keys.METRICS),
        address(top, Keys.UI));
  }

  /**
   * As {@code -F} takes it; {@code ~/} stays for {@code Plans} to expand, a relative path is read
   * from the tunnels file's folder.
   */
  private static String sshConfig(String value, Environment env, Errors errors) {
    if (value.equalsIgnoreCase("none")) {
      return value;
    }
    Path path = path(value, KeyPath.of(Keys.SSH_CONFIG), env, errors);
    return value.equals("~") || value.startsWith("~/") ? value : path.toString();
  }

  /** {@code ~/} is the home folder; a relative path is read from the tunnels file's folder. */
  private static Path path(String value, KeyPath at, Environment env, Errors errors) {
    if (value.isBlank()) {
      throw errors.at(at, "empty path " + Quote.of(value), "give a file, e.g. ~/portkeep.log");
    }
    try {
      if (value.equals("~") || value.startsWith("~/")) {
        return env.expandOrThrow(value);
      }
      Path path = errors.file().getFileSystem().getPath(value);
      if (path.isAbsolute()) {
        return path;
      }
      Path folder = errors.file().toAbsolutePath().getParent();
      return folder == null ? path : folder.resolve(path);
    } catch (InvalidPathException e) {
      throw errors.at(
          at, "not a path on this system: " + Quote.of(value), "check the path: " + e.getReason());
    }
  }

  /** Bytes, as an integer or as text such as {@code "10M"}. */
  private static long logSize(Table top) {
    String key = Keys.LOG_MAX_SIZE;
    KeyPath at = top.path().child(key);
    String range = "from 1K to 1G";
    var value = top.get(key);
    if (value == null) {
      return Globals.Log.DEFAULT_MAX_SIZE;
    }
    if (value.isIntegralNumber()) {
      return top.integer(at, value, Globals.Log.MIN_SIZE, Globals.Log.MAX_SIZE, "bytes");
    }
    String text = top.text(at, value, key + " = \"10M\"");
    Matcher m = SIZE.matcher(text.strip());
    if (!m.matches()) {
      throw top.errors()
          .at(
              at,
              "not a size: " + Quote.of(text),
              "write bytes or a number with K, M or G, " + range + ", e.g. \"10M\"");
    }
    int shift =
        switch (m.group(2).toUpperCase(Locale.ROOT)) {
          case "K" -> 10;
          case "M" -> 20;
          case "G" -> 30;
          default -> 0;
        };
    long n = Long.parseLong(m.group(1));
    if (n > (Globals.Log.MAX_SIZE >> shift) || (n << shift) < Globals.Log.MIN_SIZE) {
      throw top.errors().at(at, "out of range: " + Quote.of(text), "give a size " + range);
    }
    return n << shift;
  }

  /** {@code [host:]port} with IPv6 in brackets; a port alone is localhost, as for {@code -L}. */
  private static Optional<ForwardSyntax.Listen> address(Table top, String key) {
    KeyPath at = top.path().child(key);
    return top.stringOrInteger(key)
        .map(
            text -> {
              ForwardSyntax.Listen listen;
              try {
                listen = ForwardSyntax.parseListen(text);
              } catch (UsageException e) {
                throw top.errors()
                    .at(
                        at,
                        "bad address "
                            + Quote.of(text)
                            + ": expected [address:]port, a port from 0 to 65535",
                        example(key));
              }
              if (listen.bind() instanceof BindAddress.HostName) {
                throw top.errors()
                    .at(
                        at,
                        "not an IP address: " + Quote.of(text),
                        example(key) + "; names are not looked up here");
              }
              return listen;
            });
  }

  private static String example(String key) {
    String port = key.equals(Keys.METRICS) ? "9724" : "9723";
    return "write [address:]port, IPv6 in brackets, e.g. " + key + " = \"127.0.0.1:" + port + "\"";
  }
}
