package dev.portkeep.error;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/** The server's host key was refused or the user could not authenticate (exit 3). */
public final class AuthException extends PortkeepException {
  /** Which of the two checks failed: status and scripts tell them apart by this, not by text. */
  public enum Kind {
    AUTHENTICATION,
    HOST_KEY
  }

  private final Kind kind;

  public AuthException(String message, String hint) {
    this(Kind.AUTHENTICATION, message, hint, null);
  }

  public AuthException(String message, String hint, @Nullable Throwable cause) {
    this(Kind.AUTHENTICATION, message, hint, cause);
  }

  public AuthException(Kind kind, String message, String hint, @Nullable Throwable cause) {
    super(message, hint, cause);
    this.kind = Objects.requireNonNull(kind, "kind");
  }

  /** A host key that was unknown, changed, revoked or not accepted. */
  public static AuthException hostKey(String message, String hint) {
    return new AuthException(Kind.HOST_KEY, message, hint, null);
  }

  public static AuthException hostKey(String message, String hint, @Nullable Throwable cause) {
    return new AuthException(Kind.HOST_KEY, message, hint, cause);
  }

  public Kind kind() {
    return kind;
  }
}
