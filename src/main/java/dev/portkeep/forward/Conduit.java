package dev.portkeep.forward;

import java.io.IOException;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;

/**
 * One open SSH channel to a target, moved through by the pump: bytes go from a local socket
 * straight into channel packets, and bytes from the target straight to the local socket. Memory is
 * bounded by the SSH windows on both sides.
 */
public interface Conduit extends AutoCloseable {
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
