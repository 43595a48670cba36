package dev.portkeep.error;

import org.jspecify.annotations.Nullable;

/** The SSH server could not be reached or the connection broke before it was usable (exit 4). */
public final class UnreachableException extends PortkeepException {
  public UnreachableException(String message, String hint, @Nullable Throwable cause) {
    super(message, hint, cause);
  }
}
