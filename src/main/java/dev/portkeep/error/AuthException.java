package dev.portkeep.error;

import org.jspecify.annotations.Nullable;

/** The server's host key was refused or the user could not authenticate (exit 3). */
public final class AuthException extends PortkeepException {
  public AuthException(String message, String hint) {
    super(message, hint, null);
  }

  public AuthException(String message, String hint, @Nullable Throwable cause) {
    super(message, hint, cause);
  }
}
