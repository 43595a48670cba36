package dev.portkeep.fleet;

import dev.portkeep.status.StateChange;
import java.io.IOException;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.temporal.ChronoUnit;

/**
 * The log of {@code portkeep up}: one line per state change and per notable event, each with the
 * time, on stderr and, when {@code log_file} is set, in that file too, rotated by size: at {@code
 * maxBytes} the file becomes {@code .1}, the older ones move up, and {@code keep} of them stay.
 */
final class StateLog implements AutoCloseable {
  private final PrintStream err;
  private final Clock clock;
  private final Path file;
  private final long maxBytes;
  private final int keep;
  private Writer out;
  private long size;

  /** {@code file} null: stderr only. */
  StateLog(PrintStream err, Clock clock, Path file, long maxBytes, int keep) {
    this.err = err;
    this.clock = clock;
    this.file = file;
    this.maxBytes = maxBytes;
    this.keep = keep;
  }

  void change(StateChange c) {
    String reason = c.reason().isEmpty() ? "" : ": " + c.reason();
    line(c.tunnel() + " " + c.current().label() + reason + " (was " + c.previous().label() + ")");
  }

  /** One line, stamped with the time. */
  synchronized void line(String text) {
    String stamped = clock.instant().truncatedTo(ChronoUnit.MILLIS) + " " + text;
    err.println(stamped);
    if (file != null) {
      toFile(stamped + System.lineSeparator());
    }
  }

  private void toFile(String text) {
    try {
      byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
      if (out != null && size + bytes.length > maxBytes && size > 0) {
        rotate();
      }
      if (out == null) {
        Files.createDirectories(file.toAbsolutePath().getParent());
        out =
            Files.newBufferedWriter(
                file, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        size = Files.size(file);
      }
      out.write(text);
      out.flush();
      size += bytes.length;
    } catch (IOException e) {
      err.println("portkeep: cannot write the log file " + file + ": " + e.getMessage());
    }
  }

  private void rotate() throws IOException {
    out.close();
    out = null;
    Files.deleteIfExists(rotated(keep)); // the oldest goes (the file itself when keep is 0)
    for (int i = keep - 1; i >= 0; i--) {
      if (Files.exists(rotated(i))) {
        Files.move(rotated(i), rotated(i + 1), StandardCopyOption.REPLACE_EXISTING);
      }
    }
  }

  /** {@code file.n}; {@code file} itself for 0. */
  private Path rotated(int n) {
    return n == 0 ? file : file.resolveSibling(file.getFileName() + "." + n);
  }

  @Override
  public synchronized void close() {
    if (out != null) {
      try {
        out.close();
      } catch (IOException ignored) {
        // Closing down; the lines are flushed after each write.
      }
      out = null;
    }
  }
}
