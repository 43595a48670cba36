package dev.portkeep.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A plain TCP server on 127.0.0.1 that stands behind a tunnel and plays one scripted role per
 * connection.
 */
public final class TargetServer implements AutoCloseable {
  /** What the server does with one accepted connection; the server closes the socket afterwards. */
  @FunctionalInterface
  public interface Behaviour {
    void serve(Socket socket) throws IOException;
  }

  private final String name;
  private final ServerSocket listener;
  private final Thread acceptor;
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private final AtomicInteger accepted = new AtomicInteger();
  private final AtomicLong received = new AtomicLong();
  private final BlockingQueue<String> receivedHashes = new LinkedBlockingQueue<>();
  private final List<Throwable> errors = new CopyOnWriteArrayList<>();
  private final AtomicBoolean closed = new AtomicBoolean();
  private volatile Behaviour behaviour;

  private TargetServer(String name) {
    this.name = name;
    try {
      listener = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot listen on 127.0.0.1 for target " + name, e);
    }
    acceptor =
        Thread.ofPlatform()
            .daemon()
            .name("target-" + name + "-" + port())
            .unstarted(this::acceptLoop);
  }

  /** Starts a server that runs {@code behaviour} for each connection on a thread of its own. */
  public static TargetServer start(String name, Behaviour behaviour) {
    TargetServer server = new TargetServer(name);
    return server.run(behaviour);
  }

  /** Echoes every byte; on the client's EOF it finishes writing, sends its own EOF and closes. */
  public static TargetServer echo() {
    TargetServer server = new TargetServer("echo");
    return server.run(server::echo);
  }

  /**
   * Reads to EOF, then replies with the 64-char hex SHA-256 of what it read and a newline, and
   * closes.
   */
  public static TargetServer sha256Sink() {
    TargetServer server = new TargetServer("sha256Sink");
    return server.run(
        socket -> {
          String hash = server.drain(socket.getInputStream());
          socket.getOutputStream().write((hash + "\n").getBytes(StandardCharsets.US_ASCII));
          socket.getOutputStream().flush();
        });
  }

  /**
   * Writes {@link Payloads} bytes {@code [0, bytes)} of {@code seed}, then closes without reading.
   */
  public static TargetServer source(long bytes, long seed) {
    TargetServer server = new TargetServer("source");
    return server.run(socket -> Payloads.write(socket.getOutputStream(), bytes, seed));
  }

