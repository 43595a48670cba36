package dev.portkeep.error;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A failure the user can fix: a message naming the culprit and a one-line hint. Bugs are never
 * reported with this type; they stay ordinary runtime exceptions and get a stack trace.
 */
public abstract sealed class PortkeepException extends RuntimeException
    permits UsageException,
        AuthException,
        UnreachableException,
        ListenException,
        NotRunningException {

  private final String hint;

  PortkeepException(String message, String hint, @Nullable Throwable cause) {
    super(Objects.requireNonNull(message, "message"), cause);
    this.hint = Objects.requireNonNull(hint, "hint");
  }

  /** One imperative sentence telling the user what to do; empty when there is nothing to add. */
  public String hint() {
    return hint;
  }

  /** Detail lines shown with {@code -v}; empty unless a subclass has more to say. */
  public String detail() {
    return "";
  }
}
