package dev.portkeep.ssh.io;

import java.io.IOException;
import java.io.WriteAbortedException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.sshd.common.future.CloseFuture;
import org.apache.sshd.common.future.DefaultCloseFuture;
import org.apache.sshd.common.io.IoHandler;
import org.apache.sshd.common.io.IoSession;
import org.apache.sshd.common.io.IoWriteFuture;
import org.apache.sshd.common.util.Readable;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.common.util.closeable.AbstractCloseable;
import org.jspecify.annotations.Nullable;

/**
 * One connected socket on an {@link EventLoop}, as MINA's {@link IoSession}.
 *
 * <p>Reading: the loop reads when the socket is readable, into its own buffer, and hands the bytes
 * to {@link IoHandler#messageReceived} on its thread (MINA copies them into its decoder there).
 *
 * <p>Writing: a packet joins the queue, and whoever finds nobody writing takes every packet queued
 * and writes them in one gathering write, completing each packet's future once its last byte is
 * out: the caller's thread when the socket has room (no hand-off per packet, as NIO2's completion
 * handlers need), the loop's when the socket was full, which is the only time the loop watches for
 * OP_WRITE. Packets leave in the order they were queued, from any number of threads. MINA hands
 * over its packet's array and reuses it once the future completes; nothing is copied here.
 */
final class LoopSession extends AbstractCloseable implements IoSession, EventLoop.Handler {
  private static final AtomicLong IDS = new AtomicLong(100);

  /** At most this many packets in one gathering write (Linux takes up to 1,024). */
  private static final int GATHER = 64;

  /** Reads in a row for one readiness, while each fills the buffer. */
  private static final int READS_PER_WAKEUP = 4;

  private final long id = IDS.incrementAndGet();
  private final LoopConnector service;
  private final IoHandler handler;
  private final SocketChannel channel;
  private final EventLoop loop;
  private final SocketAddress local;
  private final SocketAddress remote;
  private final int readSize;
  private final Map<Object, Object> attributes = new HashMap<>();

  private final Queue<LoopWrite> queue = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean writing = new AtomicBoolean();
  private final AtomicBoolean outputShut = new AtomicBoolean();

  /** Taken from the queue, not yet fully written; only the thread holding {@link #writing}. */
  private final ArrayDeque<LoopWrite> pending = new ArrayDeque<>();

  private final ByteBuffer[] gather = new ByteBuffer[GATHER];
  private volatile int pendingCount;

  /** The socket was full: the loop writes the rest when it says OP_WRITE. */
  private volatile boolean blocked;

  private volatile boolean readSuspended;
  private volatile @Nullable LoopWrite last;
  private @Nullable SelectionKey key;

  LoopSession(
      LoopConnector service, IoHandler handler, SocketChannel channel, EventLoop loop, int readSize)
      throws IOException {
    this.service = service;
    this.handler = handler;
    this.channel = channel;
    this.loop = loop;
    this.local = channel.getLocalAddress();
    this.remote = channel.getRemoteAddress();
    this.readSize = readSize;
  }

  EventLoop loop() {
    return loop;
  }

  /** Starts watching the socket, on the loop's thread; {@code existing} is the connect's key. */
  void register(@Nullable SelectionKey existing) throws IOException {
    SelectionKey k = existing != null ? existing : channel.register(loop.selector(), 0, this);
    k.attach(this);
    key = k;
    updateInterest();
  }

  @Override
  public long getId() {
    return id;
  }

  @Override
  public SocketAddress getRemoteAddress() {
    return remote;
  }

  @Override
  public SocketAddress getLocalAddress() {
    return local;
  }

  @Override
  public @Nullable SocketAddress getAcceptanceAddress() {
    return null;
  }

  @Override
  public @Nullable Object getAttribute(Object k) {
    synchronized (attributes) {
      return attributes.get(k);
    }
  }

  @Override
  public @Nullable Object setAttribute(Object k, Object value) {
    synchronized (attributes) {
      return attributes.put(k, value);
    }
  }

  @Override
  public @Nullable Object setAttributeIfAbsent(Object k, Object value) {
    synchronized (attributes) {
      return attributes.putIfAbsent(k, value);
    }
  }

