package dev.portkeep.testing;

import static dev.portkeep.testing.OpenSshServerIT.assertEchoes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.channel.ChannelDirectTcpip;
import org.apache.sshd.client.channel.ClientChannelEvent;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.SshConstants;
import org.apache.sshd.common.channel.exception.SshChannelOpenException;
import org.apache.sshd.common.util.security.SecurityUtils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class MinaSshServerIT {
  private static final Duration WAIT = Duration.ofSeconds(10);

  @Test
  void start_minaClientVerifyingKnownHosts_echoesThroughDirectTcpip() throws Exception {
    try (MinaSshServer server = MinaSshServer.start();
        EchoServer echo = EchoServer.start();
        SshClient client = MinaClients.strictClient(server.knownHostsFile());
        ClientSession session = MinaClients.login(client, server);
        ChannelDirectTcpip channel =
            MinaClients.openDirectTcpip(session, echo.host(), echo.port())) {
      assertThat(MinaClients.echo(channel, 300_000, 1))
          .isEqualTo(new Payloads.Digest(300_000, Payloads.sha256(300_000, 1)));
      assertThat(server.directTcpipTargets()).containsExactly("127.0.0.1:" + echo.port());
      assertThat(server.activeSessionCount()).isEqualTo(1);
      assertThat(Files.readString(server.knownHostsFile()))
          .isEqualTo("[127.0.0.1]:" + server.port() + " " + server.hostKeyPublicLine() + "\n")
          .contains("ecdsa-sha2-nistp256 ");
    }
  }

  @Test
  void knownHosts_anotherServersKeyForThisPort_connectionRejected() throws Exception {
    try (MinaSshServer server = MinaSshServer.start();
        MinaSshServer other = MinaSshServer.start()) {
      Path forged = server.tempDir().resolve("forged_known_hosts");
      Files.writeString(
          forged, "[127.0.0.1]:" + server.port() + " " + other.hostKeyPublicLine() + "\n");
      try (SshClient client = MinaClients.strictClient(forged)) {
        assertThatThrownBy(() -> MinaClients.login(client, server))
            .hasStackTraceContaining("Server key did not validate");
      }
    }
  }

  @Test
  void clientKey_ofAnotherServer_isNotAuthorized() throws Exception {
    try (MinaSshServer server = MinaSshServer.start();
        MinaSshServer other = MinaSshServer.start();
        SshClient client = MinaClients.strictClient(server.knownHostsFile());
        ClientSession session =
            client.connect(server.user(), server.host(), server.port()).verify(WAIT).getSession()) {
      session.addPublicKeyIdentity(MinaClients.loadKey(other.clientKey(), null));

      assertThatThrownBy(() -> session.auth().verify(WAIT))
          .hasMessageContaining("No more authentication methods");
    }
  }

  @Test
  void refuseDirectTcpip_channelOpen_failsAndTargetSeesNoConnection() throws Exception {
    try (MinaSshServer server = MinaSshServer.builder().refuseDirectTcpip().start();
        EchoServer echo = EchoServer.start();
        SshClient client = MinaClients.strictClient(server.knownHostsFile());
        ClientSession session = MinaClients.login(client, server)) {
      assertThatThrownBy(() -> MinaClients.openDirectTcpip(session, echo.host(), echo.port()))
          .rootCause()
          .isInstanceOfSatisfying(
              SshChannelOpenException.class,
              e ->
                  assertThat(e.getReasonCode())
                      .as("reason code")
                      .isEqualTo(SshConstants.SSH_OPEN_ADMINISTRATIVELY_PROHIBITED));
      assertThat(server.directTcpipTargets()).containsExactly("127.0.0.1:" + echo.port());
      assertThat(echo.connectionCount()).isZero();
    }
  }

  @Test
  void exec_anyCommand_isRefusedBecauseTheServerOnlyForwards() throws Exception {
    try (MinaSshServer server = MinaSshServer.start();
        SshClient client = MinaClients.strictClient(server.knownHostsFile());
        ClientSession session = MinaClients.login(client, server)) {
      // Bounded on purpose: session.executeRemoteCommand would wait forever for a refused exec.
      try (var exec = session.createExecChannel("true")) {
        exec.open().verify(WAIT);
        var events =
            exec.waitFor(
                java.util.EnumSet.of(ClientChannelEvent.EXIT_STATUS, ClientChannelEvent.CLOSED),
                Duration.ofSeconds(2));
        assertThat(events).doesNotContain(ClientChannelEvent.EXIT_STATUS);
        assertThat(exec.getExitStatus()).isNull();
      }
    }
  }

  @Test
  void refuseTcpipForward_remoteForward_refusedWhileDefaultAllowsIt() throws Exception {
    var target = new org.apache.sshd.common.util.net.SshdSocketAddress("127.0.0.1", 9);
    var remote = new org.apache.sshd.common.util.net.SshdSocketAddress("127.0.0.1", 0);
    try (MinaSshServer open = MinaSshServer.start();
        MinaSshServer refusing = MinaSshServer.builder().refuseTcpipForward().start();
        SshClient openClient = MinaClients.strictClient(open.knownHostsFile());
        SshClient refusingClient = MinaClients.strictClient(refusing.knownHostsFile());
        ClientSession allowed = MinaClients.login(openClient, open);
        ClientSession refused = MinaClients.login(refusingClient, refusing)) {
      assertThat(allowed.startRemotePortForwarding(remote, target).getPort()).isPositive();
      assertThatThrownBy(() -> refused.startRemotePortForwarding(remote, target))
          .isInstanceOf(java.io.IOException.class);
    }
  }

  @Test
  void password_rightOneAuthenticates_wrongOneFails() throws Exception {
    try (MinaSshServer server = MinaSshServer.builder().password("alice", "pw1").start();
        SshClient client = MinaClients.strictClient(server.knownHostsFile())) {
      try (ClientSession session =
          client.connect("alice", server.host(), server.port()).verify(WAIT).getSession()) {
        session.addPasswordIdentity("pw1");
        assertThat(session.auth().verify(WAIT).isSuccess()).isTrue();
      }
      try (ClientSession session =
          client.connect("alice", server.host(), server.port()).verify(WAIT).getSession()) {
        session.addPasswordIdentity("wrong");
        assertThatThrownBy(() -> session.auth().verify(WAIT))
            .hasMessageContaining("No more authentication methods");
      }
    }
  }

  @Test
  void windowSize_small_clientSeesThatWindowAndMegabytesStillFlow() throws Exception {
    try (MinaSshServer server =
            MinaSshServer.builder().windowSize(16 * 1024).maxPacketSize(4 * 1024).start();
        EchoServer echo = EchoServer.start();
        SshClient client = MinaClients.strictClient(server.knownHostsFile());
        ClientSession session = MinaClients.login(client, server);
        ChannelDirectTcpip channel =
            MinaClients.openDirectTcpip(session, echo.host(), echo.port())) {
      assertThat(channel.getRemoteWindow().getMaxSize()).isEqualTo(16 * 1024);
      assertThat(channel.getRemoteWindow().getPacketSize()).isEqualTo(4 * 1024);

      assertThat(MinaClients.echo(channel, 2_000_000, 2))
          .isEqualTo(new Payloads.Digest(2_000_000, Payloads.sha256(2_000_000, 2)));
    }
  }

  @Test
  void kill_thenRestart_sessionDropsAndSamePortServesSameHostKey() throws Exception {
    try (MinaSshServer server = MinaSshServer.start();
        SshClient client = MinaClients.strictClient(server.knownHostsFile())) {
      int port = server.port();
      ClientSession before = MinaClients.login(client, server);

      server.kill();

      assertThat(
              before.waitFor(
                  java.util.EnumSet.of(
                      org.apache.sshd.client.session.ClientSession.ClientSessionEvent.CLOSED),
                  WAIT))
          .contains(org.apache.sshd.client.session.ClientSession.ClientSessionEvent.CLOSED);
      assertThatThrownBy(() -> new Socket(server.host(), port))
          .isInstanceOf(java.net.ConnectException.class);

      server.restart();

      assertThat(server.port()).isEqualTo(port);
      try (ClientSession after = MinaClients.login(client, server)) {
        assertThat(after.isAuthenticated()).isTrue();
      }
    }
  }

  @Test
  void clientKeyPassphrase_encryptedKey_opensWithItInMinaAndSshKeygen() throws Exception {
    try (MinaSshServer server = MinaSshServer.builder().clientKeyPassphrase("pp").start();
        SshClient client = MinaClients.strictClient(server.knownHostsFile());
        ClientSession session = MinaClients.login(client, server, "pp")) {
      assertThat(session.isAuthenticated()).isTrue();
      assertThat(
              Command.run(WAIT, "ssh-keygen", "-y", "-P", "pp", "-f", server.clientKey().toString())
                  .exitCode())
          .isZero();
      assertThat(
              Command.run(WAIT, "ssh-keygen", "-y", "-P", "no", "-f", server.clientKey().toString())
                  .exitCode())
          .isNotZero();
      assertThat(Files.getPosixFilePermissions(server.clientKey()))
          .isEqualTo(PosixFilePermissions.fromString("rw-------"));
    }
  }

  @Test
  void clientKeyType_rsa_authenticates() throws Exception {
    try (MinaSshServer server = MinaSshServer.builder().clientKeyType("rsa").start();
        SshClient client = MinaClients.strictClient(server.knownHostsFile());
        ClientSession session = MinaClients.login(client, server)) {
      assertThat(Files.readString(server.clientPublicKey())).startsWith("ssh-rsa ");
      assertThat(session.isAuthenticated()).isTrue();
    }
  }

  @Test
  void clientKeyType_ed25519_worksOnlyWithAnEdDsaProvider() throws Exception {
    if (SecurityUtils.isEDDSACurveSupported()) {
      try (MinaSshServer server = MinaSshServer.builder().clientKeyType("ed25519").start();
          SshClient client = MinaClients.strictClient(server.knownHostsFile());
          ClientSession session = MinaClients.login(client, server)) {
        assertThat(Files.readString(server.clientPublicKey())).startsWith("ssh-ed25519 ");
        assertThat(session.isAuthenticated()).isTrue();
      }
    } else {
      assertThatThrownBy(() -> MinaSshServer.builder().clientKeyType("ed25519"))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("net.i2p.crypto:eddsa")
          .hasMessageContaining("use ecdsa or rsa");
    }
  }

  @Test
  void realOpenSshClient_localForward_acceptsTheKeyAndKnownHostsFiles() throws Exception {
    try (MinaSshServer server = MinaSshServer.start();
        EchoServer echo = EchoServer.start();
        OpenSshClient ssh = OpenSshClient.forwardLocal(server, echo.host(), echo.port());
        Socket socket = new Socket("127.0.0.1", ssh.localPort())) {
      socket.setSoTimeout(10_000);
      assertEchoes(socket, 50_000, 3);
      assertThat(echo.connectionCount()).isEqualTo(1);
    }
  }

  @Test
  void close_calledTwice_deletesTempDirAndFreesThePort() {
    MinaSshServer server = MinaSshServer.start();

    server.close();
    server.close();

    assertThat(server.tempDir()).doesNotExist();
    assertThat(FreePort.unused(server.port())).isTrue();
  }
}
