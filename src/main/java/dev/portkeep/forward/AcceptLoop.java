package dev.portkeep.forward;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one thread that accepts for every listener of the process: a selector over the listening
 * sockets, which hands each new connection to its listener's handler on this thread. A virtual
 * thread parked in {@code accept} per listening socket cost, for each connection, a wake-up by the
 * JDK's poller and a carrier thread's park and unpark; here a connection costs its {@code
 * accept(2)} and its share of one {@code epoll_wait}.
 *
 * <p>Handlers must not block: they run one after the other for every listener. (Writing a channel
 * open never waits: MINA holds back only channel data while a session exchanges keys.)
 */
final class AcceptLoop {
  private static final Logger log = LoggerFactory.getLogger(AcceptLoop.class);

  /** Connections taken from one socket per wake-up, at most, before the others get their turn. */
  private static final int ACCEPTS_PER_TURN = 64;

  /** How long a socket whose accept failed (out of descriptors, say) rests before the next try. */
  private static final long REST_NANOS = Duration.ofMillis(100).toNanos();

  /** How long {@link #release} waits for the loop before it closes the socket itself. */
  private static final Duration RELEASE_WAIT = Duration.ofSeconds(5);

  private static final class Shared {
    static final AcceptLoop LOOP = new AcceptLoop("pk-accept");
  }

  /** What one listening socket does with its connections. */
  private record Watch(ServerSocketChannel server, Consumer<SocketChannel> handler, String name) {}

  private final Selector selector;
  private final Thread thread;
  private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();

  /** On the loop: the earliest moment a resting socket is watched again (0: none rests). */
  private long wakeAt;

  /** The loop every {@link Acceptor} uses, started on first use; a daemon that never ends. */
  static AcceptLoop shared() {
    return Shared.LOOP;
  }

  AcceptLoop(String name) {
    try {
      selector = Selector.open();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open a selector for " + name, e);
    }
    thread = new Thread(this::loop, name);
    thread.setDaemon(true);
    thread.start();
  }

  /**
   * Starts handing {@code server}'s connections to {@code handler}, on this loop's thread. {@code
   * name} is for the log.
   */
  void watch(ServerSocketChannel server, Consumer<SocketChannel> handler, String name) {
    Watch watch = new Watch(server, handler, name);
    execute(
        () -> {
          try {
            server.configureBlocking(false);
            server.register(selector, SelectionKey.OP_ACCEPT, watch);
          } catch (ClosedChannelException e) {
            // Closed before the loop got to it: there is nothing to watch.
          } catch (IOException e) {
            log.warn("{}: cannot watch {}: {}", name, server, e.toString());
          }
        });
  }

  /**
   * Stops watching {@code server} and closes it; returns once its port is free. A registered socket
   * that another thread closes keeps its port until the selector next runs, so the loop closes it
   * and runs the selector at once.
   */
  void release(ServerSocketChannel server) {
    CompletableFuture<Void> released = new CompletableFuture<>();
    Runnable task =
        () -> {
          try {
            SelectionKey key = server.keyFor(selector);
            if (key != null) {
              key.cancel();
            }
            closeQuietly(server);
            selector.selectNow(); // deregisters the key: the socket really closes
          } catch (IOException e) {
            log.debug("releasing {}: {}", server, e.toString());
          } finally {
            released.complete(null);
          }
        };
    if (Thread.currentThread() == thread) {
      task.run();
      return;
    }
    execute(task);
    try {
      released.get(RELEASE_WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      log.warn("the accept loop did not release {} within {}", server, RELEASE_WAIT);
    }
    closeQuietly(server);
  }

  private void execute(Runnable task) {
    tasks.add(task);
    selector.wakeup();
  }

  private void loop() {
    while (true) {
      try {
        for (Runnable task; (task = tasks.poll()) != null; ) {
          task.run();
        }
        long now = System.nanoTime();
        if (wakeAt != 0 && now - wakeAt >= 0) {
          wakeRested();
        }
        long waitMillis = wakeAt == 0 ? 0 : Math.max(1, (wakeAt - now) / 1_000_000);
        selector.select(waitMillis);
        for (SelectionKey key : selector.selectedKeys()) {
          if (key.isValid() && key.attachment() instanceof Watch watch) {
            acceptFrom(key, watch);
          }
        }
        selector.selectedKeys().clear();
      } catch (IOException | RuntimeException e) {
        // A handler's failures are caught where it runs; this is a bug, and the loop must live on.
        log.warn("{}: {}", thread.getName(), e.toString(), e);
      }
    }
  }

  private void acceptFrom(SelectionKey key, Watch watch) {
    for (int i = 0; i < ACCEPTS_PER_TURN; i++) {
      SocketChannel socket;
      try {
        socket = watch.server().accept();
      } catch (ClosedChannelException e) {
        key.cancel();
        return;
      } catch (IOException e) {
        // Typically out of file descriptors: rest this socket instead of spinning on the error.
        log.warn("{}: accept failed: {}", watch.name(), e.getMessage());
        key.interestOps(0);
        long at = System.nanoTime() + REST_NANOS;
        wakeAt = wakeAt == 0 ? at : Math.min(wakeAt, at);
        return;
      }
      if (socket == null) {
        return;
      }
      try {
        watch.handler().accept(socket);
      } catch (RuntimeException e) {
        log.warn("{}: a connection failed: {}", watch.name(), e.toString(), e);
        closeQuietly(socket);
      }
    }
  }

  /** Watches every resting socket again. */
  private void wakeRested() {
    wakeAt = 0;
    for (SelectionKey key : selector.keys()) {
      if (key.isValid() && key.interestOps() == 0) {
        key.interestOps(SelectionKey.OP_ACCEPT);
      }
    }
  }

  private static void closeQuietly(java.io.Closeable c) {
    try {
      c.close();
    } catch (IOException ignored) {
      // Being closed is all that was asked of it.
    }
  }
}
