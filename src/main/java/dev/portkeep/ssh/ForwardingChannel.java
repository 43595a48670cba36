package dev.portkeep.ssh;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.GatheringByteChannel;
import java.nio.channels.WritableByteChannel;
import java.util.Arrays;
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
 * Here each packet is copied once, into a shared direct buffer ({@link ReceiveBuffers}) when one is
 * free, and queued; the local window opens only as the pump writes the bytes to the local socket,
 * so the queue holds at most one window.
 */
final class ForwardingChannel extends ChannelDirectTcpip {
  private static final ByteBuffer END = ByteBuffer.allocate(0);

  /**
   * Below this, a packet gets a heap array of its own size: keystrokes do not need a direct buffer.
   */
  private static final int SMALL = 4096;

  /** Packets written to the socket in one gathering write, at most. */
  private static final int BATCH = 16;

  private final LinkedBlockingQueue<ByteBuffer> inbox = new LinkedBlockingQueue<>();

  /** The pump's gathering array, made at the first data: an idle connection holds none. */
  private ByteBuffer[] batch;

  private volatile boolean ended;

  /** Set once the pump stopped taking data: what arrives after goes straight back to the pool. */
  private volatile boolean discarding;

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
    if (isClosing() || discarding) {
      return;
    }
    int n = (int) len;
    ByteBuffer buffer = n >= SMALL && n <= ReceiveBuffers.CAPACITY ? ReceiveBuffers.take() : null;
    if (buffer == null) {
      buffer = ByteBuffer.wrap(Arrays.copyOfRange(data, off, off + n));
    } else {
      buffer.put(data, off, n).flip();
    }
    inbox.offer(buffer);
    if (discarding) {
      discard(); // the pump stopped between the check above and the offer
    }
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

  /**
   * The pump takes no more data: hands every queued buffer back to the pool, now and for whatever
   * still arrives. Called once the pump's downstream ended, never while it may still write.
   */
  void discard() {
    discarding = true;
    for (ByteBuffer b; (b = inbox.poll()) != null; ) {
      ReceiveBuffers.give(b);
    }
  }

  /**
   * The end marker, by identity: equals() compares contents, and an empty data buffer would match.
   */
  @SuppressWarnings("ReferenceEquality")
  private static boolean isEnd(ByteBuffer queued) {
    return queued == END;
  }

  /**
   * Writes the next received packets to {@code sink}: it waits for one, then takes those queued
   * behind it too (up to {@link #BATCH}) and writes them in one gathering write, so a fast server
   * costs one write(2), and one wake-up of whoever reads the socket, per batch rather than per 32
   * KiB packet. Returns the bytes written; -1 once the peer sent EOF or the channel closed.
   */
  int receiveTo(WritableByteChannel sink) throws IOException {
    if (ended) {
      return -1;
    }
    ByteBuffer first;
    try {
      first = inbox.take();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new java.io.InterruptedIOException("interrupted while waiting for data");
    }
    if (isEnd(first)) {
      ended = true;
      return -1;
    }
    if (batch == null) {
      batch = new ByteBuffer[BATCH];
    }
    batch[0] = first;
    int count = 1;
    long n = first.remaining();
    // Only this thread takes from the inbox, so what peek() sees is what poll() returns; END
    // stays queued for the next call, after the data before it was written.
    for (ByteBuffer next; count < BATCH && (next = inbox.peek()) != null && !isEnd(next); count++) {
      batch[count] = inbox.poll();
      n += next.remaining();
    }
    try {
      if (sink instanceof GatheringByteChannel gathering) {
        for (long left = n; left > 0; ) {
          left -= gathering.write(batch, 0, count);
        }
      } else {
        for (int i = 0; i < count; i++) {
          while (batch[i].hasRemaining()) {
            sink.write(batch[i]);
          }
        }
      }
    } finally {
      for (int i = 0; i < count; i++) {
        ReceiveBuffers.give(batch[i]);
        batch[i] = null;
      }
    }
    unreleased += n;
    // Give the window back in batches, as OpenSSH does: one WINDOW_ADJUST per packet cost a
    // packet's encryption and a write(2) for every 32 KiB received (14% of a download's CPU).
    // Whatever is owed goes back before the pump waits again, so the server is never left stalled.
    if (unreleased >= getLocalWindow().getMaxSize() / 4 || inbox.isEmpty()) {
      if (getLocalWindow().isOpen()) {
        getLocalWindow().release(unreleased);
      }
      unreleased = 0;
    }
    return (int) n;
  }
}