  /**
   * Sends {@code bytes} payload bytes of {@code seed} and then its EOF while concurrently reading
   * to the client's EOF; the SHA-256 of what it read goes to {@link #awaitReceivedHash}.
   */
  public static TargetServer duplexHash(long bytes, long seed) {
    TargetServer server = new TargetServer("duplexHash");
    return server.run(
        socket -> {
          Thread writer =
              Thread.ofPlatform()
                  .daemon()
                  .name(Thread.currentThread().getName() + "-writer")
                  .start(
                      () -> {
                        try {
                          Payloads.write(socket.getOutputStream(), bytes, seed);
                          socket.shutdownOutput();
                        } catch (IOException e) {
                          server.errors.add(e);
                        }
                      });
          server.drain(socket.getInputStream());
          // The upload may finish long before the download: wait for the writer however long it
          // takes (it ends when its last byte is written or the socket fails; close() fails it).
          try {
            writer.join();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        });
  }

  /**
   * Reads {@code n} bytes (or to EOF), then aborts the connection with SO_LINGER 0 so the peer sees
   * a RST.
   */
  public static TargetServer resetAfter(long n) {
    TargetServer server = new TargetServer("resetAfter");
    return server.run(
        socket -> {
          InputStream in = socket.getInputStream();
          byte[] buf = new byte[8192];
          for (long left = n; left > 0; ) {
            int r = in.read(buf, 0, (int) Math.min(buf.length, left));
            if (r < 0) {
              break;
            }
            server.received.addAndGet(r);
            left -= r;
          }
          socket.setSoLinger(true, 0);
        });
  }

  public String host() {
    return listener.getInetAddress().getHostAddress();
  }

  public int port() {
    return listener.getLocalPort();
  }

  public InetSocketAddress address() {
    return new InetSocketAddress(listener.getInetAddress(), port());
  }

  /** Connections accepted so far. */
  public int connectionCount() {
    return accepted.get();
  }

  /** Connections accepted and not yet finished. */
  public int openConnectionCount() {
    return open.size();
  }

  /** Bytes read from all connections so far (by the built-in behaviours). */
  public long bytesReceived() {
    return received.get();
  }

  /** Exceptions thrown by connection handlers, other than the peer resetting or closing early. */
  public List<Throwable> errors() {
    return List.copyOf(errors);
  }

  /**
   * The next SHA-256 (hex) recorded by {@code sha256Sink} or {@code duplexHash} when a connection
   * hit EOF.
   */
  public String awaitReceivedHash(Duration timeout) {
    try {
      String hash = receivedHashes.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
      if (hash == null) {
        throw new IllegalStateException(
            "no connection reached EOF within " + timeout.toMillis() + " ms on " + this);
      }
      return hash;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted waiting for a hash on " + this, e);
    }
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    try {
      listener.close();
    } catch (IOException ignored) {
      // closing anyway
    }
    open.forEach(TargetServer::closeQuietly);
    join(acceptor);
  }

  @Override
  public String toString() {
    return "target "
        + name
        + " "
        + host()
        + ":"
        + port()
        + " (accepted="
        + accepted.get()
        + ", open="
        + open.size()
        + ", bytesReceived="
        + received.get()
        + ", errors="
        + errors.size()
        + ")";
  }

  private TargetServer run(Behaviour behaviour) {
    this.behaviour = behaviour;
    acceptor.start();
    return this;
  }

  private void acceptLoop() {
    while (!closed.get()) {
      try {
        Socket socket = listener.accept();
        int n = accepted.incrementAndGet();
        open.add(socket);
        Thread.ofPlatform()
            .daemon()
            .name(acceptor.getName() + "-conn-" + n)
            .start(() -> handle(socket));
      } catch (IOException e) {
        if (!closed.get()) {
          errors.add(e);
        }
      }
    }
  }

  private void handle(Socket socket) {
    try (socket) {
      behaviour.serve(socket);
    } catch (IOException e) {
      if (!closed.get() && !isPeerAbort(e)) {
        errors.add(e);
      }
    } catch (RuntimeException | Error e) {
      errors.add(e);
    } finally {
      open.remove(socket);
    }
  }

  private void echo(Socket socket) throws IOException {
    InputStream in = socket.getInputStream();
    OutputStream out = socket.getOutputStream();
    byte[] buf = new byte[32 * 1024];
    for (int n; (n = in.read(buf)) >= 0; ) {
      received.addAndGet(n);
      out.write(buf, 0, n);
    }
    out.flush();
    socket.shutdownOutput();
  }

  /** Reads to EOF, records and returns the SHA-256 of what came. */
  private String drain(InputStream in) throws IOException {
    Payloads.Digest digest = Payloads.sha256(new CountingInput(in, received));
    receivedHashes.add(digest.sha256());
    return digest.sha256();
  }

  private static boolean isPeerAbort(IOException e) {
    String message = String.valueOf(e.getMessage());
    return message.contains("reset")
        || message.contains("Broken pipe")
        || message.contains("Socket closed");
  }

  private static void closeQuietly(Socket socket) {
    try {
      socket.close();
    } catch (IOException ignored) {
      // closing anyway
    }
  }

  private static void join(Thread thread) {
    try {
      thread.join(Duration.ofSeconds(5));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Counts bytes as they are read. */
  private static final class CountingInput extends java.io.FilterInputStream {
    private final AtomicLong counter;

    CountingInput(InputStream in, AtomicLong counter) {
      super(in);
      this.counter = counter;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = super.read(b, off, len);
      if (n > 0) {
        counter.addAndGet(n);
      }
      return n;
    }
  }
}
