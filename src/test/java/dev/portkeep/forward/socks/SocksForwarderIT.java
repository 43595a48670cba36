package dev.portkeep.forward.socks;

import static dev.portkeep.forward.socks.SocksBytes.concat;
import static dev.portkeep.forward.socks.SocksBytes.socks4Reply;
import static dev.portkeep.forward.socks.SocksBytes.socks5Reply;
import static org.assertj.core.api.Assertions.assertThat;

import dev.portkeep.testing.FreePort;
import dev.portkeep.testing.OpenSshServer;
import dev.portkeep.testing.Payloads;
import dev.portkeep.testing.TargetServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The SOCKS forwarder against a real OpenSSH sshd: data, fragmentation, pipelining and every reply
 * code.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(120)
class SocksForwarderIT {
  private static final long SIZE = 4L << 20;

  private OpenSshServer sshd;
  private SocksTunnel tunnel;

  @BeforeAll
  void start() {
    sshd = OpenSshServer.start();
    tunnel = SocksTunnel.open(sshd);
  }

  @AfterAll
  void stop() {
    if (tunnel != null) {
      tunnel.close();
    }
    if (sshd != null) {
      sshd.close();
    }
  }

  @Test
  void socks4_connectIpv4_carries4MiBEachWayIntact() throws Exception {
    try (TargetServer target = TargetServer.duplexHash(SIZE, 7);
        Socket s = tunnel.connect()) {
      assertThat(SocksClient.socks4(s, SocksBytes.socks4Connect("127.0.0.1", target.port())))
          .isEqualTo(socks4Reply(0x5A));
      SocksClient.assertDuplexIntact(s, target, SIZE, 7);
    }
  }

  @Test
  void socks4a_connectLocalhost_carries4MiBEachWayIntact() throws Exception {
    try (TargetServer target = TargetServer.duplexHash(SIZE, 8);
        Socket s = tunnel.connect()) {
      assertThat(SocksClient.socks4(s, SocksBytes.socks4a(1, "localhost", target.port())))
          .isEqualTo(socks4Reply(0x5A));
      SocksClient.assertDuplexIntact(s, target, SIZE, 8);
    }
  }

  @Test
  void socks5_connectDomainLocalhost_carries4MiBEachWayIntact() throws Exception {
    try (TargetServer target = TargetServer.duplexHash(SIZE, 9);
        Socket s = tunnel.connect()) {
      assertThat(SocksClient.socks5(s, SocksBytes.socks5Domain(1, "localhost", target.port())))
          .isEqualTo(socks5Reply(0));
      SocksClient.assertDuplexIntact(s, target, SIZE, 9);
    }
  }

  @Test
  void socks5_connectIpv6Loopback_echoesIntact() throws Exception {
    try (ServerSocket v6 = new ServerSocket(0, 1, InetAddress.getByName("::1"));
        Socket s = tunnel.connect()) {
      Thread echo = Thread.ofVirtual().start(() -> echoOnce(v6));
      assertThat(SocksClient.socks5(s, SocksBytes.socks5Ipv6Loopback(1, v6.getLocalPort())))
          .isEqualTo(socks5Reply(0));
      SocksClient.assertEchoIntact(s, 1 << 20, 3);
      s.shutdownOutput();
      echo.join(Duration.ofSeconds(10));
    }
  }

  @Test
  void socks5_requestOneByteAtATime_connectsAndEchoes() throws Exception {
    try (TargetServer echo = TargetServer.echo();
        Socket s = tunnel.connect()) {
      SocksClient.dribble(s, SocksBytes.greeting(0), Duration.ofMillis(10));
      assertThat(s.getInputStream().readNBytes(2)).containsExactly(5, 0);
      SocksClient.dribble(s, SocksBytes.socks5Ipv4(1, echo.port()), Duration.ofMillis(10));
      assertThat(s.getInputStream().readNBytes(10)).isEqualTo(socks5Reply(0));
      SocksClient.assertEchoIntact(s, 256 * 1024, 4);
    }
  }

