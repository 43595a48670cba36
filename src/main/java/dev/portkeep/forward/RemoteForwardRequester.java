package dev.portkeep.forward;

import dev.portkeep.config.Endpoint;
import java.io.IOException;

/** Asks the SSH server to listen for a {@code -R} forward. */
public interface RemoteForwardRequester {
  /** Returns the port the server bound (the one it chose when {@code port} is 0). */
  int requestRemoteForward(String bind, int port, Endpoint target) throws IOException;

  boolean isOpen();
}
