package dev.portkeep.error;

import org.jspecify.annotations.Nullable;

/** A bad flag, argument, forward spec or configuration value (exit 2). */
public final class UsageException extends PortkeepException {
  public UsageException(String message, String hint) {
    super(message, hint, null);
  }

  public UsageException(String message, String hint, @Nullable Throwable cause) {
    super(message, hint, cause);
  }
}
