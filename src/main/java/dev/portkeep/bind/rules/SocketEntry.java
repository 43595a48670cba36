package dev.portkeep.bind.rules;

import static java.util.Objects.requireNonNull;

/** One TCP socket that owns a local port, as a socket table (or the caller) reports it. */
public record SocketEntry(
    BindPoint local, TcpState state, SocketOptions options, Principal owner, ProcessRef process) {
  public SocketEntry {
    requireNonNull(local, "local");
    requireNonNull(state, "state");
    requireNonNull(options, "options");
    requireNonNull(owner, "owner");
    requireNonNull(process, "process");
  }

  /** The same socket with options the caller knows better than the table does. */
  public SocketEntry withOptions(SocketOptions known) {
    return new SocketEntry(local, state, known, owner, process);
  }

  /** How a message names it: {@code the listener on 0.0.0.0:445 held by System (pid 4)}. */
  public String describe() {
    String what =
        switch (state) {
          case LISTEN -> "the listener on ";
          case BOUND -> "the bound (not listening) socket on ";
          case TIME_WAIT -> "the TIME_WAIT leftover on ";
          default -> "the " + state.name().toLowerCase(java.util.Locale.ROOT) + " connection on ";
        };
    String who =
        process instanceof ProcessRef.Absent absent
            ? " (" + absent.describe() + ")"
            : " held by " + process.describe();
    return what + local + who;
  }
}
