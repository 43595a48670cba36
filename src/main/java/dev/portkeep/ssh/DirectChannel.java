package dev.portkeep.ssh;

import dev.portkeep.forward.Conduit;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.time.Duration;
import java.util.ArrayDeque;
import org.apache.sshd.common.SshConstants;
import org.apache.sshd.common.channel.RemoteWindow;
import org.apache.sshd.common.io.IoWriteFuture;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.common.util.buffer.ByteArrayBuffer;

/**
 * A {@code direct-tcpip} channel as a {@link Conduit}. Sending reads the local socket straight into
 * an SSH packet buffer (no stream in between, one buffer per packet) and keeps at most a few
 * packets of this channel in the session's write queue: enough to overlap reading with writing,
 * while with many channels MINA's queue otherwise fills with a window's worth of packets per
 * channel and its completions search it from the head.
 */
final class DirectChannel implements Conduit {
  private static final Duration FOREVER = Duration.ofDays(3650);
  private static final int MAX_CHUNK = 32 * 1024;
  private static final int MIN_CHUNK = 1024;

  /** Packets of one channel that may wait in the session's write queue at once. */
  static final int IN_FLIGHT = 8;

  private final ForwardingChannel channel;
  private final ArrayDeque<Write> writes = new ArrayDeque<>(IN_FLIGHT);

  /**
   * How much the next read may take: it starts small, so an idle connection blocked in a read holds
   * 1 KiB rather than a whole packet, doubles while reads fill it, and halves when they don't.
   */
  private int readSize = MIN_CHUNK;

  DirectChannel(ForwardingChannel channel) {
    this.channel = channel;
  }

  @Override
  public int sendFrom(ReadableByteChannel source) throws IOException {
    while (!writes.isEmpty() && writes.peekFirst().future.isDone()) {
      finish(writes.pollFirst());
    }
    if (writes.size() >= IN_FLIGHT) {
      Write oldest = writes.pollFirst();
      oldest.future.await();
      finish(oldest);
    }
    RemoteWindow window = channel.getRemoteWindow();
    long available = window.getSize();
    if (available <= 0) {
      try {
        available = window.waitForSpace(FOREVER);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted while waiting for the server's window");
      }
    }
    int chunk = (int) Math.min(Math.min(available, window.getPacketSize()), readSize);
    Session session = channel.getSession();
    // Full-size packets reuse arrays MINA has finished writing; the others get a new one.
    boolean full = chunk == MAX_CHUNK;
    byte[] reused = full ? SendBuffers.SHARED.take() : null;
    Buffer packet =
        reused != null
            ? session.prepareBuffer(
                SshConstants.SSH_MSG_CHANNEL_DATA, new ByteArrayBuffer(reused, 0, 0))
            : session.createBuffer(SshConstants.SSH_MSG_CHANNEL_DATA, chunk + 8);
    packet.putUInt(channel.getRecipient());
    int lengthAt = packet.wpos();
    packet.putUInt(0);
    int dataAt = packet.wpos();
    packet.ensureCapacity(chunk);
    byte[] array = packet.array();
    int n = source.read(ByteBuffer.wrap(array, dataAt, chunk));
    if (n <= 0) {
      if (full) {
        SendBuffers.SHARED.give(array);
      }
      return n;
    }
    readSize =
        n == chunk
            ? Math.min(readSize * 2, MAX_CHUNK)
            : n < chunk / 4 ? Math.max(readSize / 2, MIN_CHUNK) : readSize;
    packet.wpos(lengthAt);
    packet.putUInt(n);
    packet.wpos(dataAt + n);
    window.consume(n);
    writes.addLast(new Write(channel.writePacket(packet), full ? array : null));
    return n;
  }

  /**
   * A packet handed to MINA, and its array if it may be reused. MINA is done with the array once
   * the write completed (or failed); a packet held back during a key exchange completes only when
   * sent.
   */
  private static final class Write {
    final IoWriteFuture future;
    final byte[] reusable;

    Write(IoWriteFuture future, byte[] reusable) {
      this.future = future;
      this.reusable = reusable;
    }
  }

  /** Hands the finished write's array back, then reports its failure if it failed. */
  private static void finish(Write write) throws IOException {
    if (write.reusable != null) {
      SendBuffers.SHARED.give(write.reusable);
    }
    check(write.future);
  }

  private static void check(IoWriteFuture write) throws IOException {
    Throwable failed = write.getException();
    if (failed != null) {
      throw failed instanceof IOException io ? io : new IOException(failed);
    }
  }

  private void awaitWrites() throws IOException {
    while (!writes.isEmpty()) {
      Write oldest = writes.pollFirst();
      oldest.future.await();
      finish(oldest);
    }
  }

  @Override
  public int receiveTo(WritableByteChannel sink) throws IOException {
    return channel.receiveTo(sink);
  }

  @Override
  public void sendEof() {
    try {
      awaitWrites();
      channel.eof();
    } catch (IOException e) {
      channel.close(true);
    }
  }

  @Override
  public void abort() {
    channel.close(true);
  }

  @Override
  public void onClosed(Runnable action) {
    channel.addCloseFutureListener(future -> action.run());
  }

  @Override
  public void close() {
    channel.discard(); // the pump is done with the received data
    channel.close(false);
  }
}
