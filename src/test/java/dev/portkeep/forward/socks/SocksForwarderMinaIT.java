package dev.portkeep.forward.socks;

import static dev.portkeep.forward.socks.SocksBytes.socks5Reply;
import static org.assertj.core.api.Assertions.assertThat;

import dev.portkeep.testing.FreePort;
import dev.portkeep.testing.MinaSshServer;
import dev.portkeep.testing.TargetServer;
import java.net.Socket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The SOCKS forwarder against the in-process MINA server, whose refusals are worded differently
 * from OpenSSH's.
 */
@Timeout(120)
class SocksForwarderMinaIT {

  @Test
  void socks5_connectIpv4_echoes4MiBIntact() throws Exception {
    try (MinaSshServer mina = MinaSshServer.start();
        SocksTunnel tunnel = SocksTunnel.open(mina);
        TargetServer echo = TargetServer.echo();
        Socket s = tunnel.connect()) {
      assertThat(SocksClient.socks5(s, SocksBytes.socks5Ipv4(1, echo.port())))
          .isEqualTo(socks5Reply(0));
      SocksClient.assertEchoIntact(s, 4L << 20, 6);
      assertThat(mina.directTcpipTargets()).containsExactly("127.0.0.1:" + echo.port());
    }
  }

  @Test
  void socks5_serverRefusesDirectTcpip_notAllowed() throws Exception {
    try (MinaSshServer mina = MinaSshServer.builder().refuseDirectTcpip().start();
        SocksTunnel tunnel = SocksTunnel.open(mina);
        TargetServer echo = TargetServer.echo();
        Socket s = tunnel.connect()) {
      assertThat(SocksClient.socks5(s, SocksBytes.socks5Domain(1, "localhost", echo.port())))
          .isEqualTo(socks5Reply(0x02));
      assertThat(SocksClient.closedByServer(s)).isTrue();
      System.out.println("MINA refused direct-tcpip: " + tunnel.refusals().getLast());
      assertThat(echo.connectionCount()).isZero();
      assertThat(mina.directTcpipTargets()).containsExactly("localhost:" + echo.port());
    }
  }

  @Test
  void socks4a_closedPortOnLoopback_rejected5B() throws Exception {
    try (MinaSshServer mina = MinaSshServer.start();
        SocksTunnel tunnel = SocksTunnel.open(mina);
        Socket s = tunnel.connect()) {
      assertThat(SocksClient.socks4(s, SocksBytes.socks4a(1, "127.0.0.1", FreePort.pick())))
          .isEqualTo(SocksBytes.socks4Reply(0x5B));
      assertThat(SocksClient.closedByServer(s)).isTrue();
      System.out.println("MINA refused connect: " + tunnel.refusals().getLast());
    }
  }

  @Test
  void socks5_closedPortOnLoopback_connectionRefused() throws Exception {
    try (MinaSshServer mina = MinaSshServer.start();
        SocksTunnel tunnel = SocksTunnel.open(mina);
        Socket s = tunnel.connect()) {
      assertThat(SocksClient.socks5(s, SocksBytes.socks5Ipv4(1, FreePort.pick())))
          .isEqualTo(socks5Reply(0x05));
    }
  }
}
