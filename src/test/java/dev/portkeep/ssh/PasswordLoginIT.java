package dev.portkeep.ssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.portkeep.cli.JarRun;
import dev.portkeep.testing.EchoServer;
import dev.portkeep.testing.MinaSshServer;
import dev.portkeep.testing.OpenSshServer;
import dev.portkeep.testing.TestUser;
import dev.portkeep.testing.Tmux;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Password and keyboard-interactive logins against real sshds, for a system user of the test's own:
 * sshd's own password check (UsePAM no) and PAM's keyboard-interactive questions. On a terminal
 * (tmux) the questions are asked; without one, BatchMode or a PasswordCommand decide.
 */
@Timeout(value = 180, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class PasswordLoginIT {
  private static final Pattern FORWARDING = Pattern.compile("forwarding 127\\.0\\.0\\.1:(\\d+) ");
  static TestUser user;
  static OpenSshServer passwordSshd;
  static OpenSshServer pamSshd;
  static EchoServer echo;
  @TempDir Path home;

  @BeforeAll
  static void start() {
    assumeTrue(TestUser.canCreate(), "needs root and useradd to give a test user a password");
    user = TestUser.create();
    passwordSshd = OpenSshServer.builder().extraConfig("PasswordAuthentication yes").start();
    pamSshd =
        OpenSshServer.builder()
            .extraConfig("UsePAM yes", "KbdInteractiveAuthentication yes")
            .start();
    echo = EchoServer.start();
  }

  @AfterAll
  static void stop() {
    if (user != null) {
      echo.close();
      pamSshd.close();
      passwordSshd.close();
      user.close();
    }
  }

  private List<String> args(OpenSshServer sshd, String... extra) {
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
            user.name() + "@127.0.0.1"));
    return a;
  }

  private Tmux onTerminal(OpenSshServer sshd, String... extra) {
    return Tmux.start(
        String.join(" ", JarRun.argv(home, args(sshd, extra).toArray(String[]::new))));
  }

  private JarRun withoutTerminal(OpenSshServer sshd, String... extra) {
    return JarRun.start(home, Map.of(), args(sshd, extra).toArray(String[]::new));
  }

  private static int forwardedPort(String output) {
    Matcher m = FORWARDING.matcher(output);
    assertThat(m.find()).as("a forwarding line in:\n%s", output).isTrue();
    return Integer.parseInt(m.group(1));
  }

  @Test
  void password_onATerminal_isAskedWithoutEcho_andTheTunnelComesUp() throws Exception {
    try (Tmux terminal = onTerminal(passwordSshd)) {
      terminal.await(user.name() + "@127.0.0.1's password:", Duration.ofSeconds(30));
      terminal.type(user.password());
      String screen = terminal.await("forwarding 127.0.0.1:", Duration.ofSeconds(30));
      assertThat(screen).doesNotContain(user.password());
      assertThat(EchoServer.echoesThrough(forwardedPort(screen), Duration.ofSeconds(10))).isTrue();
    }
  }

  @Test
  void keyboardInteractive_onATerminal_asksPamsQuestion_andTheTunnelComesUp() throws Exception {
    try (Tmux terminal = onTerminal(pamSshd)) {
      terminal.await("Password:", Duration.ofSeconds(30));
      terminal.type(user.password());
      String screen = terminal.await("forwarding 127.0.0.1:", Duration.ofSeconds(30));
      assertThat(screen)
          .doesNotContain(user.password())
          .contains("accepted keyboard-interactive typed on the terminal");
    }
  }

  @Test
  void keyboardInteractive_aQuestionMarkedForEcho_showsWhatIsTyped_theSecretOneDoesNot()
      throws Exception {
    try (MinaSshServer mina =
            MinaSshServer.builder()
                .keyboardInteractive("otp-user", "Account: ", "acct-visible", "Code: ", "code-hid")
                .start();
        Tmux terminal =
            Tmux.start(
                String.join(
                    " ",
                    JarRun.argv(
                        home,
                        "-v",
                        "-L",
                        "127.0.0.1:0:127.0.0.1:" + echo.port(),
                        "-p",
                        String.valueOf(mina.port()),
                        "-o",
                        "UserKnownHostsFile=" + mina.knownHostsFile(),
                        "-o",
                        "StrictHostKeyChecking=yes",
                        "otp-user@127.0.0.1")))) {
      terminal.await("Account:", Duration.ofSeconds(30));
      terminal.type("acct-visible");
      String asked = terminal.await("Code:", Duration.ofSeconds(30));
      assertThat(asked).contains("Account: acct-visible");
      terminal.type("code-hid");
      String screen = terminal.await("forwarding 127.0.0.1:", Duration.ofSeconds(30));
      assertThat(screen).doesNotContain("code-hid");
    }
  }

  @Test
  void wrongPassword_withOnePromptAllowed_exits3AfterOneQuestion() throws Exception {
    try (Tmux terminal = onTerminal(passwordSshd, "-o", "NumberOfPasswordPrompts=1")) {
      terminal.await("'s password:", Duration.ofSeconds(30));
      terminal.type("not the password");
      String screen = terminal.await("exit=", Duration.ofSeconds(30));
      assertThat(screen)
          .contains("exit=3")
          .contains("portkeep: authentication failed for " + user.name() + "@127.0.0.1");
      assertThat(screen.split("'s password:", -1)).hasSize(2);
    }
  }

  @Test
  void batchMode_serverOffersPassword_exits3NamingTheMethods() throws Exception {
    try (JarRun run = withoutTerminal(passwordSshd, "-o", "BatchMode=yes")) {
      assertThat(run.exitCode(Duration.ofSeconds(60))).isEqualTo(3);
      assertThat(run.err())
          .contains("the server offers publickey,password")
          .contains("the server offers password, but BatchMode forbids prompts")
          .contains("hint: use a key");
    }
  }

  @Test
  void passwordCommand_withoutATerminal_logsInByPassword() throws Exception {
    try (JarRun run =
        withoutTerminal(passwordSshd, "-o", "PasswordCommand=echo " + user.password())) {
      String output = run.await("forwarding 127.0.0.1:", Duration.ofSeconds(30));
      assertThat(EchoServer.echoesThrough(forwardedPort(output), Duration.ofSeconds(10))).isTrue();
      assertThat(run.err()).contains("accepted password from PasswordCommand");
      assertThat(run.err() + run.out()).doesNotContain(user.password());
      assertThat(run.stop()).isZero();
    }
  }

  @Test
  void passwordCommand_answersPamsKeyboardInteractiveQuestion() throws Exception {
    try (JarRun run = withoutTerminal(pamSshd, "-o", "PasswordCommand=echo " + user.password())) {
      run.await("forwarding 127.0.0.1:", Duration.ofSeconds(30));
      assertThat(run.err()).contains("accepted keyboard-interactive from PasswordCommand");
      assertThat(run.stop()).isZero();
    }
  }

  @Test
  void passwordCommand_failing_exits3WithItsStatusAndLastErrorLine() throws Exception {
    try (JarRun run =
        withoutTerminal(passwordSshd, "-o", "PasswordCommand=echo vault locked >&2; exit 7")) {
      assertThat(run.exitCode(Duration.ofSeconds(60))).isEqualTo(3);
      assertThat(run.err())
          .contains(
              "PasswordCommand 'echo vault locked >&2; exit 7' exited with status 7: vault locked")
          .contains("hint: run the PasswordCommand by hand");
    }
  }
}
