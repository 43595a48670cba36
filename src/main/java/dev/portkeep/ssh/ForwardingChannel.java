package dev.portkeep.ssh;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.GatheringByteChannel;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.util.concurrent.LinkedBlockingQueue;
import org.apache.sshd.client.channel.ChannelDirectTcpip;
import org.apache.sshd.client.future.OpenFuture;
import org.apache.sshd.common.Closeable;
import org.apache.sshd.common.SshConstants;
import org.apache.sshd.common.SshException;
import org.apache.sshd.common.future.CloseFuture;
import org.apache.sshd.common.future.DefaultSshFuture;
import org.apache.sshd.common.future.SshFutureListener;
import org.apache.sshd.common.io.IoWriteFuture;
import org.apache.sshd.common.session.ConnectionService;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.common.util.buffer.ByteArrayBuffer;
import org.apache.sshd.common.util.net.SshdSocketAddress;
import org.jspecify.annotations.Nullable;

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
 *
 * <p>On portkeep's own transport the inbox only bridges the moment between the channel's opening
 * and its connection reaching the session's event loop ({@link #attach}); from then on the data
 * goes straight to {@link LoopForward} on that loop.
 */
final class ForwardingChannel extends ChannelDirectTcpip {
  private static final ByteBuffer END = ByteBuffer.allocate(0);

  /** The largest data packet sent (MINA's default packet size). */
  static final int MAX_CHUNK = 32 * 1024;

  /** The first read of a connection's socket, and the smallest. */
  static final int MIN_CHUNK = 1024;

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

  /**
   * The connection moved on the session's loop ({@link LoopForward}), once attached there: from
   * then on received data, EOF, close and window adjustments go to it instead of the inbox.
   */
  private volatile @Nullable LoopForward link;

  private volatile boolean peerEof;

  /** Sends CHANNEL_CLOSE and waits for the server's; MINA's, made once per channel. */
  private final GracefulChannelCloseable graceful = new GracefulChannelCloseable();

  private final Closer closer = new Closer();

  ForwardingChannel(SshdSocketAddress local, SshdSocketAddress remote) {
    super(local, remote);
    addCloseFutureListener(
        f -> {
          inbox.offer(END); // before looking at link: attach() sees the one or the other
          LoopForward l = link;
          if (l != null) {
            l.channelClosed();
          }
        });
  }

  /**
   * On the session's loop: hands what arrived so far, and every later event, to {@code forward}.
   * Whatever the inbox holds was received before, in order; an EOF or a close already seen is
   * passed on after it.
   */
  void attach(LoopForward forward) {
    link = forward;
    for (ByteBuffer b; (b = inbox.poll()) != null; ) {
      if (!isEnd(b)) {
        forward.enqueue(b);
      }
    }
    if (peerEof) {
      forward.peerEof();
    }
    if (isClosing() || isClosed()) {
      forward.channelClosed();
    }
  }

  /**
   * How this channel closes: {@link Closer}, the one object for the graceful and the immediate
   * close.
   */
  @Override
  protected Closeable getInnerCloseable() {
    return closer;
  }

  /**
   * Closes the channel in the steps MINA's client channel takes, without building them. MINA builds
   * a tree of about ten closeables for the graceful close and again for the immediate one, each
   * with a logger looked up and a future of its own, names them by formatting the session's
   * address, and fails the open future, long done, with a new exception and its stack trace. With
   * this closer a short connection's client CPU fell from 300 to 250 us and from 210 to 190 us in
   * two `bench/ab --load seq` runs.
   *
   * <p>Graceful: once the server has answered the open, CHANNEL_CLOSE is sent and the server's is
   * awaited ({@link GracefulChannelCloseable}); then the channel leaves the session. Immediate: an
   * open still unanswered fails, and the channel leaves the session without a CLOSE. MINA's other
   * steps have nothing to do here: this channel has no streams, no stream pumper and no executor,
   * and its EOF goes out before its CLOSE because both go through the session's one write queue.
   */
  private final class Closer implements Closeable {
    @Override
    public CloseFuture close(boolean immediately) {
      OpenFuture open = openFuture;
      if (immediately) {
        if (open instanceof DefaultSshFuture<?> pending && !open.isDone()) {
          pending.setValue(new SshException("Closed"));
        }
        graceful.close(true);
        leave();
        return gracefulFuture;
      }
      gracefulFuture.addListener(f -> leave());
      if (open == null) {
        gracefulFuture.setClosed(); // never opened: the server knows nothing of it
      } else {
        open.addListener(f -> graceful.close(false));
      }
      return gracefulFuture;
    }

    /** Takes the channel out of the session's table; a second call finds it gone. */
    private void leave() {
      ConnectionService connections = service;
      if (connections != null) {
        connections.unregisterChannel(ForwardingChannel.this);
      }
      clearAttributes();
    }

