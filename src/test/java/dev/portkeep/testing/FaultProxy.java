package dev.portkeep.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP relay on 127.0.0.1 between portkeep and an SSH server that injects network faults: {@link
 * #blackHoleExisting()} freezes every current connection both ways for good (a peer that vanished
 * without a FIN or RST), {@link #pause()} and {@link #resume()} freeze and release them (a link cut
 * that heals). New connections always pass, so a reconnect can get through.
 */
public final class FaultProxy implements AutoCloseable {
  private final ServerSocket listener;
  private final InetSocketAddress target;
  private final Set<Link> links = ConcurrentHashMap.newKeySet();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final AtomicLong toServer = new AtomicLong();

  private FaultProxy(ServerSocket listener, InetSocketAddress target) {
    this.listener = listener;
    this.target = target;
  }

  public static FaultProxy to(String host, int port) {
    try {
      ServerSocket listener = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
      FaultProxy proxy = new FaultProxy(listener, new InetSocketAddress(host, port));
      Thread.ofPlatform().daemon().name("fault-proxy-accept").start(proxy::acceptLoop);
      return proxy;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public int port() {
    return listener.getLocalPort();
  }

  /** How many connections have passed through so far. */
  public int connections() {
    return accepted;
  }

  private volatile int accepted;

  /** Bytes relayed from clients to the server so far, over every connection. */
  public long bytesToServer() {
    return toServer.get();
  }

  @SuppressWarnings("NonAtomicVolatileUpdate") // only this thread writes accepted
  private void acceptLoop() {
    while (!closed.get()) {
      try {
        Socket client = listener.accept();
        Socket server = new Socket(target.getAddress(), target.getPort());
        client.setTcpNoDelay(true);
        server.setTcpNoDelay(true);
        Link link = new Link(client, server);
        links.add(link);
        accepted++;
        link.start();
      } catch (IOException e) {
        if (!closed.get()) {
          continue;
        }
        return;
      }
    }
  }

  /**
   * Freezes every connection open now, both ways, until closed: nothing more passes, nothing is
   * closed.
   */
  public void blackHoleExisting() {
    links.forEach(l -> l.frozenForGood = true);
    links.forEach(l -> l.paused = true);
  }

  /** Freezes every connection open now, both ways, until {@link #resume()}. */
  public void pause() {
    links.forEach(l -> l.paused = true);
  }

  public void resume() {
    links.stream()
        .filter(l -> !l.frozenForGood)
        .forEach(
            l -> {
              l.paused = false;
              synchronized (l) {
                l.notifyAll();
              }
            });
  }

  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      try {
        listener.close();
      } catch (IOException ignored) {
        // closing
      }
      links.forEach(Link::close);
    }
  }

  /** One relayed connection: two copy threads that stop moving bytes while paused. */
  private final class Link {
    final Socket client;
    final Socket server;
    volatile boolean paused;
    volatile boolean frozenForGood;

    Link(Socket client, Socket server) {
      this.client = client;
      this.server = server;
    }

    void start() {
      Thread.ofPlatform()
          .daemon()
          .name("fault-proxy-up")
          .start(() -> copy(client, server, toServer));
      Thread.ofPlatform()
          .daemon()
          .name("fault-proxy-down")
          .start(() -> copy(server, client, new AtomicLong()));
    }

    private void copy(Socket from, Socket to, AtomicLong relayed) {
      byte[] buffer = new byte[64 * 1024];
      try {
        while (true) {
          awaitNotPaused();
          int n = from.getInputStream().read(buffer);
          if (n < 0) {
            awaitNotPaused();
            to.shutdownOutput();
            return;
          }
          awaitNotPaused();
          to.getOutputStream().write(buffer, 0, n);
          relayed.addAndGet(n);
        }
      } catch (IOException | InterruptedException e) {
        if (!frozenForGood) {
          close();
        }
      }
    }

    private void awaitNotPaused() throws InterruptedException {
      synchronized (this) {
        while (paused && !closed.get()) {
          wait(100);
        }
      }
    }

    void close() {
      links.remove(this);
      try {
        client.close();
        server.close();
      } catch (IOException ignored) {
        // closing
      }
    }
  }
}
