package dev.portkeep.error;

import org.jspecify.annotations.Nullable;

/** A local listener could not be bound, or a forward could not be set up (exit 5). */
public final class ListenException extends PortkeepException {
  private final String detail;

  public ListenException(
      String message, String hint, @Nullable String detail, @Nullable Throwable cause) {
    super(message, hint, cause);
    this.detail = detail == null ? "" : detail;
  }

  public ListenException(String message, String hint) {
    this(message, hint, "", null);
  }

  @Override
  public String detail() {
    return detail;
  }
}
