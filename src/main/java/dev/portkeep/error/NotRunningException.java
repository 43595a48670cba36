package dev.portkeep.error;

/** A command for a running {@code portkeep up} found none on its control socket (exit 6). */
public final class NotRunningException extends PortkeepException {
  public NotRunningException(String message, String hint, Throwable cause) {
    super(message, hint, cause);
  }
}
