package dev.portkeep.smb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.portkeep.testing.FreePort;
import dev.portkeep.testing.SambaServer;
import dev.portkeep.testing.TargetServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class Smb2ProbeIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(5);
  private static final String SSH_BANNER = "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3\r\n";

  @Test
  void probe_realSamba_answersWithAnSmb3Dialect() {
    assumeTrue(SambaServer.missing().isEmpty(), () -> SambaServer.missing().orElseThrow());
    try (SambaServer server = SambaServer.start()) {
      ProbeResult result = Smb2Probe.probe(server.address(), TIMEOUT);

      assertThat(result)
          .isInstanceOfSatisfying(
              ProbeResult.Answered.class,
              a -> {
                assertThat(a.dialect().isSmb3()).as("Samba 4.17 speaks SMB 3.x").isTrue();
                assertThat(a.details().maxReadSize()).isPositive();
                assertThat(a.details().serverTime()).isPresent();
              });
      assertThat(result.message())
          .startsWith("SMB server at 127.0.0.1:" + server.port() + " answered: SMB 3.");
      assertThat(server.log()).doesNotContain("PANIC");
    }
  }

  @Test
  void probe_realSambaOverAnAlreadyConnectedSocket_answersAndLeavesTheSocketOpen()
      throws Exception {
    assumeTrue(SambaServer.missing().isEmpty(), () -> SambaServer.missing().orElseThrow());
    try (SambaServer server = SambaServer.start();
        Socket socket = new Socket(server.host(), server.port())) {
      ProbeResult result = Smb2Probe.probe(socket, TIMEOUT);

      assertThat(result).isInstanceOf(ProbeResult.Answered.class);
      assertThat(socket.isClosed()).isFalse();
    }
  }

  @Test
  void probe_nothingListening_isRefused() {
    int port = FreePort.pick();

    ProbeResult result = Smb2Probe.probe(new InetSocketAddress("127.0.0.1", port), TIMEOUT);

    assertThat(result).isEqualTo(new ProbeResult.Refused("127.0.0.1:" + port));
    assertThat(result.message())
        .isEqualTo("nothing listens on 127.0.0.1:" + port + ": connection refused");
    assertThat(result.hint()).contains("smb ports");
  }

  @Test
  void probe_peerSendsAnSshBanner_isNotSmbQuotingIt() {
    try (TargetServer ssh =
        TargetServer.start(
            "ssh-banner",
            s -> {
              s.getOutputStream().write(SSH_BANNER.getBytes(StandardCharsets.US_ASCII));
              s.getInputStream().readAllBytes(); // like sshd, wait for the client's identification
            })) {
      ProbeResult result = Smb2Probe.probe(ssh.address(), TIMEOUT);

      assertThat(result).isInstanceOf(ProbeResult.NotSmb.class);
      assertThat(result.message())
          .contains("is not an SMB server: it sent \"SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3\"");
      assertThat(result.hint()).contains("SSH server");
    }
  }

  @Test
  void probe_peerAcceptsThenCloses_isClosedWithoutAnswer() {
    try (TargetServer closer = TargetServer.start("closer", s -> {})) {
      ProbeResult result = Smb2Probe.probe(closer.address(), TIMEOUT);

      assertThat(result).isInstanceOf(ProbeResult.ClosedWithoutAnswer.class);
      assertThat(result.message()).contains("accepted the connection, then", "without an answer");
      assertThat(result.hint()).contains("SSH server could not reach the file server");
    }
  }

  @Test
  void probe_peerAcceptsAndStaysSilent_timesOutWithinTheTimeout() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    try (TargetServer silent = TargetServer.start("silent", s -> await(release))) {
      long start = System.nanoTime();

      ProbeResult result = Smb2Probe.probe(silent.address(), Duration.ofMillis(400));

      Duration took = Duration.ofNanos(System.nanoTime() - start);
      assertThat(result)
          .isEqualTo(
              new ProbeResult.TimedOut(
                  Smb2Probe.peer(silent.address()),
                  ProbeResult.TimedOut.Stage.ANSWER,
                  Duration.ofMillis(400)));
      assertThat(took).isBetween(Duration.ofMillis(350), Duration.ofSeconds(3));
      assertThat(result.message()).contains("sent no answer within 400 ms");
    } finally {
      release.countDown();
    }
  }

  @Test
  void probe_listenerThatNeverAccepts_stillTimesOutOnTheAnswer() throws Exception {
    // The kernel completes the handshake into the backlog before any accept(): connected, yet
    // nobody answers.
    try (ServerSocket neverAccepts =
        new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      ProbeResult result =
          Smb2Probe.probe(
              new InetSocketAddress("127.0.0.1", neverAccepts.getLocalPort()),
              Duration.ofMillis(300));

      assertThat(result).isInstanceOf(ProbeResult.TimedOut.class);
    }
  }

  private static void await(CountDownLatch latch) throws IOException {
    try {
      latch.await(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }
}
