package dev.portkeep.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.Socket;
import java.net.SocketException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.channel.ChannelDirectTcpip;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.util.security.SecurityUtils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class OpenSshServerIT {
  private static final Duration FEW_SECONDS = Duration.ofSeconds(5);

  @Test
  void start_realSshLocalForward_echoesBytesThroughTunnel() throws Exception {
    try (OpenSshServer server = OpenSshServer.start();
        EchoServer echo = EchoServer.start();
        OpenSshClient ssh = OpenSshClient.forwardLocal(server, echo.host(), echo.port());
        Socket socket = connect(ssh)) {
      assertThat(server.port()).isBetween(FreePort.LOW, FreePort.HIGH);
      assertThat(server.user()).isEqualTo(System.getProperty("user.name"));
      assertThat(Files.readString(server.knownHostsFile()))
          .isEqualTo("[127.0.0.1]:" + server.port() + " " + server.hostKeyPublicLine() + "\n")
          .contains("ssh-ed25519 ");

      assertEchoes(socket, 200_000, 1);
      assertThat(echo.connectionCount()).isEqualTo(1);
      assertThat(server.log()).contains("Accepted publickey for " + server.user());
    }
  }

  @Test
  void kill_withForwardedConnection_endsConnectionSessionsAndSshWithinSeconds() throws Exception {
    try (OpenSshServer server = OpenSshServer.start();
        EchoServer echo = EchoServer.start();
        OpenSshClient ssh = OpenSshClient.forwardLocal(server, echo.host(), echo.port());
        Socket socket = connect(ssh)) {
      assertEchoes(socket, 1000, 2);
      List<Long> sessions = server.sessionPids();
      assertThat(sessions).as("sshd forks per connection").isNotEmpty();

      server.kill();

      socket.setSoTimeout((int) FEW_SECONDS.toMillis());
      assertThat(readOrReset(socket.getInputStream()))
          .as("forwarded connection ends")
          .isEqualTo(-1);
      assertThat(ssh.awaitExit(FEW_SECONDS)).as("ssh exits; stderr: %s", ssh.stderr()).isTrue();
      assertThat(ProcessTree.awaitDeath(sessions, FEW_SECONDS)).isTrue();
      assertThat(server.isRunning()).isFalse();
      assertThatThrownBy(() -> new Socket(server.host(), server.port()))
          .isInstanceOf(ConnectException.class);
    }
  }

  @Test
  void stop_withForwardedConnection_endsSessionsAndSsh() throws Exception {
    try (OpenSshServer server = OpenSshServer.start();
        EchoServer echo = EchoServer.start();
        OpenSshClient ssh = OpenSshClient.forwardLocal(server, echo.host(), echo.port());
        Socket socket = connect(ssh)) {
      assertEchoes(socket, 1000, 9);
      List<Long> sessions = server.sessionPids();

      server.stop();

      assertThat(ProcessTree.awaitDeath(sessions, FEW_SECONDS)).isTrue();
      assertThat(ssh.awaitExit(FEW_SECONDS)).as("ssh exits; stderr: %s", ssh.stderr()).isTrue();
      assertThat(readOrReset(socket.getInputStream())).isEqualTo(-1);
      assertThat(server.log()).contains("Received signal 15; terminating.");
    }
  }

  @Test
  void stopListener_withForwardedConnection_sessionKeepsForwardingUntilKill() throws Exception {
    try (OpenSshServer server = OpenSshServer.start();
        EchoServer echo = EchoServer.start();
        OpenSshClient ssh = OpenSshClient.forwardLocal(server, echo.host(), echo.port());
        Socket first = connect(ssh)) {
      assertEchoes(first, 1000, 3);

      server.stopListener();

      assertThatThrownBy(() -> new Socket(server.host(), server.port()))
          .isInstanceOf(ConnectException.class);
      assertEchoes(first, 1000, 4);
      try (Socket second = connect(ssh)) {
        assertEchoes(second, 1000, 5); // a new channel in the surviving session
      }
      assertThat(server.sessionPids()).isNotEmpty();

      server.kill();

      assertThat(ssh.awaitExit(FEW_SECONDS)).as("kill() also ends orphaned sessions").isTrue();
    }
  }

  @Test
  void restart_afterKill_acceptsSshOnSamePortWithSameHostKey() throws Exception {
    try (OpenSshServer server = OpenSshServer.start();
        EchoServer echo = EchoServer.start()) {
      int port = server.port();
      String hostKey = server.hostKeyPublicLine();
      server.kill();

      server.restart();

      assertThat(server.port()).isEqualTo(port);
      assertThat(server.hostKeyPublicLine()).isEqualTo(hostKey);
      try (OpenSshClient ssh = OpenSshClient.forwardLocal(server, echo.host(), echo.port());
          Socket socket = connect(ssh)) {
        assertEchoes(socket, 1000, 6);
      }
    }
  }

  @Test
  void changeHostKey_thenRestart_sshWithStartKnownHostsRefuses() throws Exception {
    try (OpenSshServer server = OpenSshServer.start()) {
      String before = server.hostKeyPublicLine();

      server.changeHostKey();
      server.restart();

      assertThat(server.hostKeyPublicLine()).isNotEqualTo(before);
      assertThat(Files.readString(server.knownHostsFile())).contains(before);
      try (OpenSshClient ssh = OpenSshClient.connect(server)) {
        assertThat(ssh.awaitExit(Duration.ofSeconds(10))).isTrue();
        assertThat(ssh.process().exitValue()).isEqualTo(255);
        assertThat(ssh.stderr()).contains("REMOTE HOST IDENTIFICATION HAS CHANGED");
      }
    }
  }

  @Test
  void changeHostKey_withoutRestart_newConnectionsAlreadyGetTheNewKey() {
    // Debian's sshd 9.2 re-executes itself per connection and re-reads its HostKey files then.
    try (OpenSshServer server = OpenSshServer.start()) {
      server.changeHostKey();

      try (OpenSshClient ssh = OpenSshClient.connect(server)) {
        assertThat(ssh.awaitExit(Duration.ofSeconds(10))).isTrue();
        assertThat(ssh.stderr()).contains("REMOTE HOST IDENTIFICATION HAS CHANGED");
      }
    }
  }

  @Test
  void extraConfig_allowTcpForwardingNo_overridesTheDefaultAndSshdRefusesChannels()
      throws Exception {
    try (OpenSshServer server =
            OpenSshServer.builder()
                .extraConfig("AllowTcpForwarding no", "ClientAliveInterval 2")
                .start();
        EchoServer echo = EchoServer.start();
        OpenSshClient ssh = OpenSshClient.forwardLocal(server, echo.host(), echo.port());
        Socket socket = connect(ssh)) {
      String config = Files.readString(server.configFile());
      assertThat(config.indexOf("AllowTcpForwarding no"))
          .isLessThan(config.indexOf("AllowTcpForwarding yes"));
      assertThat(config).contains("ClientAliveInterval 2");

      assertThat(readOrReset(socket.getInputStream())).isEqualTo(-1);
      assertThat(echo.connectionCount()).isZero();
      assertThat(ssh.stderr()).contains("administratively prohibited");
    }
  }

  @Test
  void extraConfig_matchBlock_goesAfterTheDefaults() throws Exception {
    try (OpenSshServer server =
        OpenSshServer.builder()
            .extraConfig("LogLevel VERBOSE", "Match User nobody", "  AllowTcpForwarding no")
            .start()) {
      String config = Files.readString(server.configFile());

      assertThat(config.indexOf("LogLevel VERBOSE")).isLessThan(config.indexOf("Port "));
      assertThat(config.indexOf("Match User nobody"))
          .isGreaterThan(config.indexOf("AllowTcpForwarding yes"));
    }
  }

  @Test
  void clientKeyPassphrase_rsa_keyOpensOnlyWithThatPassphrase() {
    try (OpenSshServer server =
        OpenSshServer.builder().clientKeyType("rsa").clientKeyPassphrase("s3cret").start()) {
      String expected =
          Command.run(FEW_SECONDS, "cat", server.clientPublicKey().toString()).stdout();

      Command.Result right =
          Command.run(
              FEW_SECONDS, "ssh-keygen", "-y", "-P", "s3cret", "-f", server.clientKey().toString());
      Command.Result wrong =
          Command.run(
              FEW_SECONDS, "ssh-keygen", "-y", "-P", "nope", "-f", server.clientKey().toString());

      assertThat(right.exitCode()).isZero();
      assertThat(expected).startsWith(right.stdout().strip()).startsWith("ssh-rsa ");
      assertThat(wrong.exitCode()).isNotZero();
      assertThat(server.clientKeyPassphrase()).isEqualTo("s3cret");
    }
  }

  @Test
  void clientKey_generated_isPrivateToItsOwner() throws Exception {
    try (OpenSshServer server = OpenSshServer.start()) {
      assertThat(Files.getPosixFilePermissions(server.clientKey()))
          .containsExactlyInAnyOrderElementsOf(
              java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
    }
  }

  @Test
  void start_sshdMissing_failsNamingTheDebianPackage() {
    assertThatThrownBy(
            () -> OpenSshServer.builder().sshdBinary(Path.of("/nonexistent/sshd")).start())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("/nonexistent/sshd not found")
        .hasMessageContaining("openssh-server");
  }

  @Test
  void start_badExtraConfig_failsQuotingTheSshdLog() {
    assertThatThrownBy(() -> OpenSshServer.builder().extraConfig("NoSuchKeyword yes").start())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("sshd exited with code 255")
        .hasMessageContaining("Bad configuration option: NoSuchKeyword");
  }

  @Test
  void close_running_endsSshdAndDeletesTempDir() {
    OpenSshServer server = OpenSshServer.start();
    long pid = server.pid();

    server.close();
    server.close();

    assertThat(ProcessTree.isAlive(pid)).isFalse();
    assertThat(server.tempDir()).doesNotExist();
  }

  @Test
  void minaClient_ecdsaHostAndClientKeys_forwardsThroughRealSshd() throws Exception {
    try (OpenSshServer server =
            OpenSshServer.builder().hostKeyType("ecdsa").clientKeyType("ecdsa").start();
        EchoServer echo = EchoServer.start();
        SshClient client = MinaClients.strictClient(server.knownHostsFile());
        ClientSession session = MinaClients.login(client, server);
        ChannelDirectTcpip channel =
            MinaClients.openDirectTcpip(session, echo.host(), echo.port())) {
      assertThat(MinaClients.echo(channel, 500_000, 8))
          .isEqualTo(new Payloads.Digest(500_000, Payloads.sha256(500_000, 8)));
    }
  }

  @Test
  void minaClient_defaultEd25519HostKey_negotiatesOnlyWithAnEdDsaProvider() throws Exception {
    try (OpenSshServer server = OpenSshServer.builder().clientKeyType("ecdsa").start();
        SshClient client = MinaClients.strictClient(server.knownHostsFile())) {
      if (SecurityUtils.isEDDSACurveSupported()) {
        MinaClients.login(client, server).close();
      } else {
        assertThatThrownBy(() -> MinaClients.login(client, server).close())
            .hasStackTraceContaining("ssh-ed25519");
      }
    }
  }

  private static Socket connect(OpenSshClient ssh) throws IOException {
    Socket socket = new Socket("127.0.0.1", ssh.localPort());
    socket.setSoTimeout(10_000);
    return socket;
  }

  /**
   * Writes then reads back {@code n} bytes on an open echo connection (n fits the socket buffers).
   */
  static void assertEchoes(Socket socket, int n, long seed) throws IOException {
    byte[] sent = Payloads.bytes(n, seed);
    var writer =
        java.util.concurrent.CompletableFuture.runAsync(
            () -> {
              try {
                socket.getOutputStream().write(sent);
              } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
              }
            });
    assertThat(socket.getInputStream().readNBytes(n)).isEqualTo(sent);
    writer.join();
  }

  /** -1 for EOF or a reset: both mean the far side is gone. */
  static int readOrReset(InputStream in) throws IOException {
    try {
      return in.read();
    } catch (SocketException e) {
      return -1;
    }
  }
}
