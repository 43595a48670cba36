package dev.portkeep.forward;

import java.io.IOException;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.SocketChannel;
import java.nio.channels.WritableByteChannel;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/**
 * One open SSH channel to a target, moved through by the pump: bytes go from a local socket
 * straight into channel packets, and bytes from the target straight to the local socket. Memory is
 * bounded by the SSH windows on both sides.
 */
public interface Conduit extends AutoCloseable {
  /** Told of the bytes a connection moves, as they move. */
  interface Traffic {
    /** {@code n} bytes read from the local socket went into the channel. */
    void up(int n);

    /** {@code n} bytes from the channel were written to the local socket. */
    void down(int n);
  }

  /**
   * Moves the connection's bytes on the thread that runs the channel's SSH session, with no thread
   * of the caller's, as {@link Pump} does with its two: {@code pending} goes first, the same
   * half-close, reset and window rules hold, and the socket and the channel are both closed when
   * the returned future completes. Null when the session's transport has no such thread (MINA's
   * NIO2): the caller moves the bytes itself, through the other methods.
   */
  default @Nullable CompletableFuture<Void> splice(
      SocketChannel socket, byte[] pending, Traffic traffic) {
    return null;
  }

  /**
   * Reads what {@code source} has, up to one packet, and hands it to the session to send without
   * waiting for the write. Blocks while the server's window is shut, and while a few of this
   * channel's packets are still waiting to be written (8 for the SSH channel, {@code
   * DirectChannel.IN_FLIGHT}), until the oldest is; so a channel never queues more than those
   * packets, nor more bytes than the server's window allows. A failed write is thrown by a later
   * call. Returns the bytes sent, -1 at the source's EOF.
   */
  int sendFrom(ReadableByteChannel source) throws IOException;

  /**
   * Writes the next bytes from the target to {@code sink}, blocking until some arrive, and only
   * then opens the window for more. Returns the bytes written, -1 after the target's EOF or the
   * close.
   */
  int receiveTo(WritableByteChannel sink) throws IOException;

  /** Sends EOF: no more bytes go to the target, while bytes from it keep flowing. */
  void sendEof();

  /** Closes the channel at once, without waiting for queued data (the local side reset). */
  void abort();

  /** Runs {@code action} once the channel is closed, by either side; at once if it already is. */
  void onClosed(Runnable action);

  /**
   * Closes the channel gracefully: queued data is sent, then CHANNEL_CLOSE; data received and not
   * yet taken by {@link #receiveTo} is dropped, so call it only once nothing reads any more.
   * Idempotent.
   */
  @Override
  void close();
}
