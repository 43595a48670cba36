package dev.portkeep.cli;

import dev.portkeep.config.Environment;
import dev.portkeep.error.PortkeepException;
import dev.portkeep.ssh.Prompts;
import java.io.PrintStream;

/**
 * What a command runs with: its output streams, the user's environment, prompts and stop signal.
 */
record Invocation(
    PrintStream out,
    PrintStream err,
    Environment env,
    Prompts prompts,
    StopSignal stop,
    int verbosity) {

  /** Reports a user-fixable failure: one line, one hint line, details only with -v. */
  int fail(PortkeepException e) {
    err.println("portkeep: " + e.getMessage());
    if (!e.hint().isEmpty()) {
      err.println("hint: " + e.hint());
    }
    if (verbosity > 0 && !e.detail().isEmpty()) {
      e.detail().lines().forEach(line -> err.println("  " + line));
    }
    if (verbosity > 1 && e.getCause() != null) {
      err.println("  cause: " + e.getCause());
    }
    return ExitCode.of(e).code();
  }
}
