package dev.portkeep.config.tunnels;

import java.nio.file.Path;
import java.util.Objects;

/** Where something was written in the tunnels file, for messages: {@code file:line}. */
public record Origin(Path file, int line) {
  public Origin {
    Objects.requireNonNull(file, "file");
    if (line < 1) {
      throw new IllegalArgumentException("line " + line);
    }
  }

  @Override
  public String toString() {
    return file + ":" + line;
  }
}
