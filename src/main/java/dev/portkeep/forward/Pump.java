package dev.portkeep.forward;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.channels.Channels;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.SocketChannel;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves the bytes of one forwarded connection both ways between a local socket and an SSH channel,
 * with TCP semantics carried across. Where the channel's session runs on an event loop (portkeep's
 * own transport, the default), the loop moves them ({@link Conduit#splice}) and this thread only
 * waits; otherwise two threads do, as below:
 *
 * <ul>
 *   <li>memory is bounded: the local socket is read straight into one packet at a time, which waits
 *       for the server's window and, once the channel has its few packets waiting to be written (8
 *       for the SSH channel), for the oldest of them; the channel's own window opens only as the
 *       socket drains;
 *   <li>half-close: local EOF sends CHANNEL_EOF and the other direction keeps flowing; the
 *       channel's EOF shuts down the socket's output after every byte was written;
 *   <li>a local reset aborts the channel; a channel closed by the server closes the socket once
 *       everything it sent has been written, so nothing stays in CLOSE_WAIT.
 * </ul>
 */
public final class Pump {
  private static final Logger log = LoggerFactory.getLogger(Pump.class);
  private final SocketChannel socket;
  private final Conduit conduit;
  private final AtomicLong up = new AtomicLong();
  private final AtomicLong down = new AtomicLong();
  private final LongAdder totalUp;
  private final LongAdder totalDown;
  private final AtomicBoolean channelClosed = new AtomicBoolean();
  private final AtomicBoolean downDone = new AtomicBoolean();

  private final byte[] pending;

  private final Conduit.Traffic traffic =
      new Conduit.Traffic() {
        @Override
        public void up(int n) {
          count(up, totalUp, n);
        }

        @Override
        public void down(int n) {
          count(down, totalDown, n);
        }
      };

  /**
   * {@code totalUp} and {@code totalDown} are the forward's live counters, added to as bytes move.
   * {@code pending} holds bytes already read from the socket (after a SOCKS request, say) that go
   * to the channel before anything else.
   */
  public Pump(
      SocketChannel socket,
      Conduit conduit,
      LongAdder totalUp,
      LongAdder totalDown,
      byte[] pending) {
    this.socket = socket;
    this.conduit = conduit;
    this.totalUp = totalUp;
    this.totalDown = totalDown;
    this.pending = pending.clone();
  }

  public Pump(SocketChannel socket, Conduit conduit, LongAdder totalUp, LongAdder totalDown) {
    this(socket, conduit, totalUp, totalDown, new byte[0]);
  }

  /**
   * Runs until both directions have finished; returns when the connection is over. Interrupted, it
   * closes both ends at once.
   */
  public void run() throws InterruptedException {
    CompletableFuture<Void> spliced = start();
    if (spliced != null) {
      awaitSpliced(spliced);
      return;
    }
    conduit.onClosed(this::channelClosed);
    Thread upstream = Thread.ofVirtual().name("pk-up").start(this::upstream);
    downstream();
    upstream.join();
    conduit.close();
    closeSocket();
  }

  /**
   * Starts moving the bytes on the event loop of the channel's session and returns at once, with
   * what completes when the connection is over and both ends are closed; null when the session has
   * no loop, and then {@link #run} moves them on threads.
   */
  public @Nullable CompletableFuture<Void> start() {
    return conduit.splice(socket, pending, traffic);
  }

  /** Closes both ends at once, from any thread: the connection is being cut. */
  public void abort() {
    conduit.abort();
    closeSocket();
  }

  private void awaitSpliced(CompletableFuture<Void> spliced) throws InterruptedException {
    try {
      spliced.get();
    } catch (ExecutionException e) {
      log.debug("the connection ended with {}", e.getCause().toString());
    } catch (InterruptedException e) {
      abort();
      throw e;
    }
  }

  public long bytesUp() {
    return up.get();
  }

  public long bytesDown() {
    return down.get();
  }

  private void upstream() {
    try {
      if (pending.length > 0) {
        ReadableByteChannel early = Channels.newChannel(new ByteArrayInputStream(pending));
        for (int n; (n = conduit.sendFrom(early)) > 0; ) {
          count(up, totalUp, n);
        }
      }
      while (true) {
        int n = conduit.sendFrom(socket);
        if (n < 0) {
          conduit.sendEof();
          return;
        }
        count(up, totalUp, n);
      }
    } catch (IOException e) {
      // A reset or error on the local socket, or a channel that closed under us: end both ways.
      log.debug("upstream ends after {} bytes: {}", up.get(), e.toString());
      conduit.abort();
      closeSocket();
    }
  }

  private static void count(AtomicLong mine, LongAdder total, int n) {
    mine.addAndGet(n);
    total.add(n);
  }

  private void downstream() {
    try {
      int n;
      while ((n = conduit.receiveTo(socket)) >= 0) {
        count(down, totalDown, n);
      }
      downDone.set(true);
      if (channelClosed.get()) {
        closeSocket();
      } else {
        socket.shutdownOutput();
      }
    } catch (IOException e) {
      log.debug("downstream ends after {} bytes: {}", down.get(), e.toString());
      downDone.set(true);
      conduit.abort();
      closeSocket();
    }
  }

  private void channelClosed() {
    channelClosed.set(true);
    if (downDone.get()) {
      closeSocket();
    }
  }

  private void closeSocket() {
    try {
      socket.close();
    } catch (IOException ignored) {
      // Nothing useful remains to be done with a socket that fails to close.
    }
  }
}
