package dev.portkeep.bind.rules;

import static java.util.Objects.requireNonNull;

import org.jspecify.annotations.Nullable;

/** The process behind a socket: seen by name, hidden from us, or absent because none owns it. */
public sealed interface ProcessRef {
  /** A process portkeep is not allowed to inspect. */
  ProcessRef HIDDEN = new Hidden();

  /** How a message names it: {@code nginx (pid 812)}. */
  String describe();

  /** A process we could see; {@code name} and {@code commandLine} are null when not readable. */
  record Seen(long pid, @Nullable String name, @Nullable String commandLine) implements ProcessRef {
    public Seen {
      if (pid < 0) {
        throw new IllegalArgumentException("pid " + pid + " is negative");
      }
    }

    @Override
    public String describe() {
      return (name == null ? "a process" : name) + " (pid " + pid + ")";
    }
  }

  /** A socket whose process portkeep may not look at, typically another user's without root. */
  record Hidden() implements ProcessRef {
    @Override
    public String describe() {
      return "a process portkeep cannot see (run as root to name it)";
    }
  }

  /** No process holds the socket, e.g. a TIME_WAIT leftover or a kernel socket; says why. */
  record Absent(String why) implements ProcessRef {
    public Absent {
      requireNonNull(why, "why");
    }

    @Override
    public String describe() {
      return why;
    }
  }
}