    @Override
    public void addCloseFutureListener(SshFutureListener<CloseFuture> listener) {
      gracefulFuture.addListener(listener);
    }

    @Override
    public void removeCloseFutureListener(SshFutureListener<CloseFuture> listener) {
      gracefulFuture.removeListener(listener);
    }

    @Override
    public boolean isClosed() {
      return gracefulFuture.isClosed();
    }

    @Override
    public boolean isClosing() {
      return graceful.isClosing();
    }
  }

  /** What {@link #send} did: bytes read (-1 at EOF, 0 if none), and the packet if one was sent. */
  static final class Sent {
    private final int bytes;
    private final @Nullable IoWriteFuture write;
    private final byte @Nullable [] reusable;

    Sent(int bytes, @Nullable IoWriteFuture write, byte @Nullable [] reusable) {
      this.bytes = bytes;
      this.write = write;
      this.reusable = reusable;
    }

    int bytes() {
      return bytes;
    }

    @Nullable IoWriteFuture write() {
      return write;
    }

    /** The packet's array, to give back once written; null when it is not to be reused. */
    byte @Nullable [] reusable() {
      return reusable;
    }
  }

  /**
   * Reads up to {@code chunk} bytes (within the server's window, which the caller has checked) from
   * {@code source} straight into a CHANNEL_DATA packet, and hands the packet to the session without
   * waiting for its write. Full-size packets reuse arrays MINA has finished writing: the caller
   * gives {@link Sent#reusable} back to {@link SendBuffers#SHARED} once the write is done.
   */
  Sent send(ReadableByteChannel source, int chunk) throws IOException {
    Session session = getSession();
    boolean full = chunk == MAX_CHUNK;
    byte[] reused = full ? SendBuffers.SHARED.take() : null;
    Buffer packet =
        reused != null
            ? session.prepareBuffer(
                SshConstants.SSH_MSG_CHANNEL_DATA, new ByteArrayBuffer(reused, 0, 0))
            : session.createBuffer(SshConstants.SSH_MSG_CHANNEL_DATA, chunk + 8);
    packet.putUInt(getRecipient());
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
      return new Sent(n, null, null);
    }
    packet.wpos(lengthAt);
    packet.putUInt(n);
    packet.wpos(dataAt + n);
    getRemoteWindow().consume(n);
    return new Sent(n, writePacket(packet), full ? array : null);
  }

  /**
   * How much the read after one of {@code chunk} bytes that got {@code n} may take: reads start
   * small, so an idle connection holds 1 KiB rather than a whole packet, double while they fill,
   * and halve when they get under a quarter.
   */
  static int nextReadSize(int readSize, int n, int chunk) {
    if (n == chunk) {
      return Math.min(readSize * 2, MAX_CHUNK);
    }
    return n < chunk / 4 ? Math.max(readSize / 2, MIN_CHUNK) : readSize;
  }

  /**
   * Whether to give {@code unreleased} written bytes back to the server's window now, by OpenSSH's
   * rule (channel_check_window): once more than three packets' worth is owed, or once the server
   * has less than half the window left. One WINDOW_ADJUST per packet cost a packet's encryption and
   * a write(2) for every 32 KiB received (14 % of a download's CPU); one whenever the local socket
   * had taken everything queued still sent one per packet when packets came one at a time, as each
   * of 64 parallel downloads gets them, and sshd spent more per GB serving portkeep than ssh. The
   * server is never stalled by what is held back: it keeps at least half the window.
   */
  static boolean windowOwed(long unreleased, org.apache.sshd.common.channel.LocalWindow window) {
    return unreleased > 3L * window.getPacketSize()
        || (unreleased > 0 && window.getSize() < window.getMaxSize() / 2);
  }

  /** The server gave more window: a connection on the loop that waited for it reads again. */
  @Override
  public void handleWindowAdjust(Buffer buffer) throws IOException {
    super.handleWindowAdjust(buffer);
    LoopForward l = link;
    if (l != null) {
      l.windowOpened();
    }
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
    LoopForward l = link;
    if (l != null) {
      l.received(data, off, (int) len);
      return;
    }
    inbox.offer(ReceiveBuffers.copyOf(data, off, (int) len));
    if (discarding) {
      discard(); // the pump stopped between the check above and the offer
    }
  }

  @Override
  public void handleEof() throws IOException {
    super.handleEof();
    peerEof = true;
    LoopForward l = link;
    if (l != null) {
      l.peerEof();
    } else {
      inbox.offer(END);
    }
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
    if (windowOwed(unreleased, getLocalWindow())) {
      if (getLocalWindow().isOpen()) {
        getLocalWindow().release(unreleased);
      }
      unreleased = 0;
    }
    return (int) n;
  }
}
