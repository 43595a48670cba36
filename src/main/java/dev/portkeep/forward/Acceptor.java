package dev.portkeep.forward;

import dev.portkeep.bind.Listener;
import java.io.IOException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Accepts on every socket of a listener and hands each connection to a handler, keeping track of
 * the open ones. Closing stops accepting at once, gives open connections a grace period, then cuts
 * the rest. Shared by the {@code -L} and {@code -D} forwarders.
 *
 * <p>A handler either serves its connection on a virtual thread of its own ({@link #start}), or
 * takes it without blocking and says what ends it ({@link #startHandingOn}): then the {@link
 * AcceptLoop}'s thread is the only one involved until the connection is somewhere else, an event
 * loop say.
 */
public final class Acceptor {
  /** A connection handed on: what completes when it is over, and what cuts it at once. */
  public record Handed(CompletableFuture<Void> ended, Runnable cut) {
    /** A connection that is over already. */
    public static Handed over() {
      return new Handed(CompletableFuture.completedFuture(null), () -> {});
    }

    /** Serves the connection with {@code serve} on a virtual thread that a cut interrupts. */
    public static Handed onThread(Runnable serve) {
      CompletableFuture<Void> ended = new CompletableFuture<>();
      Thread thread =
          Thread.ofVirtual()
              .name("pk-conn")
              .start(
                  () -> {
                    try {
                      serve.run();
                    } finally {
                      ended.complete(null);
                    }
                  });
      return new Handed(ended, thread::interrupt);
    }
  }

  private final Listener listener;
  private final String name;

  /** The open connections, and what cuts each besides closing its socket. */
  private final Map<SocketChannel, Runnable> open = new ConcurrentHashMap<>();

  private final AtomicBoolean closed = new AtomicBoolean();

  /** {@code name} (e.g. "-L 8080:db:5432") appears in logs. */
  public Acceptor(Listener listener, String name) {
    this.listener = listener;
    this.name = name;
  }

  /** Watches every listening socket; {@code handler} serves one connection and returns. */
  public void start(Consumer<SocketChannel> handler) {
    startHandingOn(socket -> Handed.onThread(() -> serve(socket, handler)));
  }

  /**
   * Watches every listening socket on the {@link AcceptLoop}; {@code handler} takes each connection
   * without blocking, on the accepting thread, and answers with what ends it.
   */
  public void startHandingOn(Function<SocketChannel, Handed> handler) {
    for (ServerSocketChannel server : listener.channels()) {
      AcceptLoop.shared().watch(server, socket -> take(socket, handler), name);
    }
  }

  /** Connections open now. */
  public int open() {
    return open.size();
  }

  private void take(SocketChannel socket, Function<SocketChannel, Handed> handler) {
    if (closed.get()) {
      closeQuietly(socket);
      return;
    }
    Handed handed = handler.apply(socket); // the accept loop logs a throw and closes the socket
    open.put(socket, handed.cut());
    var unused =
        handed
            .ended()
            .whenComplete(
                (r, e) -> {
                  open.remove(socket);
                  closeQuietly(socket);
                });
  }

  private static void serve(SocketChannel socket, Consumer<SocketChannel> handler) {
    try {
      handler.accept(socket);
    } finally {
      closeQuietly(socket);
    }
  }

  /**
   * Stops accepting, waits up to {@code grace} for open connections, then cuts the rest.
   * Idempotent. The port is free when it returns.
   */
  public void close(Duration grace) {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    for (ServerSocketChannel server : listener.channels()) {
      AcceptLoop.shared().release(server);
    }
    listener.close();
    long deadline = System.nanoTime() + grace.toNanos();
    while (!open.isEmpty()
        && System.nanoTime() < deadline
        && !Thread.currentThread().isInterrupted()) {
      pause(Duration.ofMillis(20));
    }
    open.forEach(
        (socket, cut) -> {
          closeQuietly(socket);
          cut.run(); // a connection on an event loop does not notice its socket closing
        });
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
