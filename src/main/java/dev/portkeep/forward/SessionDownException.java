package dev.portkeep.forward;

import java.io.IOException;

/**
 * No SSH session to open a channel on: the tunnel is reconnecting, and the connection was not held
 * (no ReconnectHold) or the hold ran out.
 */
public final class SessionDownException extends IOException {
  public SessionDownException(String message) {
    super(message);
  }
}
