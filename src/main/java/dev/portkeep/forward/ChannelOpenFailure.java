package dev.portkeep.forward;

import java.io.IOException;

/** The server refused to open a channel, with RFC 4254's reason and the server's own words. */
public final class ChannelOpenFailure extends IOException {
  /** RFC 4254 section 5.1 reason codes. */
  public enum Reason {
    ADMINISTRATIVELY_PROHIBITED(1, "administratively prohibited"),
    CONNECT_FAILED(2, "connect failed"),
    UNKNOWN_CHANNEL_TYPE(3, "unknown channel type"),
    RESOURCE_SHORTAGE(4, "resource shortage"),
    OTHER(0, "refused");

    private final int code;
    private final String text;

    Reason(int code, String text) {
      this.code = code;
      this.text = text;
    }

    public static Reason of(int code) {
      for (Reason r : values()) {
        if (r.code == code) {
          return r;
        }
      }
      return OTHER;
    }

    public String text() {
      return text;
    }
  }

  private final Reason reason;

  public ChannelOpenFailure(Reason reason, String serverMessage) {
    super(
        reason.text()
            + (serverMessage == null || serverMessage.isBlank()
                ? ""
                : " (server says: " + serverMessage + ")"));
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
