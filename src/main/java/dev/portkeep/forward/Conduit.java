package dev.portkeep.forward;

import java.io.InputStream;
import java.io.OutputStream;

/**
 * One open SSH channel to a target, seen as a byte stream each way. Writes block while the peer's
 * window is exhausted, which is the pump's backpressure.
 */
public interface Conduit extends AutoCloseable {
  /** Bytes from the target; returns -1 after the peer's EOF (or close) and all data is read. */
  InputStream input();

  /** Bytes to the target. */
  OutputStream output();

  /** Sends EOF: no more bytes go to the target, while bytes from it keep flowing. */
  void sendEof();

  /** Closes the channel at once, without waiting for queued data (the local side reset). */
  void abort();

  /** Runs {@code action} once the channel is closed, by either side; at once if it already is. */
  void onClosed(Runnable action);

  /** Closes the channel gracefully: queued data is sent, then CHANNEL_CLOSE. Idempotent. */
  @Override
  void close();
}
