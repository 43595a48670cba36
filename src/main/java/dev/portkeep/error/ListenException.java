package dev.portkeep.error;

import java.util.Optional;
import org.jspecify.annotations.Nullable;

/** A local listener could not be bound, or a forward could not be set up (exit 5). */
public final class ListenException extends PortkeepException {
  private final String detail;
  private final transient @Nullable BindRefusal refusal;

  public ListenException(
      String message, String hint, @Nullable String detail, @Nullable Throwable cause) {
    this(message, hint, detail, cause, null);
  }

  /** A bind failure with the bind engine's explanation as data. */
  public ListenException(
      String message,
      String hint,
      @Nullable String detail,
      @Nullable Throwable cause,
      @Nullable BindRefusal refusal) {
    super(message, hint, cause);
    this.detail = detail == null ? "" : detail;
    this.refusal = refusal;
  }

  public ListenException(String message, String hint) {
    this(message, hint, "", null);
  }

  @Override
  public String detail() {
    return detail;
  }

  /** The explanation of a failed bind; empty for other forward failures. */
  public Optional<BindRefusal> refusal() {
    return Optional.ofNullable(refusal);
  }
}
