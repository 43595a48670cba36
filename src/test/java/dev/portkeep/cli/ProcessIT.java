package dev.portkeep.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portkeep.testing.Command;
import dev.portkeep.testing.EchoServer;
import dev.portkeep.testing.OpenSshServer;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The shipped jar as a real process: SIGTERM, or SIGHUP as when its terminal closes, closes the
 * listeners and exits 0.
 */
@Timeout(60)
class ProcessIT {
  static final Path JAR = Path.of("target/portkeep.jar");

  /**
   * The command that runs the built jar with {@code args}, with {@code home} as its user.home so
   * that no ~/.ssh of the machine's (config, known_hosts, keys) reaches the test.
   */
  public static List<String> command(Path home, String... args) {
    List<String> argv =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Duser.home=" + home,
                "-jar",
                JAR.toAbsolutePath().toString()));
    argv.addAll(List.of(args));
    return argv;
  }

  @TempDir Path home;

  /**
   * The tunnel command, run by coreutils' env with SIGHUP's disposition set to {@code hup}
   * ("default" or "ignore"): a process started with a signal ignored keeps it ignored, and the JVM
   * then installs no handler for it, so without this the test would depend on how the test run
   * itself was started (under nohup, SIGHUP never reaches portkeep).
   */
  private List<String> tunnel(String hup, OpenSshServer sshd, EchoServer echo) {
    List<String> argv = new ArrayList<>(List.of("env", "--" + hup + "-signal=HUP"));
    argv.addAll(
        command(
            home,
            "-N",
            "-L",
            "127.0.0.1:0:127.0.0.1:" + echo.port(),
            "-p",
            String.valueOf(sshd.port()),
            "-i",
            sshd.clientKey().toString(),
            "-o",
            "UserKnownHostsFile=" + sshd.knownHostsFile(),
            sshd.user() + "@127.0.0.1"));
    return argv;
  }

  @ParameterizedTest
  @ValueSource(strings = {"TERM", "HUP"})
  void signal_closesListenersAndExits0(String signal) throws Exception {
    try (OpenSshServer sshd = OpenSshServer.start();
        EchoServer echo = EchoServer.start()) {
      Process p =
          new ProcessBuilder(tunnel("default", sshd, echo))
              .redirectError(home.resolve("stderr").toFile())
              .start();
      try {
        expectStop(p, signal, home.resolve("stderr"));
      } finally {
        p.destroyForcibly();
      }
    }
  }

  /**
   * Started with SIGHUP ignored, as {@code nohup portkeep ...} starts it, portkeep keeps it
   * ignored, as ssh does: the terminal closing does not end the tunnel. SIGTERM still stops it.
   */
  @org.junit.jupiter.api.Test
  void sighupIgnoredAtStart_asUnderNohup_tunnelKeepsRunning() throws Exception {
    try (OpenSshServer sshd = OpenSshServer.start();
        EchoServer echo = EchoServer.start()) {
      Process p =
          new ProcessBuilder(tunnel("ignore", sshd, echo))
              .redirectError(home.resolve("stderr").toFile())
              .start();
      try {
        BufferedReader out =
            new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        int port = forwardedPort(out.readLine());
        Command.run(Duration.ofSeconds(10), "kill", "-HUP", String.valueOf(p.pid()));
        assertThat(p.waitFor(2, TimeUnit.SECONDS)).as("still running after SIGHUP").isFalse();
        try (Socket s = new Socket("127.0.0.1", port)) {
          s.getOutputStream().write(7);
          assertThat(s.getInputStream().read()).isEqualTo(7);
        }
        expectExit(p, "TERM", home.resolve("stderr"), port);
      } finally {
        p.destroyForcibly();
      }
    }
  }

  /**
   * A bad {@code -Dportkeep.io} (a developer's knob, set through PORTKEEP_JAVA_OPTS) is a usage
   * error before anything connects: one line naming the value, a hint, exit 2, no trace.
   */
  @org.junit.jupiter.api.Test
  void badSocketIoProperty_isAUsageErrorAtStart() {
    List<String> argv = command(home, "-N", "-L", "127.0.0.1:0:127.0.0.1:9", "nobody@127.0.0.1");
    argv.add(1, "-Dportkeep.io=epoll");
    Command.Result r = Command.run(Duration.ofSeconds(30), argv);
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.stderr().lines().toList())
        .containsExactly(
            "portkeep: invalid value 'epoll' for -Dportkeep.io: expected loops or nio2",
            "hint: set it in PORTKEEP_JAVA_OPTS as -Dportkeep.io=loops or nio2, or leave it out");
  }

  /**
   * Waits for the tunnel, uses it, sends SIG{@code signal}: portkeep exits 0 with the port free.
   */
  private static void expectStop(Process p, String signal, Path stderr) throws Exception {
    BufferedReader out =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    int port = forwardedPort(out.readLine());
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.getOutputStream().write(9);
      assertThat(s.getInputStream().read()).isEqualTo(9);
    }
    expectExit(p, signal, stderr, port);
  }

  /** The local port of portkeep's first line, "forwarding 127.0.0.1:PORT -> ...". */
  private static int forwardedPort(String line) {
    assertThat(line).startsWith("forwarding 127.0.0.1:");
    return Integer.parseInt(line.split(" ")[1].split(":")[1]);
  }

  /** Sends SIG{@code signal}: portkeep exits 0 within 20 s with {@code port} free. */
  private static void expectExit(Process p, String signal, Path stderr, int port) throws Exception {
    Command.run(Duration.ofSeconds(10), "kill", "-" + signal, String.valueOf(p.pid()));
    if (!p.waitFor(20, TimeUnit.SECONDS)) {
      // What it was doing instead of exiting: its threads, and what it logged.
      String threads =
          Command.run(
                  Duration.ofSeconds(20),
                  Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                  String.valueOf(p.pid()),
                  "Thread.print")
              .stdout();
      throw new AssertionError(
          "portkeep still runs 20 s after SIG"
              + signal
              + "; stderr:\n"
              + java.nio.file.Files.readString(stderr)
              + "\nthreads:\n"
              + threads);
    }
    assertThat(p.exitValue()).isZero();
    assertThat(dev.portkeep.bind.BindProbe.listening("/proc/net/tcp", port)).isEmpty();
  }
}