  @Override
  public @Nullable Object removeAttribute(Object k) {
    synchronized (attributes) {
      return attributes.remove(k);
    }
  }

  @Override
  public LoopConnector getService() {
    return service;
  }

  @Override
  public IoWriteFuture writeBuffer(Buffer buffer) {
    LoopWrite write =
        new LoopWrite(remote, ByteBuffer.wrap(buffer.array(), buffer.rpos(), buffer.available()));
    if (isClosing()) {
      ClosedChannelException closed = new ClosedChannelException();
      write.failed(closed);
      exceptionCaught(closed);
      return write;
    }
    enqueue(write);
    return write;
  }

  /** Ends the output once the packets queued before are out; the input stays open. */
  @Override
  public void shutdownOutputStream() {
    if (outputShut.compareAndSet(false, true)) {
      enqueue(new LoopWrite("shutdown-" + remote, null));
    }
  }

  private void enqueue(LoopWrite write) {
    queue.add(write);
    last = write;
    flush();
  }

  /**
   * Writes what is queued unless someone else is: the holder of {@link #writing} looks again after
   * letting go, so a packet queued meanwhile is never left behind. Futures are completed, and
   * failures reported, only after letting go: a listener that writes, closes or waits must not find
   * the queue held by its own thread.
   */
  private void flush() {
    while (writing.compareAndSet(false, true)) {
      List<LoopWrite> done = new ArrayList<>();
      List<LoopWrite> lost = List.of();
      Throwable failure;
      boolean open = channel.isOpen();
      try {
        failure =
            open
                ? writeOut(done)
                : new WriteAbortedException("the session closed before the write", null);
        if (failure != null) {
          lost = takeAll();
        }
      } finally {
        writing.set(false);
      }
      for (LoopWrite w : done) {
        w.written();
      }
      if (failure != null) {
        for (LoopWrite w : lost) {
          w.failed(failure);
        }
        if (open) {
          exceptionCaught(failure);
        }
      }
      boolean left = !queue.isEmpty() || pendingCount > 0;
      if (!left || (blocked && channel.isOpen())) {
        return;
      }
    }
  }

  /**
   * Holding {@link #writing}: writes until the queue is empty or the socket full; the packets fully
   * written go to {@code done}. Returns what failed the socket, if it did.
   */
  private @Nullable Throwable writeOut(List<LoopWrite> done) {
    try {
      while (true) {
        takeQueued();
        if (pending.isEmpty()) {
          // Only the holder of writing takes from the queue, so the head seen here is what poll
          // takes. It is the end mark, or a packet queued by another thread since takeQueued
          // looked: that one goes out on the next turn, it must not be taken for the end.
          LoopWrite next = queue.peek();
          if (next == null) {
            return null;
          }
          if (next.isEnd()) {
            queue.poll();
            shutdownOutput(); // the end mark, reached once all before it is out
            done.add(next);
          }
          continue;
        }
        int count = 0;
        for (LoopWrite w : pending) {
          gather[count++] = w.data();
        }
        channel.write(gather, 0, count);
        Arrays.fill(gather, 0, count, null);
        for (LoopWrite w; (w = pending.peekFirst()) != null && !w.data().hasRemaining(); ) {
          done.add(pending.pollFirst());
        }
        pendingCount = pending.size();
        if (!pending.isEmpty()) {
          blocked = true;
          loop.run(this::updateInterest);
          return null;
        }
      }
    } catch (IOException | RuntimeException e) {
      return e;
    }
  }

  /** Moves queued packets into {@link #pending}, stopping at the end-of-output mark. */
  private void takeQueued() {
    for (LoopWrite next; pending.size() < GATHER && (next = queue.peek()) != null; ) {
      if (next.isEnd()) {
        break;
      }
      pending.addLast(queue.poll());
    }
    pendingCount = pending.size();
  }

  /** Holding {@link #writing}: every packet not yet written, to be failed. */
  private List<LoopWrite> takeAll() {
    List<LoopWrite> all = new ArrayList<>(pending);
    pending.clear();
    pendingCount = 0;
    for (LoopWrite w; (w = queue.poll()) != null; ) {
      all.add(w);
    }
    return all;
  }

