package dev.portkeep.forward.socks;

import dev.portkeep.bind.Listener;
import dev.portkeep.bind.Listeners;
import dev.portkeep.config.AddressFamily;
import dev.portkeep.config.BindAddress;
import dev.portkeep.config.ForwardSyntax;
import dev.portkeep.ssh.SshSession;
import dev.portkeep.status.TunnelEvents;
import dev.portkeep.testing.SshTestServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A real SSH session to a test server with a {@link SocksForwarder} on 127.0.0.1, recording
 * refusals.
 */
final class SocksTunnel implements AutoCloseable {
  private final SshSession session;
  private final SocksForwarder forwarder;
  private final List<String> refusals = new CopyOnWriteArrayList<>();

  private SocksTunnel(SshTestServer server, Duration handshakeTimeout) {
    session = server.connect();
    Listener listener =
        Listeners.system()
            .open(
                new BindAddress.Literal("127.0.0.1", AddressFamily.INET),
                0,
                AddressFamily.ANY,
                "-D test");
    TunnelEvents events =
        new TunnelEvents() {
          @Override
          public void channelRefused(
              dev.portkeep.config.ForwardSpec forward,
              InetSocketAddress client,
              dev.portkeep.status.ChannelFailure reason,
              java.io.IOException cause) {
            refusals.add(cause.getMessage());
          }
        };
    forwarder =
        new SocksForwarder(
            ForwardSyntax.parseDynamic("127.0.0.1:0"), listener, session, events, handshakeTimeout);
    forwarder.start();
  }

  static SocksTunnel open(SshTestServer server) {
    return new SocksTunnel(server, SocksForwarder.DEFAULT_HANDSHAKE_TIMEOUT);
  }

  static SocksTunnel open(SshTestServer server, Duration handshakeTimeout) {
    return new SocksTunnel(server, handshakeTimeout);
  }

  /** A client socket to the SOCKS port, with a read timeout so a hang fails the test. */
  Socket connect() throws IOException {
    Socket socket = new Socket("127.0.0.1", forwarder.listener().port());
    socket.setSoTimeout(30_000);
    socket.setTcpNoDelay(true);
    return socket;
  }

  SshSession session() {
    return session;
  }

  SocksForwarder forwarder() {
    return forwarder;
  }

  /** The server's words for each channel that did not open, oldest first. */
  List<String> refusals() {
    return List.copyOf(refusals);
  }

  @Override
  public void close() {
    forwarder.close();
    session.close();
  }
}
