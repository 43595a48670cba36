package dev.portkeep.forward;

import dev.portkeep.config.Endpoint;
import java.io.IOException;
import java.net.InetSocketAddress;

/** Opens {@code direct-tcpip} channels through an SSH session. */
public interface ChannelOpener {
  /**
   * Opens a channel from the server to {@code target}, naming {@code originator} (the local client)
   * as RFC 4254 asks. Blocks until the server answers.
   *
   * @throws ChannelOpenFailure when the server refuses, with its reason
   * @throws IOException when the session is gone or does not answer
   */
  Conduit open(Endpoint target, InetSocketAddress originator) throws IOException;
}
