package dev.portkeep.forward;

import dev.portkeep.config.ForwardSpec;
import java.net.InetSocketAddress;

/**
 * What happens to forwarded connections, for logs and status. Every method has a no-op default,
 * must be fast and must not throw; it is called on connection threads.
 */
public interface ForwardEvents {
  default void connectionOpened(ForwardSpec forward, InetSocketAddress client) {}

  default void channelRefused(ForwardSpec forward, InetSocketAddress client, IOExceptionView error) {}

  default void connectionClosed(ForwardSpec forward, InetSocketAddress client, long bytesUp, long bytesDown) {}

  ForwardEvents NONE = new ForwardEvents() {};

  /** The failure of a channel open, as text, so listeners need no exception handling. */
  record IOExceptionView(String message, boolean refusedByServer) {}
}
