package dev.portkeep.forward;

import dev.portkeep.config.Endpoint;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

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

  /**
   * Opens the channel as {@link #open} does without blocking: the future completes when the server
   * answers, or fails with what {@code open} would throw. Null when no answer can come without
   * waiting for something else first (a session that is down and may come back): then call {@code
   * open} on a thread that may wait.
   */
  default @Nullable CompletableFuture<Conduit> openNow(
      Endpoint target, InetSocketAddress originator) {
    return null;
  }
}
