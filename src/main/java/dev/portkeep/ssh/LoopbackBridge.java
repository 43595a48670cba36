package dev.portkeep.ssh;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;

/**
 * MINA's client only connects to socket addresses, so a connection that must travel some other way
 * (a {@code -J} hop's {@code direct-tcpip} channel, a ProxyCommand's standard input and output)
 * goes through this: it listens once on an ephemeral loopback port and closes the listener after
 * one accept; the accepted connection is carried only if its source port is that of portkeep's own
 * session, so no other local process can ride on it.
 */
final class LoopbackBridge implements AutoCloseable {
  /** Carries the accepted socket's bytes to where they must go, until either side ends. */
  interface Carrier {
    void carry(SocketChannel socket) throws Exception;
  }

  private final ServerSocketChannel listener;
  private final CompletableFuture<SocketChannel> accepted = new CompletableFuture<>();
  private volatile String failure;

  private LoopbackBridge(ServerSocketChannel listener) {
    this.listener = listener;
  }

  static LoopbackBridge listen() throws IOException {
    ServerSocketChannel listener = ServerSocketChannel.open(StandardProtocolFamily.INET);
    listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1);
    LoopbackBridge bridge = new LoopbackBridge(listener);
    Thread.ofVirtual().name("pk-bridge-accept").start(bridge::acceptOnce);
    return bridge;
  }

  private void acceptOnce() {
    try (listener) {
      SocketChannel socket = listener.accept();
      if (!accepted.complete(socket)) {
        socket.close(); // the bridge was closed meanwhile
      }
    } catch (IOException e) {
      accepted.completeExceptionally(e);
    }
  }

  int port() throws IOException {
    return ((InetSocketAddress) listener.getLocalAddress()).getPort();
  }

  /**
   * Admits the connection from {@code clientPort} and hands it to {@code carrier} on a thread of
   * its own; anything else that connected is closed. A carrier's failure is kept for {@link
   * #failure()}; {@code describe} turns it into words.
   */
  void admit(
      int clientPort, Carrier carrier, java.util.function.Function<Exception, String> describe) {
    Thread.ofVirtual().name("pk-bridge").start(() -> carry(clientPort, carrier, describe));
  }

  private void carry(
      int clientPort, Carrier carrier, java.util.function.Function<Exception, String> describe) {
    try (SocketChannel socket = accepted.get()) {
      InetSocketAddress peer = (InetSocketAddress) socket.getRemoteAddress();
      if (peer.getPort() != clientPort) {
        failure = "an unexpected local connection (port " + peer.getPort() + ") reached the bridge";
        return;
      }
      carrier.carry(socket);
    } catch (Exception e) {
      failure = describe.apply(e);
    }
  }

  /** Why the bridge failed, when it did; null otherwise. */
  String failure() {
    return failure;
  }

  @Override
  public void close() throws IOException {
    listener.close();
    // Whichever of close() and acceptOnce() completes the future first, the other closes the
    // socket.
    if (!accepted.completeExceptionally(new AsynchronousCloseException())
        && accepted.state() == Future.State.SUCCESS) {
      accepted.resultNow().close();
    }
  }
}
