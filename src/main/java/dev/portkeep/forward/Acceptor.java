package dev.portkeep.forward;

import dev.portkeep.bind.Listener;
import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Accepts on every socket of a listener and hands each connection to a handler on a virtual thread
 * of its own, keeping track of the open ones. Closing stops accepting at once, gives open
 * connections a grace period, then cuts the rest. Shared by the {@code -L} and {@code -D}
 * forwarders.
 */
public final class Acceptor {
  private static final Logger log = LoggerFactory.getLogger(Acceptor.class);
  private static final Duration ACCEPT_LOOP_END = Duration.ofSeconds(5);

  private final Listener listener;
  private final String name;
  private final Set<SocketChannel> open = ConcurrentHashMap.newKeySet();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final List<Thread> acceptLoops = new CopyOnWriteArrayList<>();

  /** {@code name} (e.g. "-L 8080:db:5432") appears in logs and thread names. */
  public Acceptor(Listener listener, String name) {
    this.listener = listener;
    this.name = name;
  }

  /**
   * Starts one accept loop per listening socket; {@code handler} serves one connection and returns.
   */
  public void start(Consumer<SocketChannel> handler) {
    for (ServerSocketChannel server : listener.channels()) {
      acceptLoops.add(
          Thread.ofVirtual()
              .name("pk-accept-" + listener.port())
              .start(() -> acceptLoop(server, handler)));
    }
  }

  /** Connections open now. */
  public int open() {
    return open.size();
  }

  private void acceptLoop(ServerSocketChannel server, Consumer<SocketChannel> handler) {
    while (!closed.get()) {
      SocketChannel socket;
      try {
        socket = server.accept();
      } catch (ClosedChannelException e) {
        return;
      } catch (IOException e) {
        // Typically out of file descriptors: back off instead of spinning on the error.
        log.warn("{}: accept failed on {}: {}", name, listener, e.getMessage());
        pause(Duration.ofMillis(100));
        continue;
      }
      Thread.ofVirtual().name("pk-conn").start(() -> serve(socket, handler));
    }
  }

  private void serve(SocketChannel socket, Consumer<SocketChannel> handler) {
    open.add(socket);
    try {
      if (!closed.get()) {
        handler.accept(socket);
      }
    } finally {
      open.remove(socket);
      closeQuietly(socket);
    }
  }

  /**
   * Stops accepting, waits up to {@code grace} for open connections, then cuts the rest.
   * Idempotent. The port is free when it returns: a socket closed while a virtual thread waits in
   * its accept is only released once that thread has woken, so the accept loops are awaited.
   */
  public void close(Duration grace) {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    listener.close();
    for (Thread loop : acceptLoops) {
      try {
        if (!loop.join(ACCEPT_LOOP_END)) {
          log.warn(
              "{}: the accept loop on {} did not end within {}", name, listener, ACCEPT_LOOP_END);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    long deadline = System.nanoTime() + grace.toNanos();
    while (!open.isEmpty()
        && System.nanoTime() < deadline
        && !Thread.currentThread().isInterrupted()) {
      pause(Duration.ofMillis(20));
    }
    open.forEach(Acceptor::closeQuietly);
  }

  private static void closeQuietly(SocketChannel socket) {
    try {
      socket.close();
    } catch (IOException ignored) {
      // Nothing more to do with a connection that is ending.
    }
  }

  private static void pause(Duration d) {
    try {
      Thread.sleep(d);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
