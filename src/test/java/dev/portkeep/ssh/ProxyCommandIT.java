package dev.portkeep.ssh;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portkeep.cli.JarRun;
import dev.portkeep.testing.EchoServer;
import dev.portkeep.testing.OpenSshServer;
import dev.portkeep.testing.ProcessTree;
import dev.portkeep.testing.Python;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * ProxyCommand against a real sshd, through a relay process that copies its standard input and
 * output to 127.0.0.1:port, so the host name portkeep is given need not resolve: a new relay per
 * connection, reconnects through a new one, none left behind.
 */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ProxyCommandIT {
  private static final Pattern FORWARDING = Pattern.compile("forwarding 127\\.0\\.0\\.1:(\\d+) ");
  private static final String NOWHERE = "db.nowhere.invalid";
  private static final String RELAY =
      """
      import os, socket, sys, threading
      s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
      def up():
          while True:
              data = os.read(0, 65536)
              if not data:
                  s.shutdown(socket.SHUT_WR)
                  return
              s.sendall(data)
      threading.Thread(target=up, daemon=True).start()
      while True:
          data = s.recv(65536)
          if not data:
              break
          os.write(1, data)
      """;

  static String python;
  @TempDir Path home;

  @BeforeAll
  static void findPython() {
    python = Python.run("import sys; print(sys.executable)").strip();
  }

  private Path relay() throws IOException {
    Path script = home.resolve("relay.py");
    Files.writeString(script, RELAY);
    return script;
  }

  /** known_hosts naming the server by the name portkeep is given, as ssh does with ProxyCommand. */
  private Path knownHosts(OpenSshServer sshd, String name) throws IOException {
    Path file = home.resolve("known_hosts");
    Files.writeString(
        file, "[" + name + "]:" + sshd.port() + " " + sshd.hostKeyPublicLine() + "\n");
    return file;
  }

  private JarRun run(OpenSshServer sshd, EchoServer echo, Path knownHosts, String... extra) {
    List<String> a = new ArrayList<>(List.of(extra));
    a.addAll(
        List.of(
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
            "StrictHostKeyChecking=yes"));
    return JarRun.start(home, Map.of(), a.toArray(String[]::new));
  }

  private static int forwardedPort(String output) {
    Matcher m = FORWARDING.matcher(output);
    assertThat(m.find()).as("a forwarding line in:\n%s", output).isTrue();
    return Integer.parseInt(m.group(1));
  }

  /** The relay processes below portkeep's process (not the shells that started them). */
  private static List<Long> relays(long portkeep) {
    return ProcessTree.descendants(portkeep).stream()
        .filter(
            pid ->
                commandLine(pid).startsWith(python + " ") && commandLine(pid).contains("relay.py"))
        .toList();
  }

  private static String commandLine(long pid) {
    try {
      return Files.readString(Path.of("/proc", Long.toString(pid), "cmdline")).replace('\0', ' ');
    } catch (IOException gone) {
      return "";
    }
  }

  @Test
  void relayToAHostNameThatDoesNotResolve_carriesData_andLeavesNoProcessBehind() throws Exception {
    try (OpenSshServer sshd = OpenSshServer.start();
        EchoServer echo = EchoServer.start();
        JarRun run =
            run(
                sshd,
                echo,
                knownHosts(sshd, NOWHERE),
                "-o",
                "ProxyCommand=" + python + " " + relay() + " %p",
                "root@" + NOWHERE)) {
      String output = run.await("forwarding 127.0.0.1:", Duration.ofSeconds(30));
      assertThat(EchoServer.echoesThrough(forwardedPort(output), Duration.ofSeconds(10))).isTrue();
      List<Long> relays = relays(run.pid());
      assertThat(relays).hasSize(1);
      assertThat(run.stop()).isZero();
      assertThat(ProcessTree.awaitDeath(relays, Duration.ofSeconds(5))).isTrue();
    }
  }

  @Test
  void sshdKilledAndRestarted_reconnectsThroughANewProxyCommand() throws Exception {
    try (OpenSshServer sshd = OpenSshServer.start();
        EchoServer echo = EchoServer.start();
        JarRun run =
            run(
                sshd,
                echo,
                knownHosts(sshd, NOWHERE),
                "-o",
                "ProxyCommand=" + python + " " + relay() + " %p",
                "root@" + NOWHERE)) {
      int port = forwardedPort(run.await("forwarding 127.0.0.1:", Duration.ofSeconds(30)));
      List<Long> first = relays(run.pid());
      assertThat(first).hasSize(1);
      sshd.kill();
      run.await("lost the session to root@" + NOWHERE, Duration.ofSeconds(30));
      sshd.restart();
      run.await("reconnected to root@" + NOWHERE, Duration.ofSeconds(60));
      assertThat(EchoServer.echoesThrough(port, Duration.ofSeconds(10))).isTrue();
      List<Long> now = relays(run.pid());
      assertThat(now).hasSize(1).doesNotContainAnyElementsOf(first);
      assertThat(first).noneMatch(ProcessTree::isAlive);
      assertThat(run.stop()).isZero();
      assertThat(ProcessTree.awaitDeath(now, Duration.ofSeconds(5))).isTrue();
    }
  }

  @Test
  void proxyCommandNotFound_exits4WithItsStatusAndLastErrorLine() throws Exception {
    try (OpenSshServer sshd = OpenSshServer.start();
        EchoServer echo = EchoServer.start();
        JarRun run =
            run(
                sshd,
                echo,
                knownHosts(sshd, NOWHERE),
                "-o",
                "ProxyCommand=no-such-relay-command %h %p",
                "root@" + NOWHERE)) {
      assertThat(run.exitCode(Duration.ofSeconds(60))).isEqualTo(4);
      assertThat(run.err())
          .contains(
              "portkeep: cannot reach ssh server "
                  + NOWHERE
                  + ":"
                  + sshd.port()
                  + " through ProxyCommand 'no-such-relay-command "
                  + NOWHERE
                  + " "
                  + sshd.port()
                  + "': exited with status 127: ")
          .contains("not found")
          .contains("hint: run the ProxyCommand by hand");
      assertThat(run.err().lines().filter(l -> l.startsWith("portkeep: "))).hasSize(1);
    }
  }

  @Test
  void proxyCommandNoneOnTheCommandLine_beatsTheConfigFile() throws Exception {
    Files.createDirectories(home.resolve(".ssh"));
    Files.writeString(home.resolve(".ssh/config"), "Host *\n  ProxyCommand false\n");
    try (OpenSshServer sshd = OpenSshServer.start();
        EchoServer echo = EchoServer.start();
        JarRun run =
            run(sshd, echo, sshd.knownHostsFile(), "-o", "ProxyCommand=none", "root@127.0.0.1")) {
      run.await("forwarding 127.0.0.1:", Duration.ofSeconds(30));
      assertThat(relays(run.pid())).isEmpty();
      assertThat(run.stop()).isZero();
    }
  }

  @Test
  void jumpHostWhoseHostBlockHasAProxyCommand_isReachedThroughIt() throws Exception {
    try (OpenSshServer jump = OpenSshServer.start();
        OpenSshServer target = OpenSshServer.start();
        EchoServer echo = EchoServer.start()) {
      target.authorize(Files.readString(jump.clientPublicKey()).strip());
      Files.createDirectories(home.resolve(".ssh"));
      Files.writeString(
          home.resolve(".ssh/config"),
          """
          Host bastion
            HostName bastion.nowhere.invalid
            Port %d
            User root
            IdentityFile %s
            ProxyCommand %s %s %%p
          """
              .formatted(jump.port(), jump.clientKey(), python, relay()));
      Path knownHosts = home.resolve("kh");
      Files.writeString(
          knownHosts,
          "[bastion.nowhere.invalid]:"
              + jump.port()
              + " "
              + jump.hostKeyPublicLine()
              + "\n"
              + target.knownHostsLine()
              + "\n");
      try (JarRun run =
          run(
              target,
              echo,
              knownHosts,
              "-J",
              "bastion",
              "-i",
              jump.clientKey().toString(),
              "root@127.0.0.1")) {
        String output = run.await("forwarding 127.0.0.1:", Duration.ofSeconds(30));
        assertThat(EchoServer.echoesThrough(forwardedPort(output), Duration.ofSeconds(10)))
            .isTrue();
        assertThat(relays(run.pid())).hasSize(1);
        assertThat(run.stop()).isZero();
      }
    }
  }
}
