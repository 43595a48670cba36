package dev.portkeep.forward;

import dev.portkeep.config.Endpoint;
import java.io.IOException;

/** Asks the SSH server to listen for a {@code -R} forward. */
public interface RemoteForwardRequester {
  /**
   * Returns the port the server bound (the one it chose when {@code port} is 0); {@code traffic}
   * hears of each connection that comes back through it.
   */
  int requestRemoteForward(String bind, int port, Endpoint target, RemoteTraffic traffic)
      throws IOException;

  boolean isOpen();
}
