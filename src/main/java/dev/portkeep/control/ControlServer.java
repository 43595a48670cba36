package dev.portkeep.control;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portkeep.error.ListenException;
import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running {@code up}'s control socket: one request per connection, each served on a virtual
 * thread of its own, within {@link ControlLimits}. Nothing a client does ends the server; {@link
 * #close()} removes the socket file and waits for every thread it started.
 */
public final class ControlServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ControlServer.class);

  private final Path socket;
  private final ServerSocketChannel server;
  private final Connection.Context context;
  private final Semaphore slots;
  private final ThreadFactory factory;
  private final Set<Thread> threads = ConcurrentHashMap.newKeySet();
  private final Set<SocketChannel> open = ConcurrentHashMap.newKeySet();
  private final ReentrantLock lifecycle = new ReentrantLock();
  private boolean closed; // guarded by lifecycle

  private ControlServer(Path socket, ServerSocketChannel server, Connection.Context context) {
    this.socket = socket;
    this.server = server;
    this.context = context;
    this.slots = new Semaphore(context.limits().maxConnections());
    this.factory = context.threads();
  }

  /**
   * Binds {@code socket} (its folder must exist; see {@link ControlPaths#ensurePrivate}) and starts
   * answering. A stale socket file there is replaced.
   *
   * @throws ListenException when another {@code up} answers there (naming its pid), something else
   *     holds the path, or the bind fails (exit 5)
   * @throws dev.portkeep.error.UsageException when the socket's folder is missing (exit 2)
   */
  public static ControlServer start(Path socket, ControlHandler handler, String version) {
    return start(
        socket,
        handler,
        version,
        ControlLimits.DEFAULT,
        Thread.ofVirtual().name("portkeep-control-", 0).factory());
  }

  static ControlServer start(
      Path socket,
      ControlHandler handler,
      String version,
      ControlLimits limits,
      ThreadFactory factory) {
    Objects.requireNonNull(handler, "handler");
    ServerSocketChannel channel = SocketClaim.bind(socket);
    try {
      Instant since = Instant.now().truncatedTo(ChronoUnit.MILLIS);
      ObjectNode ping =
          JsonNodeFactory.instance
              .objectNode()
              .put("pid", ProcessHandle.current().pid())
              .put("version", version)
              .put("since", since.toString());
      UserPrincipal owner = Files.getOwner(socket, LinkOption.NOFOLLOW_LINKS);
      var context = new Connection.Context(handler, ping, owner, limits, factory);
      ControlServer control = new ControlServer(socket, channel, context);
      control.spawn(control::acceptLoop);
      return control;
    } catch (IOException | RuntimeException e) {
      closeQuietly(channel);
      deleteQuietly(socket);
      throw new ListenException(
          "cannot start the control socket '" + socket + "': " + e.getMessage(), "", "", e);
    }
  }

  public Path socket() {
    return socket;
  }

  private void acceptLoop() {
    Protocol.warmUp(); // clients queue meanwhile; the first one is then not kept waiting
    while (server.isOpen()) {
      SocketChannel channel;
      try {
        channel = server.accept();
      } catch (ClosedChannelException e) {
        return;
      } catch (IOException e) {
        log.warn("control socket {}: accept failed: {}", socket, e.toString());
        pause(); // out of file descriptors: do not spin
        continue;
      }
      if (!slots.tryAcquire()) {
        Connection.refuseBusy(channel, context.limits());
      } else if (!spawn(() -> serve(channel))) {
        slots.release();
        closeQuietly(channel);
      }
    }
  }

  private void serve(SocketChannel channel) {
    open.add(channel);
    try {
      new Connection(channel, context).serve();
    } finally {
      open.remove(channel);
      closeQuietly(channel);
      slots.release();
    }
  }

  /** Starts {@code task} on a new thread unless closed; false when closed. */
  private boolean spawn(Runnable task) {
    lifecycle.lock();
    try {
      if (closed) {
        return false;
      }
      threads.removeIf(t -> !t.isAlive());
      Thread thread = factory.newThread(task);
      threads.add(thread);
      thread.start();
      return true;
    } finally {
      lifecycle.unlock();
    }
  }

  /** Stops accepting, hangs up on every client, waits for every thread, removes the socket file. */
  @Override
  public void close() {
    lifecycle.lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
    } finally {
      lifecycle.unlock();
    }
    closeQuietly(server);
    open.forEach(ControlServer::closeQuietly);
    List<Thread> started = List.copyOf(threads);
    started.forEach(Thread::interrupt);
    boolean interrupted = false;
    for (Thread thread : started) {
      try {
        thread.join(Duration.ofSeconds(5));
      } catch (InterruptedException e) {
        interrupted = true;
      }
      if (thread.isAlive()) {
        log.warn("control thread {} did not end within 5 s of close", thread);
      }
    }
    deleteQuietly(socket);
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  private static void pause() {
    try {
      Thread.sleep(100);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void closeQuietly(java.io.Closeable closeable) {
    try {
      closeable.close();
    } catch (IOException e) {
      log.debug("closing {}: {}", closeable, e.toString());
    }
  }

  private static void deleteQuietly(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      log.warn("cannot remove the control socket {}: {}", file, e.toString());
    }
  }
}
