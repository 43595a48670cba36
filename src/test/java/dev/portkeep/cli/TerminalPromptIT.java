package dev.portkeep.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portkeep.testing.Command;
import dev.portkeep.testing.EchoServer;
import dev.portkeep.testing.OpenSshServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The questions portkeep asks on a real terminal (tmux gives it one): with a terminal attached and
 * no StrictHostKeyChecking given, an unknown host key is asked about, as OpenSSH's "ask" does.
 */
@Timeout(value = 90, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class TerminalPromptIT {
  @TempDir Path home;
  private final String session = "pk-test-" + ThreadLocalRandom.current().nextInt(1 << 20);

  @AfterEach
  void killSession() {
    Command.run(Duration.ofSeconds(10), "tmux", "kill-session", "-t", session);
  }

  private void startInTerminal(OpenSshServer sshd, Path knownHosts, int target) {
    startInTerminal(sshd, knownHosts, target, "");
  }

  private void startInTerminal(OpenSshServer sshd, Path knownHosts, int target, String extra) {
    List<String> argv =
        ProcessIT.command(
            home,
            "-L",
            "127.0.0.1:0:127.0.0.1:" + target,
            "-p",
            String.valueOf(sshd.port()),
            "-i",
            sshd.clientKey().toString(),
            "-o",
            "UserKnownHostsFile=" + knownHosts,
            extra,
            "root@127.0.0.1");
    String cmd = String.join(" ", argv) + "; echo exit=$?; sleep 60";
    Command.run(
            Duration.ofSeconds(10),
            "tmux",
            "new-session",
            "-d",
            "-s",
            session,
            "-x",
            "220",
            "-y",
            "50",
            cmd)
        .orThrow();
  }

  private String screen() {
    return Command.run(Duration.ofSeconds(10), "tmux", "capture-pane", "-p", "-J", "-t", session)
        .stdout();
  }

  private String awaitScreen(String text) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (System.nanoTime() < deadline) {
      String s = screen();
      if (s.contains(text)) {
        return s;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("expected '" + text + "' on the terminal:\n" + screen());
  }

  private void type(String keys) {
    Command.run(Duration.ofSeconds(10), "tmux", "send-keys", "-t", session, keys, "Enter")
        .orThrow();
  }

  @Test
  void unknownHostKey_onATerminal_isAskedAboutAndYesAddsIt() throws Exception {
    try (OpenSshServer sshd = OpenSshServer.start();
        EchoServer echo = EchoServer.start()) {
      Path knownHosts = home.resolve("known_hosts");
      startInTerminal(sshd, knownHosts, echo.port());
      String asked = awaitScreen("Are you sure you want to continue connecting (yes/no)?");
      assertThat(asked)
          .contains(
              "The authenticity of host '[127.0.0.1]:" + sshd.port() + "' can't be established.")
          .contains("ssh-ed25519 key SHA256:");
      type("yes");
      awaitScreen("forwarding 127.0.0.1:");
      assertThat(Files.readString(knownHosts))
          .startsWith("[127.0.0.1]:" + sshd.port() + " ssh-ed25519 ");
    }
  }

  @Test
  void unknownHostKey_onATerminal_noRefusesWithExit3() throws Exception {
    try (OpenSshServer sshd = OpenSshServer.start()) {
      Path knownHosts = home.resolve("known_hosts");
      startInTerminal(sshd, knownHosts, 1);
      awaitScreen("(yes/no)?");
      type("no");
      String after = awaitScreen("exit=");
      assertThat(after)
          .contains("portkeep: host key of [127.0.0.1]:" + sshd.port() + " not accepted")
          .contains("exit=3");
      assertThat(knownHosts).doesNotExist();
    }
  }

  @Test
  void encryptedKey_onATerminal_asksForThePassphraseWithoutEchoingIt() throws Exception {
    try (OpenSshServer sshd =
            OpenSshServer.builder().clientKeyPassphrase("open sesame 42").start();
        EchoServer echo = EchoServer.start()) {
      startInTerminal(sshd, sshd.knownHostsFile(), echo.port(), "-o StrictHostKeyChecking=yes");
      awaitScreen("Enter passphrase for key '" + sshd.clientKey() + "':");
      type("open sesame 42");
      String after = awaitScreen("forwarding 127.0.0.1:");
      assertThat(after).doesNotContain("open sesame 42");
    }
  }
}
