package dev.portkeep.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.portkeep.smb.Dialect;
import dev.portkeep.smb.ProbeResult;
import dev.portkeep.smb.Smb2Probe;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class SambaServerIT {
  private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(5);

  @BeforeAll
  static void sambaInstalled() {
    assumeTrue(SambaServer.missing().isEmpty(), () -> SambaServer.missing().orElseThrow());
  }

  @Test
  void start_putThenGet_returnsIdenticalBytesAndTheFileLandsInTheShare() throws Exception {
    Path local = TestFiles.tempDir("portkeep-smb-it-");
    try (SambaServer server = SambaServer.start()) {
      Path upload = local.resolve("upload.bin");
      Path download = local.resolve("download.bin");
      Files.write(upload, Payloads.bytes(300_000, 7));

      server.smbclient("put " + upload + " data.bin", "get data.bin " + download).orThrow();

      assertThat(Payloads.sha256(Files.readAllBytes(download)))
          .isEqualTo(Payloads.sha256(300_000, 7));
      assertThat(Payloads.sha256(Files.readAllBytes(server.shareDir().resolve("data.bin"))))
          .isEqualTo(Payloads.sha256(300_000, 7));
      assertThat(server.port()).isBetween(FreePort.LOW, FreePort.HIGH);
      assertThat(server.share()).isEqualTo("files");
      assertThat(server.user()).isEqualTo("portkeep-smb");
    } finally {
      TestFiles.deleteTree(local);
    }
  }

  @Test
  void start_default_probeReportsSmb311WithSigningOffered() {
    try (SambaServer server = SambaServer.start()) {
      ProbeResult result = Smb2Probe.probe(server.address(), PROBE_TIMEOUT);

      assertThat(result)
          .isInstanceOfSatisfying(
              ProbeResult.Answered.class,
              a -> {
                assertThat(a.dialect()).isEqualTo(Dialect.SMB_3_1_1);
                assertThat(a.details().signingRequired())
                    .as("standalone Samba: signing offered, not required")
                    .isFalse();
                assertThat(a.details().cipher()).contains("AES-128-GCM");
              });
    }
  }

  @Test
  void start_signingMandatoryInExtraConfig_probeSeesSigningRequired() {
    try (SambaServer server =
        SambaServer.builder().extraConfig("server signing = mandatory").start()) {
      ProbeResult result = Smb2Probe.probe(server.address(), PROBE_TIMEOUT);

      assertThat(result)
          .isInstanceOfSatisfying(
              ProbeResult.Answered.class, a -> assertThat(a.details().signingRequired()).isTrue());
      assertThat(server.smbclient("ls").exitCode()).as("smbclient signs when asked to").isZero();
    }
  }

  @Test
  void start_onLoopbackAlias_listensOnThatAddressOnly() {
    try (SambaServer server =
        SambaServer.builder().listenAddress("127.0.0.5").share("docs").start()) {
      assertThat(Smb2Probe.probe(server.address(), PROBE_TIMEOUT))
          .isInstanceOf(ProbeResult.Answered.class);
      assertThat(
              Smb2Probe.probe(
                  new java.net.InetSocketAddress("127.0.0.1", server.port()), PROBE_TIMEOUT))
          .isInstanceOf(ProbeResult.Refused.class);
      assertThat(server.smbclient("ls").orThrow().stdout()).contains("blocks available");
    }
  }

  @Test
  void start_smb1Only_closesOnTheSmb2Negotiate() {
    SambaServer.Builder smb1Only =
        SambaServer.builder()
            .extraConfig("server min protocol = NT1", "server max protocol = NT1")
            .startTimeout(Duration.ofSeconds(3));

    // start() waits for an SMB2 answer, which an SMB1-only Samba never gives: it hangs up instead.
    assertThatThrownBy(smb1Only::start)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("gave no SMB2 answer")
        .hasMessageContaining("without an answer");
  }

  @Test
  void smbclient_wrongPassword_reportsLogonFailure() {
    try (SambaServer server = SambaServer.start()) {
      Command.Result result =
          smbclientAs(server, server.user() + "%wrong-" + server.password(), server.share());

      assertThat(result.exitCode()).isNotZero();
      assertThat(result.stdout() + result.stderr()).contains("NT_STATUS_LOGON_FAILURE");
    }
  }

  @Test
  void smbclient_unknownShare_reportsBadNetworkName() {
    try (SambaServer server = SambaServer.start()) {
      Command.Result result =
          smbclientAs(server, server.user() + "%" + server.password(), "nosuchshare");

      assertThat(result.exitCode()).isNotZero();
      assertThat(result.stdout() + result.stderr()).contains("NT_STATUS_BAD_NETWORK_NAME");
    }
  }

  @Test
  void smbclient_nothingListening_reportsConnectionRefused() {
    try (SambaServer server = SambaServer.start()) {
      Command.Result result = server.smbclient("127.0.0.1", FreePort.pick(), "ls");

      assertThat(result.stdout() + result.stderr()).contains("NT_STATUS_CONNECTION_REFUSED");
    }
  }

  @Test
  void close_afterShareListingStartedRpcHelpers_leavesNoProcessNoListenerNoTempDir() {
    SambaServer server = SambaServer.start();
    // Listing shares makes smbd spawn samba-dcerpcd, which detaches into a session of its own.
    Command.Result listing =
        Command.run(
                Duration.ofSeconds(60),
                SambaServer.SMBCLIENT.toString(),
                "-L",
                "//" + server.host(),
                "-p",
                Integer.toString(server.port()),
                "-U",
                server.user() + "%" + server.password(),
                "-s",
                server.tempDir().resolve("client.conf").toString())
            .orThrow();
    assertThat(listing.stdout()).contains("files", "IPC$");
    long smbd = server.pid();

    server.close();
    server.close();

    assertThat(ProcessTree.isAlive(smbd)).isFalse();
    assertThat(
            Command.run(Duration.ofSeconds(10), "pgrep", "-f", server.configFile().toString())
                .exitCode())
        .as("no process still uses %s", server.configFile())
        .isEqualTo(1);
    assertThat(Smb2Probe.probe(server.address(), PROBE_TIMEOUT))
        .isInstanceOf(ProbeResult.Refused.class);
    assertThat(server.tempDir()).doesNotExist();
  }

  @Test
  void kill_running_stopsAnsweringButKeepsTheShare() {
    try (SambaServer server = SambaServer.start()) {
      TestFiles.write(server.shareDir().resolve("kept.txt"), "kept\n");

      server.kill();

      assertThat(server.isRunning()).isFalse();
      assertThat(Smb2Probe.probe(server.address(), PROBE_TIMEOUT))
          .isInstanceOf(ProbeResult.Refused.class);
      assertThat(server.shareDir().resolve("kept.txt")).hasContent("kept");
    }
  }

  /** smbclient with the server's client config but any credentials and share. */
  private static Command.Result smbclientAs(SambaServer server, String credentials, String share) {
    return Command.run(
        Duration.ofSeconds(60),
        SambaServer.SMBCLIENT.toString(),
        "//" + server.host() + "/" + share,
        "-p",
        Integer.toString(server.port()),
        "-U",
        credentials,
        "-s",
        server.tempDir().resolve("client.conf").toString(),
        "-c",
        "ls");
  }

  @Test
  void builder_badValues_areRejectedNamingThem() {
    assertThatThrownBy(() -> SambaServer.builder().listenAddress("10.0.0.1"))
        .hasMessageContaining("loopback address only, not '10.0.0.1'");
    assertThatThrownBy(() -> SambaServer.builder().user("root")).hasMessageContaining("not 'root'");
    assertThatThrownBy(() -> SambaServer.builder().share("homes"))
        .hasMessageContaining("not 'homes'");
    assertThatThrownBy(() -> SambaServer.builder().port(70000)).hasMessageContaining("not 70000");
    assertThatThrownBy(() -> SambaServer.builder().password("")).hasMessageContaining("non-empty");
    assertThatThrownBy(() -> SambaServer.builder().startTimeout(Duration.ZERO))
        .hasMessageContaining("PT0S");
  }
}
