package dev.portkeep.ssh;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portkeep.cli.JarRun;
import dev.portkeep.testing.Command;
import dev.portkeep.testing.EchoServer;
import dev.portkeep.testing.OpenSshServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Host certificates from a real sshd (HostCertificate) checked against {@code @cert-authority}
 * lines in known_hosts, with no plain host-key line: trusted without a question when valid, exit 3
 * naming the failed check when not. sshd re-executes itself per connection, so each test signs the
 * host key anew and the next connection serves that certificate.
 */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class HostCertificateIT {
  @TempDir static Path ca;
  static OpenSshServer sshd;
  static EchoServer echo;
  @TempDir Path home;

  @BeforeAll
  static void start() {
    Command.run(
            Duration.ofSeconds(30),
            "ssh-keygen",
            "-q",
            "-t",
            "ed25519",
            "-N",
            "",
            "-C",
            "host-ca",
            "-f",
            ca.resolve("host_ca").toString())
        .orThrow();
    sshd =
        OpenSshServer.builder()
            .extraConfig("HostCertificate " + ca.resolve("served-cert.pub"))
            .start();
    echo = EchoServer.start();
  }

  @AfterAll
  static void stop() {
    echo.close();
    sshd.close();
  }

  /** Signs the server's host key as a host certificate and has sshd serve it from now on. */
  private static void serveCertificate(String principals, String validity) throws Exception {
    Path hostKey = sshd.tempDir().resolve("ssh_host_ed25519_key.pub");
    Command.run(
            Duration.ofSeconds(30),
            "ssh-keygen",
            "-q",
            "-s",
            ca.resolve("host_ca").toString(),
            "-I",
            "test-host",
            "-h",
            "-n",
            principals,
            "-V",
            validity,
            hostKey.toString())
        .orThrow();
    Files.move(
        sshd.tempDir().resolve("ssh_host_ed25519_key-cert.pub"),
        ca.resolve("served-cert.pub"),
        StandardCopyOption.REPLACE_EXISTING);
  }

  private Path knownHosts(String... extraLines) throws Exception {
    String caKey = publicKey(ca.resolve("host_ca.pub"));
    StringBuilder text = new StringBuilder();
    text.append("@cert-authority [127.0.0.1]:")
        .append(sshd.port())
        .append(' ')
        .append(caKey)
        .append('\n');
    for (String line : extraLines) {
      text.append(line.replace("CA", caKey)).append('\n');
    }
    Path file = home.resolve("known_hosts");
    Files.writeString(file, text);
    return file;
  }

  /** "type base64" of a .pub file, without its comment. */
  private static String publicKey(Path file) throws Exception {
    String[] fields = Files.readString(file).split(" ");
    return fields[0] + " " + fields[1];
  }

  private JarRun run(Path knownHosts) {
    return JarRun.start(
        home,
        Map.of(),
        "-v",
        "-L",
        "127.0.0.1:0:127.0.0.1:" + echo.port(),
        "-p",
        String.valueOf(sshd.port()),
        "-i",
        sshd.clientKey().toString(),
        "-o",
        "UserKnownHostsFile=" + knownHosts,
        "-o",
        "StrictHostKeyChecking=yes",
        sshd.user() + "@127.0.0.1");
  }

  @Test
  void validCertificate_trustedCa_noPlainKeyLine_upWithoutAQuestion() throws Exception {
    serveCertificate("127.0.0.1", "-5m:+1h");
    Path knownHosts = knownHosts();
    String before = Files.readString(knownHosts);
    try (JarRun run = run(knownHosts)) {
      run.await("forwarding 127.0.0.1:", Duration.ofSeconds(30));
      assertThat(run.err())
          .contains(
              "host certificate of [127.0.0.1]:"
                  + sshd.port()
                  + " (ID 'test-host') is signed by the CA trusted at "
                  + knownHosts
                  + ":1");
      assertThat(run.stop()).isZero();
      assertThat(Files.readString(knownHosts)).isEqualTo(before);
    }
  }

  @Test
  void certificateForAnotherName_exits3NamingTheNames() throws Exception {
    serveCertificate("web1.example", "-5m:+1h");
    try (JarRun run = run(knownHosts())) {
      assertThat(run.exitCode(Duration.ofSeconds(60))).isEqualTo(3);
      assertThat(run.err())
          .contains("portkeep: host certificate of [127.0.0.1]:" + sshd.port())
          .contains("is refused: it is for 'web1.example', not '127.0.0.1'")
          .contains("hint: connect with a name the certificate lists");
    }
  }

  @Test
  void expiredCertificate_exits3SayingWhenItExpired() throws Exception {
    serveCertificate("127.0.0.1", "20200101:20200102");
    try (JarRun run = run(knownHosts())) {
      assertThat(run.exitCode(Duration.ofSeconds(60))).isEqualTo(3);
      assertThat(run.err()).contains("is refused: it expired at 2020-01-02T");
    }
  }

  @Test
  void revokedCa_exits3SayingTheCaIsRevoked() throws Exception {
    serveCertificate("127.0.0.1", "-5m:+1h");
    try (JarRun run = run(knownHosts("@revoked * CA"))) {
      assertThat(run.exitCode(Duration.ofSeconds(60))).isEqualTo(3);
      assertThat(run.err())
          .contains("CA key of the host certificate of [127.0.0.1]:" + sshd.port())
          .contains("is marked @revoked");
    }
  }

  @Test
  void revokedHostKey_behindAValidCertificate_exits3() throws Exception {
    serveCertificate("127.0.0.1", "-5m:+1h");
    try (JarRun run = run(knownHosts("@revoked * " + sshd.hostKeyPublicLine()))) {
      assertThat(run.exitCode(Duration.ofSeconds(60))).isEqualTo(3);
      assertThat(run.err())
          .contains("portkeep: host key of [127.0.0.1]:" + sshd.port() + " is marked @revoked");
    }
  }

  @Test
  void certificateFromAnUntrustedCa_isJudgedByItsPlainKey() throws Exception {
    serveCertificate("127.0.0.1", "-5m:+1h");
    Path knownHosts = home.resolve("other_known_hosts");
    Path otherCa = home.resolve("other_ca");
    Command.run(
            Duration.ofSeconds(30),
            "ssh-keygen",
            "-q",
            "-t",
            "ed25519",
            "-N",
            "",
            "-f",
            otherCa.toString())
        .orThrow();
    Files.writeString(
        knownHosts,
        "@cert-authority * "
            + publicKey(Path.of(otherCa + ".pub"))
            + "\n"
            + sshd.knownHostsLine()
            + "\n");
    try (JarRun run = run(knownHosts)) {
      run.await("forwarding 127.0.0.1:", Duration.ofSeconds(30));
      assertThat(run.stop()).isZero();
    }
  }
}
