package dev.portkeep.error;

/** The SSH server could not be reached or the connection broke before it was usable (exit 4). */
public final class UnreachableException extends PortkeepException {
  public UnreachableException(String message, String hint, Throwable cause) {
    super(message, hint, cause);
  }
}
