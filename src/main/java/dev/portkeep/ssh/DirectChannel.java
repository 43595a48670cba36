package dev.portkeep.ssh;

import dev.portkeep.forward.Conduit;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.SocketChannel;
import java.nio.channels.WritableByteChannel;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import org.apache.sshd.common.channel.RemoteWindow;
import org.apache.sshd.common.io.IoWriteFuture;
import org.jspecify.annotations.Nullable;

/**
 * A {@code direct-tcpip} channel as a {@link Conduit}. Sending reads the local socket straight into
 * an SSH packet buffer (no stream in between, one buffer per packet) and keeps at most a few
 * packets of this channel in the session's write queue: enough to overlap reading with writing,
 * while with many channels MINA's queue otherwise fills with a window's worth of packets per
 * channel and its completions search it from the head.
 */
final class DirectChannel implements Conduit {
  private static final Duration FOREVER = Duration.ofDays(3650);

  /** Packets of one channel that may wait in the session's write queue at once. */
  static final int IN_FLIGHT = 8;

  private final ForwardingChannel channel;
  private final ArrayDeque<Write> writes = new ArrayDeque<>(IN_FLIGHT);

  /** How much the next read may take ({@link ForwardingChannel#nextReadSize}). */
  private int readSize = ForwardingChannel.MIN_CHUNK;

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
    ForwardingChannel.Sent sent = channel.send(source, chunk);
    int n = sent.bytes();
    IoWriteFuture future = sent.write();
    if (future == null) {
      return n;
    }
    readSize = ForwardingChannel.nextReadSize(readSize, n, chunk);
    writes.addLast(new Write(future, sent.reusable()));
    return n;
  }

  /**
   * A packet handed to MINA, and its array if it may be reused. MINA is done with the array once
   * the write completed (or failed); a packet held back during a key exchange completes only when
   * sent.
   */
  private static final class Write {
    final IoWriteFuture future;
    final byte @Nullable [] reusable;

    Write(IoWriteFuture future, byte @Nullable [] reusable) {
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
  public @Nullable CompletableFuture<Void> splice(
      SocketChannel socket, byte[] pending, Traffic traffic) {
    return LoopForward.start(channel, socket, pending, traffic);
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
