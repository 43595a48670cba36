package dev.portkeep.ssh.io;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.PriorityQueue;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.sshd.common.util.threads.ThreadUtils;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One selector and the daemon thread that runs it: sockets registered here are read, written and
 * connected on that thread only, and tasks from other threads wait in a queue that the thread runs
 * between selections. Each {@link LoopConnector} has one, and {@link #shutdown() ends} it when it
 * closes.
 */
public final class EventLoop implements Runnable {
  private static final Logger log = LoggerFactory.getLogger(EventLoop.class);

  /** What a registered key's attachment does when its socket is ready. */
  public interface Handler {
    void ready(SelectionKey key);
  }

  /**
   * A task for later; cancelling it only marks it, and the loop drops it once it reaches the head
   * of the queue.
   */
  public static final class Timer {
    final long deadline;
    final Runnable task;
    volatile boolean cancelled;

    Timer(long deadline, Runnable task) {
      this.deadline = deadline;
      this.task = task;
    }

    public void cancel() {
      cancelled = true;
    }
  }

  /** As much as MINA reads at once when told to (portkeep sets 128 KiB). */
  static final int READ_BUFFER = 128 * 1024;

  private final Selector selector;
  private final Thread thread;
  private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
  private final PriorityQueue<Timer> timers =
      new PriorityQueue<>((a, b) -> Long.compare(a.deadline, b.deadline));

  /** Timers added by other threads, moved into {@link #timers} by the loop at its next pass. */
  private final Queue<Timer> newTimers = new ConcurrentLinkedQueue<>();

  /**
   * When the loop wakes at the latest ({@link System#nanoTime}), set before it may block: a timer
   * due after that needs no wake-up. {@link Long#MAX_VALUE} while it may sleep with no timer.
   */
  private volatile long wakesBy = Long.MAX_VALUE;

  /** The deadline of a cancelled timer the loop still wakes for; {@link Long#MAX_VALUE}: none. */
  private long spare = Long.MAX_VALUE;

  /** What the sockets of this loop are read into, one at a time; made at the first read. */
  private java.nio.@Nullable ByteBuffer readBuffer;

  /** Set by {@link #shutdown()}: the loop ends after its current pass. */
  private volatile boolean stopping;

  /** Set once the thread has run its last tasks: a task queued after that runs on its caller. */
  private volatile boolean ended;

  /** False while the loop may be about to block in select: whoever adds a task must wake it. */
  private final AtomicBoolean awake = new AtomicBoolean(true);

  EventLoop(String name) {
    try {
      selector = Selector.open();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open a selector for " + name, e);
    }
    thread = new Thread(this, name);
    thread.setDaemon(true);
    thread.start();
  }

  /**
   * The loop that runs {@code session}'s socket, for sockets of its own to run there too; null when
   * the session is on another transport (MINA's NIO2).
   */
  public static @Nullable EventLoop of(org.apache.sshd.common.io.IoSession session) {
    return session instanceof LoopSession s ? s.loop() : null;
  }

  public boolean inLoop() {
    return Thread.currentThread() == thread;
  }

  /**
   * On the loop's thread: watches {@code channel} (non-blocking) for {@code ops}, and calls {@code
   * handler} when it is ready. Closing the channel ends the watch.
   */
  public SelectionKey register(
      java.nio.channels.SelectableChannel channel, int ops, Handler handler)
      throws java.nio.channels.ClosedChannelException {
    return channel.register(selector, ops, handler);
  }

  Selector selector() {
    return selector;
  }

  /**
   * The loop's read buffer (on the loop's thread only): direct, so the kernel writes into it with
   * no copy through a temporary buffer, and one per loop rather than one per socket.
   */
  java.nio.ByteBuffer readBuffer() {
    java.nio.ByteBuffer b = readBuffer;
    if (b == null) {
      b = java.nio.ByteBuffer.allocateDirect(READ_BUFFER);
      readBuffer = b;
    }
    return b;
  }

  /**
   * Runs {@code task} on the loop's thread: now when called there, else soon; on the caller's
   * thread once the loop has ended, so that a task that closes something is never lost.
   */
  public void run(Runnable task) {
    if (inLoop()) {
      task.run();
    } else {
      execute(task);
    }
  }

  /**
   * Queues {@code task} for the loop's thread, even when called there: it runs after the sockets
   * ready in this pass have been served. Once the loop has ended, it runs on the caller's thread.
   */
  public void execute(Runnable task) {
    tasks.add(task);
    if (ended) {
      runTasks();
      return;
    }
    if (!inLoop() && awake.compareAndSet(false, true)) {
      selector.wakeup();
    }
  }

  /**
   * Runs {@code task} on the loop after {@code delayNanos}, unless cancelled before. Called from
   * another thread, it wakes the loop only if the loop would otherwise sleep past the new deadline:
   * a connection's 30 s open timeout, added while an earlier one is pending, wakes nothing (a
   * {@code CompletableFuture} timeout wakes the JDK's scheduler thread to add it and again to
   * remove it).
   */
  public Timer schedule(long delayNanos, Runnable task) {
    Timer timer = new Timer(System.nanoTime() + delayNanos, task);
    if (inLoop()) {
      timers.add(timer);
      return timer;
    }
    newTimers.add(timer);
    if (ended) {
      return timer; // the loop is over; nothing will run it
    }
    // The same hand-shake as execute(): the loop sets wakesBy, then awake, then looks at
    // newTimers; so either it sees this timer or this thread sees its wakesBy and awake.
    long by = wakesBy;
    if ((by == Long.MAX_VALUE || timer.deadline - by < 0) && awake.compareAndSet(false, true)) {
      selector.wakeup();
    }
    return timer;
  }

  /**
   * Ends the loop without waiting for it: it runs the tasks already queued, closes every socket
   * still registered (its owners have closed theirs by then; this is the backstop against a leaked
   * descriptor), then its selector, and its thread ends.
   */
  void shutdown() {
    stopping = true;
    if (!inLoop()) {
      selector.wakeup();
    }
  }

  boolean isAlive() {
    return thread.isAlive();
  }

  @Override
  public void run() {
    try {
      // MINA's own I/O threads run this way: it then never blocks the thread in a write, which it
      // otherwise does for channel data while the packets held back during a key exchange are
      // written. The loop is what reads the next key exchange's messages, and that flush waits for
      // the next key exchange to end: blocked there, it waited for itself until the keepalive gave
      // up on the session (RekeyUnderLoadIT, with sshd rekeying every megabyte).
      ThreadUtils.runAsInternal(
          () -> {
            loop();
            return null;
          });
    } catch (Exception e) {
      log.warn("{}: {}", thread.getName(), e.toString(), e);
    } finally {
      runTasks();
      for (SelectionKey key : selector.keys()) {
        closeQuietly(key.channel());
      }
      closeQuietly(selector);
      ended = true;
      runTasks(); // those queued since the last look, before the flag was seen
    }
  }

  private static void closeQuietly(java.io.Closeable c) {
    try {
      c.close();
    } catch (IOException e) {
      // The loop is ending; nothing is left to tell.
    }
  }

  private void loop() {
    while (!stopping) {
      try {
        runTasks();
        long wait = runTimers();
        awake.set(false);
        if (tasks.isEmpty() && newTimers.isEmpty()) {
          selector.select(wait);
        } else {
          selector.selectNow();
        }
        awake.set(true);
        for (SelectionKey key : selector.selectedKeys()) {
          if (key.isValid() && key.attachment() instanceof Handler handler) {
            try {
              handler.ready(key);
            } catch (CancelledKeyException e) {
              // Its socket was closed by another thread meanwhile; nothing is left to do for it.
            }
          }
        }
        selector.selectedKeys().clear();
      } catch (IOException | RuntimeException e) {
        // A handler's own failures go to its IoHandler; this is a bug, and the loop must live on.
        log.warn("{}: {}", thread.getName(), e.toString(), e);
      }
    }
  }

  private void runTasks() {
    for (Runnable task; (task = tasks.poll()) != null; ) {
      try {
        task.run();
      } catch (RuntimeException e) {
        log.warn("{}: task failed: {}", thread.getName(), e.toString(), e);
      }
    }
  }

  /**
   * Runs the timers that are due, and sets {@link #wakesBy}; returns how long select may block (0:
   * no limit).
   *
   * <p>A cancelled timer's deadline is kept as a wake-up the loop still takes ({@link #spare}):
   * each connection's open timeout is cancelled within a moment, and without it the next one would
   * find the loop asleep with no timer and have to wake it. One needless wake-up per timeout period
   * is the price.
   */
  private long runTimers() {
    for (Timer t; (t = newTimers.poll()) != null; ) {
      timers.add(t);
    }
    long now = System.nanoTime();
    if (spare != Long.MAX_VALUE && spare - now <= 0) {
      spare = Long.MAX_VALUE;
    }
    long next = spare;
    for (Timer t; (t = timers.peek()) != null; ) {
      if (t.cancelled) {
        timers.poll();
        if (t.deadline - now > 0) {
          spare = t.deadline;
          next = Math.min(next, spare);
        }
      } else if (t.deadline - now <= 0) {
        timers.poll();
        t.task.run();
      } else {
        next = Math.min(next, t.deadline);
        break;
      }
    }
    wakesBy = next;
    return next == Long.MAX_VALUE ? 0 : Math.max(1, (next - now) / 1_000_000);
  }
}
