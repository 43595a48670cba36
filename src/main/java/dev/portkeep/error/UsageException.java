package dev.portkeep.error;

/** A bad flag, argument, forward spec or configuration value (exit 2). */
public final class UsageException extends PortkeepException {
  public UsageException(String message, String hint) {
    super(message, hint, null);
  }

  public UsageException(String message, String hint, Throwable cause) {
    super(message, hint, cause);
  }
}
