package dev.portkeep.status;

/**
 * Why a forwarded connection got no channel: RFC 4254's reasons for a server's refusal (section
 * 5.1), and portkeep's own when no server was asked.
 */
public enum ChannelFailure {
  ADMINISTRATIVELY_PROHIBITED(1, "administratively prohibited"),
  CONNECT_FAILED(2, "connect failed"),
  UNKNOWN_CHANNEL_TYPE(3, "unknown channel type"),
  RESOURCE_SHORTAGE(4, "resource shortage"),
  /** The server refused with a code RFC 4254 does not define. */
  REFUSED(0, "refused"),
  /** No session to ask: the tunnel is reconnecting (and no ReconnectHold, or it ran out). */
  SESSION_DOWN(-1, "no SSH session"),
  /** The open failed on the way: a timeout, a session closing under it. */
  ERROR(-1, "channel error");

  private final int code;
  private final String text;

  ChannelFailure(int code, String text) {
    this.code = code;
    this.text = text;
  }

  /** The reason for an RFC 4254 code sent by a server. */
  public static ChannelFailure ofCode(int code) {
    for (ChannelFailure f : values()) {
      if (f.code == code && code > 0) {
        return f;
      }
    }
    return REFUSED;
  }

  /** As a message says it: {@code administratively prohibited}. */
  public String text() {
    return text;
  }

  /** As labels and JSON keys say it: {@code administratively_prohibited}. */
  public String label() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
