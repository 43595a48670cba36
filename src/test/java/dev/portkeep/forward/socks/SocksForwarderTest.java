package dev.portkeep.forward.socks;

import static dev.portkeep.forward.socks.SocksBytes.socks5Reply;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portkeep.bind.Listener;
import dev.portkeep.bind.Listeners;
import dev.portkeep.config.AddressFamily;
import dev.portkeep.config.BindAddress;
import dev.portkeep.config.Endpoint;
import dev.portkeep.config.ForwardSyntax;
import dev.portkeep.forward.ChannelOpener;
import dev.portkeep.status.TunnelEvents;
import dev.portkeep.testing.TargetServer;
import java.net.Socket;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The forwarder's life cycle and counters, with plain loopback sockets standing in for SSH
 * channels.
 */
@Timeout(30)
class SocksForwarderTest {

  private static Listener listener() {
    return Listeners.system()
        .open(
            new BindAddress.Literal("127.0.0.1", AddressFamily.INET),
            0,
            AddressFamily.ANY,
            "-D test");
  }

  private static Socket connect(SocksForwarder forwarder) throws Exception {
    Socket socket = new Socket("127.0.0.1", forwarder.listener().port());
    socket.setSoTimeout(10_000);
    return socket;
  }

  @Test
  void constructor_zeroHandshakeTimeout_rejectedNamingTheValue() {
    try (Listener listener = listener()) {
      assertThatThrownBy(
              () ->
                  new SocksForwarder(
                      ForwardSyntax.parseDynamic("1080"),
                      listener,
                      new SocketOpener(),
                      TunnelEvents.NONE,
                      Duration.ZERO))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("PT0S");
    }
  }

  @Test
  void stats_afterATransferAndARejection_countEach() throws Exception {
    SocketOpener opener = new SocketOpener();
    try (TargetServer echo = TargetServer.echo();
        SocksForwarder forwarder =
            new SocksForwarder(
                ForwardSyntax.parseDynamic("1080"), listener(), opener, TunnelEvents.NONE)) {
      forwarder.start();
      try (Socket s = connect(forwarder)) {
        assertThat(SocksClient.socks5(s, SocksBytes.socks5Domain(1, "localhost", echo.port())))
            .isEqualTo(socks5Reply(0));
        SocksClient.assertEchoIntact(s, 100_000, 1);
      }
      try (Socket s = connect(forwarder)) {
        assertThat(SocksClient.socks5(s, SocksBytes.socks5Ipv4(2, 1))).isEqualTo(socks5Reply(7));
      }
      assertThat(opener.targets).containsExactly(new Endpoint("localhost", echo.port()));
      awaitNoOpenConnections(forwarder);
      assertThat(forwarder.stats())
          .isEqualTo(new dev.portkeep.forward.ForwardStats(1, 0, 1, 0, 100_000, 100_000));
    }
  }

  @Test
  void openerThrowingIllegalState_generalFailureReplyNotASilentClose() throws Exception {
    ChannelOpener closing =
        (target, originator) -> {
          throw new IllegalStateException("session is being closed");
        };
    try (SocksForwarder forwarder =
        new SocksForwarder(
            ForwardSyntax.parseDynamic("1080"), listener(), closing, TunnelEvents.NONE)) {
      forwarder.start();
      try (Socket s = connect(forwarder)) {
        assertThat(SocksClient.socks4(s, SocksBytes.socks4Connect("127.0.0.1", 9)))
            .isEqualTo(SocksBytes.socks4Reply(0x5B));
      }
      assertThat(forwarder.stats().refused()).isEqualTo(1);
    }
  }

  @Test
  void close_withAClientMidHandshake_cutsItAndReleasesThePort() throws Exception {
    SocksForwarder forwarder =
        new SocksForwarder(
            ForwardSyntax.parseDynamic("1080"), listener(), new SocketOpener(), TunnelEvents.NONE);
    forwarder.start();
    int port = forwarder.listener().port();
    try (Socket s = connect(forwarder)) {
      s.getOutputStream().write(new byte[] {5, 1});
      awaitOpenConnections(forwarder, 1);
      long start = System.nanoTime();
      forwarder.close(Duration.ofMillis(200));
      forwarder.close();
      assertThat(SocksClient.closedByServer(s)).isTrue();
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    }
    assertThat(forwarder.listener().isOpen()).isFalse();
    try (var again = new java.net.ServerSocket()) {
      again.bind(new java.net.InetSocketAddress("127.0.0.1", port));
      assertThat(again.getLocalPort()).isEqualTo(port);
    }
  }

  private static void awaitOpenConnections(SocksForwarder forwarder, int n)
      throws InterruptedException {
    for (int i = 0; i < 500 && forwarder.stats().open() != n; i++) {
      Thread.sleep(10);
    }
    assertThat(forwarder.stats().open()).isEqualTo(n);
  }

  private static void awaitNoOpenConnections(SocksForwarder forwarder) throws InterruptedException {
    awaitOpenConnections(forwarder, 0);
  }
}
