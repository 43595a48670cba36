package dev.portkeep.ssh;

import dev.portkeep.config.Hop;
import dev.portkeep.forward.Pump;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.LongAdder;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.session.ConnectionService;
import org.apache.sshd.common.util.net.SshdSocketAddress;

/**
 * Carries the SSH connection to the next hop of a {@code -J} route through a {@code direct-tcpip}
 * channel of the previous hop's session. MINA's client only connects to socket addresses, so the
 * bridge listens once on an ephemeral loopback port and closes the listener after one accept; the
 * accepted connection is pumped only if its source port is that of portkeep's own next-hop session,
 * so no other local process can ride on the jump.
 */
final class JumpBridge implements AutoCloseable {
  private final ServerSocketChannel listener;
  private final CompletableFuture<SocketChannel> accepted = new CompletableFuture<>();
  private volatile String failure;

  private JumpBridge(ServerSocketChannel listener) {
    this.listener = listener;
  }

  static JumpBridge listen() throws IOException {
    ServerSocketChannel listener = ServerSocketChannel.open(StandardProtocolFamily.INET);
    listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1);
    JumpBridge bridge = new JumpBridge(listener);
    Thread.ofVirtual().name("pk-jump-accept").start(bridge::acceptOnce);
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
   * Admits the connection from {@code clientPort} and pumps it through {@code via} to {@code hop}.
   * Anything else that connected is closed.
   */
  void admit(int clientPort, ClientSession via, Hop hop) {
    Thread.ofVirtual().name("pk-jump").start(() -> pump(clientPort, via, hop));
  }

  private void pump(int clientPort, ClientSession via, Hop hop) {
    try (SocketChannel socket = accepted.get()) {
      InetSocketAddress peer = (InetSocketAddress) socket.getRemoteAddress();
      if (peer.getPort() != clientPort) {
        failure =
            "an unexpected local connection (port " + peer.getPort() + ") reached the jump bridge";
        return;
      }
      ForwardingChannel channel =
          new ForwardingChannel(
              new SshdSocketAddress(peer), new SshdSocketAddress(hop.host(), hop.port()));
      via.getService(ConnectionService.class).registerChannel(channel);
      channel.open().verify(java.time.Duration.ofSeconds(30));
      new Pump(socket, new DirectChannel(channel), new LongAdder(), new LongAdder()).run();
    } catch (IOException e) {
      failure =
          "cannot reach "
              + hop.host()
              + ":"
              + hop.port()
              + " from the previous hop: "
              + rootMessage(e);
    } catch (Exception e) {
      failure = "the jump to " + hop.display() + " broke: " + e;
    }
  }

  private static String rootMessage(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof org.apache.sshd.common.channel.exception.SshChannelOpenException open) {
        return dev.portkeep.status.ChannelFailure.ofCode(open.getReasonCode()).text()
            + (open.getMessage() == null ? "" : " (server says: " + open.getMessage() + ")");
      }
    }
    return String.valueOf(e.getMessage());
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
