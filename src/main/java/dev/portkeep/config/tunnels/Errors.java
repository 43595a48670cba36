package dev.portkeep.config.tunnels;

import dev.portkeep.error.UsageException;
import java.nio.file.Path;

/**
 * The reader's errors, all of one shape: {@code <file>:<line>: <key>: <what is wrong>}, the bad
 * value quoted in {@code what}, and a hint. The line comes from {@link TomlLines}.
 */
final class Errors {
  private final Path file;
  private final TomlLines lines;

  Errors(Path file, TomlLines lines) {
    this.file = file;
    this.lines = lines;
  }

  Path file() {
    return file;
  }

  int line(KeyPath path) {
    return lines.line(path);
  }

  Origin origin(KeyPath path) {
    return new Origin(file, line(path));
  }

  UsageException at(KeyPath path, String what, String hint) {
    String key = path.keys().isEmpty() ? "" : path + ": ";
    return new UsageException(
        file + ":" + line(path) + ": " + key + Quote.oneLine(what), Quote.oneLine(hint));
  }

  /** Another component's error (a forward spec, a destination) placed at {@code path}. */
  UsageException wrap(KeyPath path, UsageException e) {
    return at(path, e.getMessage(), e.hint());
  }
}
