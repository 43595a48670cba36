package dev.portkeep.cli;

import dev.portkeep.error.AuthException;
import dev.portkeep.error.ListenException;
import dev.portkeep.error.NotRunningException;
import dev.portkeep.error.PortkeepException;
import dev.portkeep.error.UnreachableException;
import dev.portkeep.error.UsageException;

/** portkeep's exit codes, a contract documented in the README. */
public enum ExitCode {
  OK(0),
  INTERNAL_ERROR(1),
  USAGE(2),
  AUTH(3),
  UNREACHABLE(4),
  FORWARD_FAILED(5),
  NOT_RUNNING(6);

  private final int code;

  ExitCode(int code) {
    this.code = code;
  }

  public int code() {
    return code;
  }

  static ExitCode of(PortkeepException e) {
    return switch (e) {
      case UsageException u -> USAGE;
      case AuthException a -> AUTH;
      case UnreachableException u -> UNREACHABLE;
      case ListenException l -> FORWARD_FAILED;
      case NotRunningException n -> NOT_RUNNING;
    };
  }
}
