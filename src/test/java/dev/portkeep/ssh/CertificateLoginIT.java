package dev.portkeep.ssh;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portkeep.cli.JarRun;
import dev.portkeep.testing.Command;
import dev.portkeep.testing.EchoServer;
import dev.portkeep.testing.OpenSshServer;
import dev.portkeep.testing.SshAgent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * User certificates against a real sshd that trusts a CA (TrustedUserCAKeys) and whose
 * authorized_keys does not hold the user's key: the certificate beside the key, CertificateFile,
 * one held in the agent, and the ones the server must refuse.
 */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class CertificateLoginIT {
  @TempDir static Path ca;
  static OpenSshServer sshd;
  static EchoServer echo;
  @TempDir Path home;

  @BeforeAll
  static void start() {
    keygen(ca.resolve("user_ca"));
    sshd =
        OpenSshServer.builder()
            .extraConfig("TrustedUserCAKeys " + ca.resolve("user_ca.pub"))
            .start();
    echo = EchoServer.start();
  }

  @AfterAll
  static void stop() {
    echo.close();
    sshd.close();
  }

  private static void keygen(Path file) {
    Command.run(
            Duration.ofSeconds(30),
            "ssh-keygen",
            "-q",
            "-t",
            "ed25519",
            "-N",
            "",
            "-C",
            file.getFileName().toString(),
            "-f",
            file.toString())
        .orThrow();
  }

  /** A new key (never authorized) and its certificate, signed by {@code caKey}. */
  private Path certifiedKey(String name, Path caKey, String principal, String validity) {
    Path key = home.resolve(name);
    keygen(key);
    Command.run(
            Duration.ofSeconds(30),
            "ssh-keygen",
            "-q",
            "-s",
            caKey.toString(),
            "-I",
            name + "-id",
            "-n",
            principal,
            "-V",
            validity,
            key + ".pub")
        .orThrow();
    return key;
  }

  private JarRun run(Map<String, String> env, String... extra) {
    List<String> a = new ArrayList<>(List.of(extra));
    a.addAll(
        List.of(
            "-v",
            "-L",
            "127.0.0.1:0:127.0.0.1:" + echo.port(),
            "-p",
            String.valueOf(sshd.port()),
            "-o",
            "UserKnownHostsFile=" + sshd.knownHostsFile(),
            "-o",
            "StrictHostKeyChecking=yes",
            sshd.user() + "@127.0.0.1"));
    return JarRun.start(home, env, a.toArray(String[]::new));
  }

  @Test
  void certificateBesideTheKey_keyNotAuthorized_tunnelComesUp() throws Exception {
    Path key = certifiedKey("alice", ca.resolve("user_ca"), sshd.user(), "-5m:+1h");
    try (JarRun run = run(Map.of(), "-i", key.toString())) {
      run.await("forwarding 127.0.0.1:", Duration.ofSeconds(30));
      assertThat(run.err())
          .contains("accepted certificate " + key + "-cert.pub: ssh-ed25519-cert-v01@openssh.com")
          .contains("(ID 'alice-id', serial 0)");
      assertThat(run.stop()).isZero();
    }
  }

  @Test
  void certificateFileElsewhere_signsWithTheNamedKey() throws Exception {
    Path key = certifiedKey("bob", ca.resolve("user_ca"), sshd.user(), "-5m:+1h");
    Path moved = home.resolve("certs/bob.cert");
    Files.createDirectories(moved.getParent());
    Files.move(Path.of(key + "-cert.pub"), moved);
    try (JarRun run = run(Map.of(), "-i", key.toString(), "-o", "CertificateFile=" + moved)) {
      run.await("forwarding 127.0.0.1:", Duration.ofSeconds(30));
      assertThat(run.err()).contains("accepted certificate " + moved);
      assertThat(run.stop()).isZero();
    }
  }

  @Test
  void certificateHeldInTheAgent_noFiles_tunnelComesUp() throws Exception {
    Path key = certifiedKey("carol", ca.resolve("user_ca"), sshd.user(), "-5m:+1h");
    try (SshAgent agent = SshAgent.start()) {
      agent.add(key); // ssh-add adds carol-cert.pub with it
      assertThat(agent.publicKeys()).anyMatch(l -> l.startsWith("ssh-ed25519-cert-v01"));
      Files.delete(key);
      Files.delete(Path.of(key + "-cert.pub"));
      try (JarRun run = run(Map.of("SSH_AUTH_SOCK", agent.socket().toString()))) {
        run.await("forwarding 127.0.0.1:", Duration.ofSeconds(30));
        assertThat(run.err()).contains("accepted agent key").contains("(ID 'carol-id'");
        assertThat(run.stop()).isZero();
      }
    }
  }

  @Test
  void expiredCertificate_exits3SayingWhenItExpired() throws Exception {
    Path key = certifiedKey("dave", ca.resolve("user_ca"), sshd.user(), "20200101:20200102");
    try (JarRun run = run(Map.of(), "-i", key.toString())) {
      assertThat(run.exitCode(Duration.ofSeconds(60))).isEqualTo(3);
      assertThat(run.err())
          .contains("authentication failed for " + sshd.user() + "@127.0.0.1")
          .contains("certificate " + key + "-cert.pub")
          .contains("expired at 2020-01-02")
          .contains("hint: have the certificate signed again");
    }
  }

  @Test
  void certificateFromAnUntrustedCa_exits3NamingTheCertificate() throws Exception {
    Path otherCa = home.resolve("other_ca");
    keygen(otherCa);
    Path key = certifiedKey("eve", otherCa, sshd.user(), "-5m:+1h");
    try (JarRun run = run(Map.of(), "-i", key.toString())) {
      assertThat(run.exitCode(Duration.ofSeconds(60))).isEqualTo(3);
      assertThat(run.err())
          .contains("the server refused certificate " + key + "-cert.pub")
          .contains("hint: check that the server trusts the certificate's CA");
    }
  }

  @Test
  void certificateFileMissing_exits2NamingIt() throws Exception {
    Path key = certifiedKey("frank", ca.resolve("user_ca"), sshd.user(), "-5m:+1h");
    try (JarRun run =
        run(Map.of(), "-i", key.toString(), "-o", "CertificateFile=" + home + "/gone-cert.pub")) {
      assertThat(run.exitCode(Duration.ofSeconds(30))).isEqualTo(2);
      assertThat(run.err())
          .contains("portkeep: certificate file '" + home + "/gone-cert.pub' does not exist");
    }
  }
}