  private void shutdownOutput() throws IOException {
    try {
      channel.shutdownOutput();
    } catch (ClosedChannelException e) {
      // Already closed: the local end of a forward may go at any time; nothing is left to end.
    }
  }

  @Override
  public void suspendRead() {
    readSuspended = true;
    loop.run(this::updateInterest);
  }

  @Override
  public void resumeRead() {
    readSuspended = false;
    loop.run(this::updateInterest);
  }

  /** On the loop: watch for reading unless suspended, for writing while the socket is full. */
  private void updateInterest() {
    SelectionKey k = key;
    if (k == null || !k.isValid()) {
      return;
    }
    int ops = (readSuspended ? 0 : SelectionKey.OP_READ) | (blocked ? SelectionKey.OP_WRITE : 0);
    try {
      if (k.interestOps() != ops) {
        k.interestOps(ops);
      }
    } catch (CancelledKeyException e) {
      // Closed by another thread since the check above.
    }
  }

  @Override
  public void ready(SelectionKey k) {
    if (k.isWritable()) {
      blocked = false;
      updateInterest();
      flush();
    }
    if (k.isValid() && k.isReadable()) {
      read();
    }
  }

  private void read() {
    ByteBuffer buffer = loop.readBuffer();
    for (int i = 0; i < READS_PER_WAKEUP && !readSuspended && !closeFuture.isClosed(); i++) {
      int n;
      buffer.clear().limit(Math.min(readSize, buffer.capacity()));
      try {
        n = channel.read(buffer);
      } catch (IOException e) {
        exceptionCaught(e);
        return;
      }
      if (n < 0) {
        close(true);
        return;
      }
      if (n == 0) {
        return;
      }
      buffer.flip();
      try {
        handler.messageReceived(this, Readable.readable(buffer));
      } catch (Throwable t) {
        exceptionCaught(t);
        return;
      }
      if (n < buffer.limit()) {
        return;
      }
    }
  }

  /** Tells the handler, unless the session already closed, then closes at once (as NIO2 does). */
  void exceptionCaught(Throwable cause) {
    if (closeFuture.isClosed()) {
      return;
    }
    if (isOpen() && channel.isOpen()) {
      try {
        handler.exceptionCaught(this, cause);
      } catch (Throwable t) {
        log.debug("exceptionCaught({}): the handler threw {}", this, t.toString());
      }
    }
    close(true);
  }

  /** After the last queued packet is out: end the output, then close. */
  @Override
  protected @Nullable CloseFuture doCloseGracefully() {
    LoopWrite tail = last;
    if (tail == null || tail.isDone()) {
      shutdownQuietly();
      return null;
    }
    DefaultCloseFuture done = new DefaultCloseFuture(toString(), futureLock);
    tail.addListener(
        w -> {
          shutdownQuietly();
          done.setClosed();
        });
    return done;
  }

  private void shutdownQuietly() {
    try {
      shutdownOutput();
    } catch (IOException e) {
      log.trace("doCloseGracefully({}): {}", this, e.toString());
    }
  }

  @Override
  protected void doCloseImmediately() {
    try {
      channel.close();
    } catch (IOException e) {
      log.debug("doCloseImmediately({}): {}", this, e.toString());
    }
    // The selector lets go of a registered socket's descriptor at its next selection.
    loop.execute(() -> {});
    flush(); // fails what is still queued, now that the socket is closed
    service.sessionClosed(this);
    super.doCloseImmediately();
    try {
      handler.sessionClosed(this);
    } catch (Throwable t) {
      log.debug("doCloseImmediately({}): sessionClosed threw {}", this, t.toString());
    }
    synchronized (attributes) {
      attributes.clear();
    }
  }

  /** One more pass of the session's loop, waited for (tests use it to let the loop catch up). */
  void runOnLoopAndWait() throws InterruptedException {
    java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(1);
    loop.execute(done::countDown);
    done.await();
  }

  @Override
  public String toString() {
    return "LoopSession[local=" + local + ", remote=" + remote + "]";
  }
}
