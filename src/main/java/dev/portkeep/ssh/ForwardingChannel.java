package dev.portkeep.ssh;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.LinkedBlockingQueue;
import org.apache.sshd.client.channel.ChannelDirectTcpip;
import org.apache.sshd.common.util.net.SshdSocketAddress;

/**
 * A {@code direct-tcpip} channel that hands received data to the pump in whole packets, instead of
 * MINA's piped stream, and ends the data at the peer's CHANNEL_EOF.
 *
 * <p>MINA's pipe copies every packet into one growing array (most of the allocation when
 * downloading) and ends its stream only at CHANNEL_CLOSE; OpenSSH's sshd sends CLOSE only after
 * both sides sent EOF, so a target that answered and closed would leave the local client waiting.
 * Here each packet is copied once into a recycled buffer and queued; the local window opens only
 * as the pump writes the bytes to the local socket, so the queue holds at most one window.
 */
final class ForwardingChannel extends ChannelDirectTcpip {
  private static final Chunk END = new Chunk(new byte[0], 0);
  private static final int POOL = 4;
  private static final int SMALL = 4096;

  private record Chunk(byte[] data, int length) {}

  private final LinkedBlockingQueue<Chunk> inbox = new LinkedBlockingQueue<>();
  private final ConcurrentLinkedQueue<byte[]> spare = new ConcurrentLinkedQueue<>();
  private volatile boolean ended;
  /** Bytes written to the socket but not yet given back to the server's window. */
  private long unreleased;

  ForwardingChannel(SshdSocketAddress local, SshdSocketAddress remote) {
    super(local, remote);
    addCloseFutureListener(f -> inbox.offer(END));
  }

  /**
   * MINA would build its piped streams here; portkeep moves the data itself ({@link #doWriteData}
   * and {@link DirectChannel#sendFrom}), so a connection carries none of those objects.
   */
  @Override
  protected void doOpen() {
    // Nothing to set up.
  }

  @Override
  protected void doWriteData(byte[] data, int off, long len) throws IOException {
    if (isClosing()) {
      return;
    }
    int n = (int) len;
    // Full packets reuse a few packet-sized buffers; small ones (an idle connection's keystrokes)
    // get a buffer of their size, so nothing packet-sized stays behind for them.
    byte[] buffer = n >= SMALL ? spare.poll() : null;
    if (buffer == null || buffer.length < n) {
      buffer = new byte[n >= SMALL ? Math.max(n, (int) Math.min(getLocalWindow().getPacketSize(), 1 << 20)) : n];
    }
    System.arraycopy(data, off, buffer, 0, n);
    inbox.offer(new Chunk(buffer, n));
  }

  @Override
  public void handleEof() throws IOException {
    super.handleEof();
    inbox.offer(END);
  }

  /** Sends CHANNEL_EOF (MINA keeps this protected). */
  void eof() throws IOException {
    sendEof();
  }

  /** Writes the next received packet to {@code sink}; -1 once the peer sent EOF or the channel closed. */
  int receiveTo(WritableByteChannel sink) throws IOException {
    if (ended) {
      return -1;
    }
    Chunk chunk;
    try {
      chunk = inbox.take();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new java.io.InterruptedIOException("interrupted while waiting for data");
    }
    if (chunk == END) {
      ended = true;
      return -1;
    }
    ByteBuffer bytes = ByteBuffer.wrap(chunk.data(), 0, chunk.length());
    while (bytes.hasRemaining()) {
      sink.write(bytes);
    }
    if (chunk.data().length >= SMALL && spare.size() < POOL) {
      spare.offer(chunk.data());
    }
    unreleased += chunk.length();
    // Give the window back in batches, as OpenSSH does: one WINDOW_ADJUST per packet cost a
    // packet's encryption and a write(2) for every 32 KiB received (14% of a download's CPU).
    // Whatever is owed goes back before the pump waits again, so the server is never left stalled.
    if (unreleased >= getLocalWindow().getMaxSize() / 4 || inbox.isEmpty()) {
      if (getLocalWindow().isOpen()) {
        getLocalWindow().release(unreleased);
      }
      unreleased = 0;
    }
    return chunk.length();
  }
}
