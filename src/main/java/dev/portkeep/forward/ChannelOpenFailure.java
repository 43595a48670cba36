package dev.portkeep.forward;

import dev.portkeep.status.ChannelFailure;
import java.io.IOException;
import java.util.Objects;

/** The server refused to open a channel, with RFC 4254's reason and the server's own words. */
public final class ChannelOpenFailure extends IOException {
  private final ChannelFailure reason;

  public ChannelOpenFailure(ChannelFailure reason, String serverMessage) {
    super(
        reason.text()
            + (serverMessage == null || serverMessage.isBlank()
                ? ""
                : " (server says: " + serverMessage + ")"));
    this.reason = Objects.requireNonNull(reason, "reason");
  }

  public ChannelFailure reason() {
    return reason;
  }

  /** Why {@code e}, thrown by a {@link ChannelOpener}, left a connection without a channel. */
  public static ChannelFailure reasonOf(IOException e) {
    return switch (e) {
      case ChannelOpenFailure refused -> refused.reason();
      case SessionDownException down -> ChannelFailure.SESSION_DOWN;
      default -> ChannelFailure.ERROR;
    };
  }
}