  @Test
  void socks5_greetingRequestAnd64KiBInOneWrite_targetGetsThePayloadExactlyOnce() throws Exception {
    byte[] payload = Payloads.bytes(64 * 1024, 21);
    try (TargetServer sink = TargetServer.sha256Sink();
        Socket s = tunnel.connect()) {
      s.getOutputStream()
          .write(concat(SocksBytes.socks5Connect(SocksBytes.socks5Ipv4(1, sink.port())), payload));
      s.shutdownOutput();
      byte[] answer = s.getInputStream().readAllBytes();
      assertThat(answer).startsWith(concat(new byte[] {5, 0}, socks5Reply(0)));
      assertThat(new String(answer, 12, answer.length - 12, StandardCharsets.US_ASCII))
          .isEqualTo(Payloads.sha256(payload) + "\n");
      assertThat(sink.bytesReceived()).isEqualTo(payload.length);
    }
  }

  @Test
  void socks4a_requestAnd64KiBInOneWrite_targetGetsThePayloadExactlyOnce() throws Exception {
    byte[] payload = Payloads.bytes(64 * 1024, 22);
    try (TargetServer sink = TargetServer.sha256Sink();
        Socket s = tunnel.connect()) {
      s.getOutputStream().write(concat(SocksBytes.socks4a(1, "localhost", sink.port()), payload));
      s.shutdownOutput();
      byte[] answer = s.getInputStream().readAllBytes();
      assertThat(answer).startsWith(socks4Reply(0x5A));
      assertThat(new String(answer, 8, answer.length - 8, StandardCharsets.US_ASCII))
          .isEqualTo(Payloads.sha256(payload) + "\n");
    }
  }

  @ParameterizedTest(name = "command {0}")
  @ValueSource(ints = {2, 3})
  void socks5_bindOrUdpAssociate_commandNotSupportedThenClosed(int command) throws Exception {
    try (Socket s = tunnel.connect()) {
      assertThat(SocksClient.socks5(s, SocksBytes.socks5Ipv4(command, 80)))
          .isEqualTo(socks5Reply(0x07));
      assertThat(SocksClient.closedByServer(s)).isTrue();
    }
  }

  @Test
  void socks4_bind_rejected5BThenClosed() throws Exception {
    try (Socket s = tunnel.connect()) {
      byte[] bind = SocksBytes.socks4(2, new int[] {127, 0, 0, 1}, 80, "u");
      assertThat(SocksClient.socks4(s, bind)).isEqualTo(socks4Reply(0x5B));
      assertThat(SocksClient.closedByServer(s)).isTrue();
    }
  }

  @Test
  void socks5_unknownAddressType_addressTypeNotSupportedThenClosed() throws Exception {
    try (Socket s = tunnel.connect()) {
      byte[] request = {5, 1, 0, 9, 1, 2, 3, 4, 0, 80};
      assertThat(SocksClient.socks5(s, request)).isEqualTo(socks5Reply(0x08));
      assertThat(SocksClient.closedByServer(s)).isTrue();
    }
  }

  @Test
  void socks5_closedPortOnLoopback_connectionRefused() throws Exception {
    int closed = FreePort.pick();
    try (Socket s = tunnel.connect()) {
      assertThat(SocksClient.socks5(s, SocksBytes.socks5Ipv4(1, closed)))
          .isEqualTo(socks5Reply(0x05));
      assertThat(SocksClient.closedByServer(s)).isTrue();
    }
    System.out.println("OpenSSH refused connect: " + tunnel.refusals().getLast());
    assertThat(tunnel.refusals().getLast()).contains("connect failed", "Connection refused");
  }

  @Test
  void socks4_closedPortOnLoopback_rejected5B() throws Exception {
    try (Socket s = tunnel.connect()) {
      assertThat(SocksClient.socks4(s, SocksBytes.socks4Connect("127.0.0.1", FreePort.pick())))
          .isEqualTo(socks4Reply(0x5B));
      assertThat(SocksClient.closedByServer(s)).isTrue();
    }
  }

  @Test
  void socks5_unresolvableName_hostUnreachable() throws Exception {
    try (Socket s = tunnel.connect()) {
      assertThat(SocksClient.socks5(s, SocksBytes.socks5Domain(1, "no-such-host.invalid", 80)))
          .isEqualTo(socks5Reply(0x04));
    }
    System.out.println("OpenSSH unresolvable name: " + tunnel.refusals().getLast());
    assertThat(tunnel.refusals().getLast()).contains("connect failed");
  }

