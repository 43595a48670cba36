package dev.portkeep.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portkeep.cli.CliRun;
import dev.portkeep.testing.EchoServer;
import dev.portkeep.testing.FreePort;
import dev.portkeep.testing.OpenSshServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code portkeep myalias} with the user's ~/.ssh/config, against real OpenSSH servers. */
@Timeout(value = 90, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class SshConfigIT {
  @TempDir Path home;

  private Path write(String relative, String text) throws IOException {
    Path file = home.resolve(relative);
    Files.createDirectories(file.getParent());
    Files.writeString(file, text);
    return file;
  }

  @Test
  void alias_withLocalForwardAndProxyJump_tunnelsThroughTheJumpHost() throws Exception {
    try (OpenSshServer jump = OpenSshServer.start();
        OpenSshServer target = OpenSshServer.start();
        EchoServer echo = EchoServer.start()) {
      target.authorize(Files.readString(jump.clientPublicKey()).strip());
      Path knownHosts =
          write(
              "kh",
              Files.readString(jump.knownHostsFile()) + Files.readString(target.knownHostsFile()));
      int port = FreePort.pick();
      write(
          ".ssh/config",
          """
          Host office
            HostName 127.0.0.1
            Port %d
            User root
            ProxyJump hop
            LocalForward 127.0.0.1:%d 127.0.0.1:%d

          Host hop
            HostName 127.0.0.1
            Port %d

          Host *
            User root
            IdentityFile %s
            UserKnownHostsFile %s
          """
              .formatted(
                  target.port(), port, echo.port(), jump.port(), jump.clientKey(), knownHosts));
      CliRun run = CliRun.start(home, "office");
      run.awaitOut(
          "forwarding 127.0.0.1:"
              + port
              + " -> 127.0.0.1:"
              + echo.port()
              + " via root@127.0.0.1:"
              + target.port(),
          Duration.ofSeconds(30));
      assertThat(EchoServer.echoesThrough(port, Duration.ofSeconds(5))).isTrue();
      assertThat(jump.log()).contains("Accepted publickey");
      assertThat(run.stop()).isZero();
    }
  }

  @Test
  void includeAndNegatedPatterns_applyAsOpenSshDoes() throws Exception {
    try (OpenSshServer sshd = OpenSshServer.start();
        EchoServer echo = EchoServer.start()) {
      int port = FreePort.pick();
      write(
          ".ssh/conf.d/tunnels.conf",
          """
          Host db-*
            LocalForward 127.0.0.1:%d 127.0.0.1:%d
          """
              .formatted(port, echo.port()));
      write(
          ".ssh/config",
          """
          Include conf.d/*.conf

          Host * !db-skip
            HostName 127.0.0.1
            Port %d
            IdentityFile %s
            UserKnownHostsFile %s
          """
              .formatted(sshd.port(), sshd.clientKey(), sshd.knownHostsFile()));
      CliRun run = CliRun.start(home, "root@db-main");
      run.awaitOut("forwarding 127.0.0.1:" + port, Duration.ofSeconds(20));
      assertThat(EchoServer.echoesThrough(port, Duration.ofSeconds(5))).isTrue();
      assertThat(run.stop()).isZero();
      // The negated pattern keeps HostName and Port away from db-skip, so it does not resolve.
      CliRun skipped = CliRun.run(home, "-o", "ConnectTimeout=3", "-L", "0:h:1", "root@db-skip");
      assertThat(skipped.exitCode()).isEqualTo(4);
      assertThat(skipped.err()).contains("db-skip");
    }
  }

  @Test
  void unknownKeyword_exit2WithFileAndLine() throws Exception {
    write(".ssh/config", "Host *\n  Port 22\n  Frobnicate yes\n");
    CliRun run = CliRun.run(home, "-L", "1:h:2", "gw");
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err())
        .contains(": line 3: Bad configuration option: Frobnicate")
        .contains("hint: ");
  }

  @Test
  void badValueInConfig_exit2NamingTheFileAndLine() throws Exception {
    write(".ssh/config", "Host gw\n  ServerAliveInterval soon\n");
    CliRun run = CliRun.run(home, "-L", "1:h:2", "gw");
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err())
        .contains("invalid value 'soon' for ServerAliveInterval at ~/.ssh/config:2");
  }

  @Test
  void badForwardInConfig_exit2NamingTheFileAndLine() throws Exception {
    write(".ssh/config", "Host gw\n  LocalForward 70000 h:1\n");
    CliRun run = CliRun.run(home, "gw");
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err())
        .contains("invalid port '70000'")
        .contains("(LocalForward at ~/.ssh/config:2)");
  }

  @Test
  void dashF_readsThatFileInsteadOfTheDefault() throws Exception {
    write(".ssh/config", "Host gw\n  Frobnicate yes\n");
    Path other = write("other.conf", "Host gw\n  LocalForward 70001 h:1\n");
    CliRun run = CliRun.run(home, "-F", other.toString(), "gw");
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("invalid port '70001'").contains("other.conf:2");
  }

  @Test
  void dashF_missingFile_exit2NamingIt() {
    CliRun run = CliRun.run(home, "-F", "/nonexistent/ssh.conf", "-L", "1:h:2", "gw");
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("/nonexistent/ssh.conf");
  }
}
