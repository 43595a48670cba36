package dev.portkeep.status;

import java.util.Objects;

/** Why a session ended without being asked to, as the supervisor learned it from the SSH layer. */
public record LossReason(Kind kind, String detail) {
  /** What happened to the session. */
  public enum Kind {
    /** The server sent a disconnect message (it shut down, or ended the session). */
    SERVER_DISCONNECTED("the server ended the session"),
    /** The connection closed or was reset with no SSH disconnect first (a crash, a reset). */
    CONNECTION_CLOSED("the connection to the server ended"),
    /** No answer to the keepalives: a silent peer or a cut link. */
    KEEPALIVE_TIMEOUT("the server stopped answering keepalives"),
    /** A packet failed its MAC or could not be decrypted: the stream was damaged. */
    CORRUPTED("a packet from the server failed its integrity check"),
    /** Anything else the SSH layer reported. */
    ERROR("the session failed");

    private final String text;

    Kind(String text) {
      this.text = text;
    }

    public String text() {
      return text;
    }

    public String label() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  public LossReason {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(detail, "detail");
  }

  /** One phrase for logs: the kind, then the SSH layer's own words when it had some. */
  public String describe() {
    return detail.isBlank() ? kind.text() : kind.text() + " (" + detail + ")";
  }
}
