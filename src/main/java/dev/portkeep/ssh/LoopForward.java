package dev.portkeep.ssh;

import dev.portkeep.forward.Conduit;
import dev.portkeep.ssh.io.EventLoop;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.Channels;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import org.apache.sshd.common.channel.LocalWindow;
import org.apache.sshd.common.channel.RemoteWindow;
import org.apache.sshd.common.io.IoWriteFuture;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One forwarded connection moved on the event loop of its channel's SSH session, as OpenSSH moves
 * all of them in its one poll loop: the local socket is read when it is readable and the server's
 * window and the session's queue have room, and what the server sends is written to it on the
 * thread that decrypted it. No thread waits for either side and no packet changes threads.
 *
 * <p>Every field is touched on the loop's thread only; the events from elsewhere (a write
 * completed, the channel closed by another thread, an abort) are posted to the loop.
 *
 * <p>The rules are those of {@link dev.portkeep.forward.Pump}:
 *
 * <ul>
 *   <li>memory: at most {@link DirectChannel#IN_FLIGHT} of this channel's packets wait in the
 *       session's write queue; data from the server is kept only while the local socket is full,
 *       and the channel's window is given back only once it has been written, so that is bounded by
 *       the window;
 *   <li>half-close: local EOF sends CHANNEL_EOF and data keeps flowing the other way; the server's
 *       EOF shuts the socket's output once everything before it was written;
 *   <li>a local reset or a failed write closes the channel at once; a channel closed by the server
 *       closes the socket once everything it sent has been written.
 * </ul>
 */
final class LoopForward implements EventLoop.Handler {
  private static final Logger log = LoggerFactory.getLogger(LoopForward.class);

  /** Reads of the local socket per wake-up, at most, before other sockets get their turn. */
  private static final int READS_PER_WAKEUP = 2;

  /** Received packets written to the local socket in one gathering write, at most. */
  private static final int BATCH = 16;

  private final ForwardingChannel channel;
  private final SocketChannel socket;
  private final EventLoop loop;
  private final Conduit.Traffic traffic;
  private final CompletableFuture<Void> done = new CompletableFuture<>();

  /** Read before the socket: bytes the caller already took from it (a SOCKS request, say). */
  private @Nullable ReadableByteChannel early;

  private @Nullable SelectionKey key;
  private int readSize = ForwardingChannel.MIN_CHUNK;
  private int inFlight;

  /** In {@link #readUp}, which must not be re-entered. */
  private boolean reading;

  /** Local EOF was sent on, or the upstream failed: the socket is not read any more. */
  private boolean upDone;

  /** Received data not yet written to the socket, oldest first; made at the first data. */
  private @Nullable ArrayDeque<ByteBuffer> out;

  private ByteBuffer @Nullable [] gather;

  /** The socket was full at the last write: the loop says when it can take more. */
  private boolean blocked;

  private boolean flushQueued;
  private long unreleased;
  private boolean peerEof;
  private boolean channelClosed;

  /** The server's EOF or close has been passed on to the socket: nothing more goes down. */
  private boolean downDone;

  private boolean finished;

  private LoopForward(
      ForwardingChannel channel,
      SocketChannel socket,
      EventLoop loop,
      byte[] pending,
      Conduit.Traffic traffic) {
    this.channel = channel;
    this.socket = socket;
    this.loop = loop;
    this.traffic = traffic;
    this.early =
        pending.length == 0 ? null : Channels.newChannel(new ByteArrayInputStream(pending.clone()));
  }

  /**
   * Moves {@code socket}'s connection on the loop of {@code channel}'s session; null when that
   * session has no loop. The future completes when the connection is over and both ends are closed.
   */
  static @Nullable CompletableFuture<Void> start(
      ForwardingChannel channel, SocketChannel socket, byte[] pending, Conduit.Traffic traffic) {
    EventLoop loop = EventLoop.of(channel.getSession().getIoSession());
    if (loop == null) {
      return null;
    }
    LoopForward forward = new LoopForward(channel, socket, loop, pending, traffic);
    loop.run(forward::begin);
    return forward.done;
  }

  private void begin() {
    try {
      socket.configureBlocking(false);
      key = loop.register(socket, 0, this);
    } catch (IOException | RuntimeException e) {
      log.debug("cannot watch {}: {}", socket, e.toString());
      channel.close(true);
      finish();
      return;
    }
    channel.attach(this);
    resume();
  }

  /** Reads what was taken before the socket, if any is left, and watches for what can go on. */
  private void resume() {
    if (finished) {
      return;
    }
    if (early != null) {
      readUp();
    }
    updateInterest();
  }

  @Override
  public void ready(SelectionKey k) {
    if (k.isWritable()) {
      blocked = false;
      flush();
    }
    if (!finished && k.isValid() && k.isReadable()) {
      readUp();
    }
    updateInterest();
  }

  // ---- upstream: local socket -> channel

  /**
   * Reads into packets while the window and the queue allow: all of what was taken before the
   * socket, then a few reads of the socket. Not re-entered: a write that completes at once, inside
   * the read, comes back here through {@link #resume} and finds it running.
   */
  private void readUp() {
    if (reading) {
      return;
    }
    reading = true;
    try {
      int socketReads = 0;
      while (!upDone && !finished && (early != null || socketReads < READS_PER_WAKEUP)) {
        if (inFlight >= DirectChannel.IN_FLIGHT) {
          return; // a write's completion reads on
        }
        RemoteWindow window = channel.getRemoteWindow();
        long available = window.getSize();
        if (available <= 0) {
          return; // the server's WINDOW_ADJUST reads on
        }
        int chunk = (int) Math.min(Math.min(available, window.getPacketSize()), readSize);
        ReadableByteChannel source = early != null ? early : socket;
        ForwardingChannel.Sent sent;
        try {
          sent = channel.send(source, chunk);
        } catch (IOException e) {
          // A reset of the local socket, or a channel that closed under us: end both ways.
          log.debug("upstream ends: {}", e.toString());
          upDone = true;
          channel.close(true);
          finish();
          return;
        }
        int n = sent.bytes();
        IoWriteFuture write = sent.write();
        if (write == null) {
          if (n < 0 && source == early) {
            early = null;
            continue;
          }
          if (n < 0) {
            localEof();
          }
          return;
        }
        traffic.up(n);
        readSize = ForwardingChannel.nextReadSize(readSize, n, chunk);
        inFlight++;
        byte[] reusable = sent.reusable();
        write.addListener(w -> loop.run(() -> written(w, reusable)));
        if (source == socket) {
          socketReads++;
          if (n < chunk) {
            return; // the socket had no more for now
          }
        }
      }
    } finally {
      reading = false;
    }
  }

  private void written(IoWriteFuture write, byte @Nullable [] reusable) {
    inFlight--;
    if (reusable != null) {
      SendBuffers.SHARED.give(reusable);
    }
    if (finished) {
      return;
    }
    Throwable failed = write.getException();
    if (failed != null) {
      log.debug("a write to the server failed: {}", failed.toString());
      upDone = true;
      channel.close(true);
      finish();
      return;
    }
    resume();
  }

  private void localEof() {
    upDone = true;
    try {
      channel.eof();
    } catch (IOException e) {
      channel.close(true);
      finish();
      return;
    }
    if (downDone) {
      finish();
    }
  }

  /** On the loop: the server opened its window. */
  void windowOpened() {
    if (!upDone) {
      resume();
    }
  }

  // ---- downstream: channel -> local socket

  /** On the loop: data from the server, which is copied and written with the rest of this pass. */
  void received(byte[] data, int off, int n) {
    if (downDone || finished) {
      return;
    }
    enqueue(ReceiveBuffers.copyOf(data, off, n));
  }

  /** On the loop: a buffer of received data to write, which this connection now owns. */
  void enqueue(ByteBuffer buffer) {
    if (downDone || finished) {
      ReceiveBuffers.give(buffer);
      return;
    }
    ArrayDeque<ByteBuffer> queue = out;
    if (queue == null) {
      queue = new ArrayDeque<>();
      out = queue;
    }
    queue.addLast(buffer);
    scheduleFlush();
  }

  /**
   * Writes once the loop has served the other sockets of this pass: the packets of one read of the
   * SSH socket then go to the local socket in one gathering write.
   */
  private void scheduleFlush() {
    if (!flushQueued && !blocked) {
      flushQueued = true;
      loop.execute(
          () -> {
            flushQueued = false;
            flush();
            updateInterest();
          });
    }
  }

  /** On the loop: the server sent EOF; the socket's output ends after what came before it. */
  void peerEof() {
    peerEof = true;
    scheduleFlush();
  }

  /** From any thread: the channel closed; the socket closes after what came before it. */
  void channelClosed() {
    loop.run(
        () -> {
          channelClosed = true;
          if (downDone) {
            finish(); // the server's EOF was passed on already; nothing more will come
          } else {
            scheduleFlush();
          }
        });
  }

  private void flush() {
    if (finished || downDone) {
      return;
    }
    ArrayDeque<ByteBuffer> queue = out;
    try {
      while (queue != null && !queue.isEmpty()) {
        long n = writeSome(queue);
        if (n == 0) {
          blocked = true;
          break;
        }
      }
    } catch (IOException e) {
      log.debug("downstream ends: {}", e.toString());
      downDone = true;
      channel.close(true);
      finish();
      return;
    }
    releaseWindow();
    if (queue != null && !queue.isEmpty()) {
      return;
    }
    if (channelClosed) {
      downDone = true;
      finish();
    } else if (peerEof) {
      downDone = true;
      try {
        socket.shutdownOutput();
      } catch (IOException e) {
        log.debug("cannot end the local output: {}", e.toString());
      }
      if (upDone) {
        finish();
      }
    }
  }

  private long writeSome(ArrayDeque<ByteBuffer> queue) throws IOException {
    ByteBuffer[] batch = gather;
    if (batch == null) {
      batch = new ByteBuffer[BATCH];
      gather = batch;
    }
    int count = 0;
    for (ByteBuffer b : queue) {
      if (count == BATCH) {
        break;
      }
      batch[count++] = b;
    }
    long n = socket.write(batch, 0, count);
    Arrays.fill(batch, 0, count, null);
    for (ByteBuffer b; (b = queue.peekFirst()) != null && !b.hasRemaining(); ) {
      ReceiveBuffers.give(queue.pollFirst());
    }
    if (n > 0) {
      traffic.down((int) n);
      unreleased += n;
    }
    return n;
  }

  /**
   * Gives written bytes back to the server's window in batches ({@link
   * ForwardingChannel#windowOwed}).
   */
  private void releaseWindow() {
    LocalWindow window = channel.getLocalWindow();
    if (ForwardingChannel.windowOwed(unreleased, window)) {
      try {
        if (window.isOpen()) {
          window.release(unreleased);
        }
      } catch (IOException e) {
        log.debug("cannot open the window: {}", e.toString());
      }
      unreleased = 0;
    }
  }

  // ---- both

  /** On the loop: read while the window and the queue have room; write while the socket is full. */
  private void updateInterest() {
    SelectionKey k = key;
    if (finished || k == null || !k.isValid()) {
      return;
    }
    boolean read =
        !upDone
            && inFlight < DirectChannel.IN_FLIGHT
            && channel.getRemoteWindow().getSize() > 0
            && early == null;
    int ops = (read ? SelectionKey.OP_READ : 0) | (blocked ? SelectionKey.OP_WRITE : 0);
    try {
      if (k.interestOps() != ops) {
        k.interestOps(ops);
      }
    } catch (CancelledKeyException e) {
      // The socket was closed meanwhile; the channel's close ends the connection.
    }
  }

  /** Closes the socket and, gracefully, the channel; hands back every buffer still held. */
  private void finish() {
    if (finished) {
      return;
    }
    finished = true;
    SelectionKey k = key;
    if (k != null) {
      k.cancel();
    }
    try {
      socket.close();
    } catch (IOException e) {
      log.debug("closing {}: {}", socket, e.toString());
    }
    ArrayDeque<ByteBuffer> queue = out;
    if (queue != null) {
      queue.forEach(ReceiveBuffers::give);
      queue.clear();
    }
    channel.discard();
    channel.close(false);
    done.complete(null);
  }
}