  @Test
  void socks5_permitOpenForbidsTheTarget_notAllowed() throws Exception {
    try (OpenSshServer strict =
            OpenSshServer.builder().extraConfig("PermitOpen 127.0.0.1:1").start();
        SocksTunnel limited = SocksTunnel.open(strict);
        TargetServer echo = TargetServer.echo();
        Socket s = limited.connect()) {
      assertThat(SocksClient.socks5(s, SocksBytes.socks5Ipv4(1, echo.port())))
          .isEqualTo(socks5Reply(0x02));
      assertThat(SocksClient.closedByServer(s)).isTrue();
      System.out.println("OpenSSH PermitOpen refusal: " + limited.refusals().getLast());
      assertThat(limited.refusals().getLast()).contains("administratively prohibited");
      assertThat(echo.connectionCount()).isZero();
      assertThat(limited.forwarder().stats().refused()).isEqualTo(1);
    }
  }

  @Test
  void socks5_methodsWithoutNoAuthentication_05FFThenClosed() throws Exception {
    try (Socket s = tunnel.connect()) {
      s.getOutputStream().write(SocksBytes.greeting(2, 1));
      assertThat(s.getInputStream().readNBytes(2)).containsExactly(5, 0xFF);
      assertThat(SocksClient.closedByServer(s)).isTrue();
    }
  }

  @Test
  void garbage_closedAndTheNextClientIsServed() throws Exception {
    long rejectedBefore = tunnel.forwarder().stats().rejected();
    try (Socket s = tunnel.connect()) {
      s.getOutputStream()
          .write("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      assertThat(SocksClient.closedByServer(s)).isTrue();
    }
    assertThat(tunnel.forwarder().stats().rejected()).isEqualTo(rejectedBefore + 1);
    try (TargetServer echo = TargetServer.echo();
        Socket s = tunnel.connect()) {
      assertThat(SocksClient.socks5(s, SocksBytes.socks5Ipv4(1, echo.port())))
          .isEqualTo(socks5Reply(0));
      SocksClient.assertEchoIntact(s, 64 * 1024, 5);
    }
  }

  @Test
  void handshake_idleOrUnfinished_closedAfterTheTimeout() throws Exception {
    try (SocksTunnel quick = SocksTunnel.open(sshd, Duration.ofMillis(300))) {
      for (byte[] sent : new byte[][] {{}, {5, 1}, {5, 1, 0, 5, 1, 0, 3, 9, 'l', 'o'}}) {
        long start = System.nanoTime(); // before the server accepts and starts its clock
        try (Socket s = quick.connect()) {
          s.getOutputStream().write(sent);
          int replied = sent.length >= 3 ? 2 : 0; // the method choice, when the greeting was whole
          assertThat(s.getInputStream().readNBytes(replied)).hasSize(replied);
          assertThat(SocksClient.closedByServer(s)).isTrue();
          assertThat(Duration.ofNanos(System.nanoTime() - start))
              .isBetween(Duration.ofMillis(250), Duration.ofSeconds(5));
        }
      }
      assertThat(quick.forwarder().stats().rejected()).isEqualTo(3);
    }
  }

  @Test
  void sessionClosed_generalFailure() throws Exception {
    try (SocksTunnel orphan = SocksTunnel.open(sshd);
        TargetServer echo = TargetServer.echo()) {
      orphan.session().close();
      try (Socket s = orphan.connect()) {
        assertThat(SocksClient.socks5(s, SocksBytes.socks5Ipv4(1, echo.port())))
            .isEqualTo(socks5Reply(0x01));
        assertThat(SocksClient.closedByServer(s)).isTrue();
      }
      assertThat(echo.connectionCount()).isZero();
    }
  }

  private static void echoOnce(ServerSocket server) {
    try (Socket c = server.accept()) {
      c.getInputStream().transferTo(c.getOutputStream());
      c.shutdownOutput();
    } catch (IOException ignored) {
      // The test's own assertions report a broken echo.
    }
  }
}
