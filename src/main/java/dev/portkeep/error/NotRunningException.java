package dev.portkeep.error;

import org.jspecify.annotations.Nullable;

/** A command for a running {@code portkeep up} found none on its control socket (exit 6). */
public final class NotRunningException extends PortkeepException {
  public NotRunningException(String message, String hint, @Nullable Throwable cause) {
    super(message, hint, cause);
  }
}
