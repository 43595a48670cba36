package dev.portkeep.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portkeep.bind.BindProbe;
import dev.portkeep.testing.EchoServer;
import dev.portkeep.testing.FreePort;
import dev.portkeep.testing.OpenSshServer;
import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The command line against a real OpenSSH sshd: what users see on success and on every refusal. */
@Timeout(120)
class CliServerIT {
  static OpenSshServer sshd;
  static EchoServer echo;
  @TempDir Path home;

  @BeforeAll
  static void start() {
    sshd = OpenSshServer.start();
    echo = EchoServer.start();
  }

  @AfterAll
  static void stop() {
    echo.close();
    sshd.close();
  }

  private String[] args(Path knownHosts, String strict, Path key, String... forwards) {
    List<String> a = new java.util.ArrayList<>(List.of(forwards));
    a.addAll(
        List.of(
            "-p",
            String.valueOf(sshd.port()),
            "-i",
            key.toString(),
            "-o",
            "UserKnownHostsFile=" + knownHosts,
            "-o",
            "StrictHostKeyChecking=" + strict,
            sshd.user() + "@127.0.0.1"));
    return a.toArray(String[]::new);
  }

  private static String echoOnce(Socket s, int b) throws IOException {
    s.getOutputStream().write(b);
    return String.valueOf(s.getInputStream().read());
  }

  @Test
  void run_printsOneLinePerListenerAndExits0WhenStopped() throws Exception {
    int port = FreePort.pick();
    CliRun run =
        CliRun.start(
            home,
            args(
                sshd.knownHostsFile(),
                "yes",
                sshd.clientKey(),
                "-L",
                port + ":127.0.0.1:" + echo.port()));
    run.awaitOut("forwarding [::1]", Duration.ofSeconds(20));
    String via =
        " -> 127.0.0.1:" + echo.port() + " via " + sshd.user() + "@127.0.0.1:" + sshd.port();
    assertThat(run.out())
        .contains("forwarding 127.0.0.1:" + port + via, "forwarding [::1]:" + port + via);
    try (Socket s = new Socket("::1", port)) {
      assertThat(echoOnce(s, 42)).isEqualTo("42");
    }
    assertThat(run.stop()).isZero();
    assertThat(BindProbe.listening("/proc/net/tcp", port)).isEmpty();
  }

  @Test
  void run_whileListening_otherProcessesCannotTakeThePortAndConnectionsGoOn() throws Exception {
    int port = FreePort.pick();
    CliRun run =
        CliRun.start(
            home,
            args(
                sshd.knownHostsFile(),
                "yes",
                sshd.clientKey(),
                "-L",
                "127.0.0.1:" + port + ":127.0.0.1:" + echo.port()));
    run.awaitOut("forwarding", Duration.ofSeconds(20));
    try (Socket open = new Socket("127.0.0.1", port)) {
      assertThat(echoOnce(open, 1)).isEqualTo("1");
      assertThat(BindProbe.otherProcessBinds("127.0.0.1", port, "reuseaddr", 0))
          .isEqualTo("EADDRINUSE");
      assertThat(BindProbe.otherProcessBinds("0.0.0.0", port, "reuseaddr", 0))
          .isEqualTo("EADDRINUSE");
      assertThat(BindProbe.otherProcessBinds("::", port, "reuseaddr", 0)).isEqualTo("EADDRINUSE");
      assertThat(echoOnce(open, 2)).isEqualTo("2");
      try (Socket fresh = new Socket("127.0.0.1", port)) {
        assertThat(echoOnce(fresh, 3)).isEqualTo("3");
      }
    } finally {
      assertThat(run.stop()).isZero();
    }
  }

  @Test
  void exitOnForwardFailureNo_oneListenerTaken_theOthersServe() throws Exception {
    try (java.net.ServerSocket holder =
        new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
      int free = FreePort.pick();
      CliRun run =
          CliRun.start(
              home,
              args(
                  sshd.knownHostsFile(),
                  "yes",
                  sshd.clientKey(),
                  "-o",
                  "ExitOnForwardFailure=no",
                  "-L",
                  "127.0.0.1:" + holder.getLocalPort() + ":127.0.0.1:" + echo.port(),
                  "-L",
                  "127.0.0.1:" + free + ":127.0.0.1:" + echo.port()));
      run.awaitOut("forwarding 127.0.0.1:" + free, Duration.ofSeconds(20));
      assertThat(run.out()).doesNotContain("forwarding 127.0.0.1:" + holder.getLocalPort());
      try (Socket s = new Socket("127.0.0.1", free)) {
        assertThat(echoOnce(s, 8)).isEqualTo("8");
      }
      assertThat(run.stop()).isZero();
    }
  }

  @Test
  void knownHostsHasOnlyTheServersOlderKeyType_thatKeyIsAskedForAndAccepted(@TempDir Path keys)
      throws Exception {
    Path ecdsa = CliBadInputTest.sshKeygenType(keys, "host_ecdsa", "ecdsa");
    try (OpenSshServer both = OpenSshServer.builder().extraConfig("HostKey " + ecdsa).start()) {
      Path knownHosts = home.resolve("kh_ecdsa_only");
      Files.writeString(
          knownHosts,
          "[127.0.0.1]:"
              + both.port()
              + " "
              + Files.readString(keys.resolve("host_ecdsa.pub")).strip()
              + "\n");
      CliRun run =
          CliRun.start(
              home,
              "-L",
              "127.0.0.1:0:127.0.0.1:" + echo.port(),
              "-p",
              String.valueOf(both.port()),
              "-i",
              both.clientKey().toString(),
              "-o",
              "UserKnownHostsFile=" + knownHosts,
              "-o",
              "StrictHostKeyChecking=yes",
              both.user() + "@127.0.0.1");
      run.awaitOut("forwarding", Duration.ofSeconds(20));
      assertThat(run.stop()).isZero();
    }
  }

  @Test
  void hashedKnownHosts_entryIsFoundAndTrusted() throws Exception {
    Path hashed = home.resolve("kh_hashed");
    Files.copy(sshd.knownHostsFile(), hashed);
    Process p =
        new ProcessBuilder("ssh-keygen", "-H", "-f", hashed.toString())
            .redirectErrorStream(true)
            .start();
    assertThat(p.waitFor()).isZero();
    assertThat(Files.readString(hashed)).startsWith("|1|").doesNotContain("127.0.0.1");
    CliRun run =
        CliRun.start(
            home,
            args(hashed, "yes", sshd.clientKey(), "-L", "127.0.0.1:0:127.0.0.1:" + echo.port()));
    run.awaitOut("forwarding", Duration.ofSeconds(20));
    assertThat(run.stop()).isZero();
  }

  @Test
  void unknownHostKeyUnderYes_exit3WithTypeFingerprintAndHowToTrust() throws Exception {
    Path empty = home.resolve("known_hosts");
    CliRun run = CliRun.run(home, args(empty, "yes", sshd.clientKey(), "-L", "0:127.0.0.1:1"));
    assertThat(run.exitCode()).as(run.err()).isEqualTo(3);
    assertThat(run.err())
        .contains(
            "portkeep: host key of [127.0.0.1]:"
                + sshd.port()
                + " is not known: ssh-ed25519 key SHA256:")
        .contains("hint: ")
        .contains("StrictHostKeyChecking=accept-new")
        .contains("ssh-keyscan -p " + sshd.port() + " 127.0.0.1 >> " + empty);
    assertThat(empty).doesNotExist();
  }

  @Test
  void unknownHostKeyUnderAcceptNew_addsItAndConnects() throws Exception {
    Path knownHosts = home.resolve("kh_new");
    CliRun run =
        CliRun.start(
            home,
            args(
                knownHosts,
                "accept-new",
                sshd.clientKey(),
                "-L",
                "127.0.0.1:0:127.0.0.1:" + echo.port()));
    run.awaitOut("forwarding", Duration.ofSeconds(20));
    assertThat(run.stop()).isZero();
    assertThat(Files.readString(knownHosts))
        .startsWith("[127.0.0.1]:" + sshd.port() + " " + sshd.hostKeyPublicLine().split(" ")[0]);
    // The added line is then trusted under the strictest setting.
    CliRun again =
        CliRun.start(
            home,
            args(
                knownHosts, "yes", sshd.clientKey(), "-L", "127.0.0.1:0:127.0.0.1:" + echo.port()));
    again.awaitOut("forwarding", Duration.ofSeconds(20));
    assertThat(again.stop()).isZero();
  }

  @Test
  void changedHostKeyUnderAnySetting_exit3WithBothFingerprintsAndTheLine() throws Exception {
    Path otherKey = CliBadInputTest.sshKeygen(home, "impostor", "");
    Path knownHosts = home.resolve("kh_changed");
    Files.writeString(
        knownHosts,
        "# first line\n[127.0.0.1]:"
            + sshd.port()
            + " "
            + Files.readString(otherKey.resolveSibling("impostor.pub")).strip()
            + "\n");
    for (String strict : List.of("yes", "accept-new", "no")) {
      CliRun run =
          CliRun.run(home, args(knownHosts, strict, sshd.clientKey(), "-L", "0:127.0.0.1:1"));
      assertThat(run.exitCode()).as(strict + ": " + run.err()).isEqualTo(3);
      assertThat(run.err())
          .contains(
              "portkeep: HOST KEY CHANGED for [127.0.0.1]:" + sshd.port() + ": expected SHA256:")
          .contains("(" + knownHosts + ":2), got ssh-ed25519 SHA256:")
          .contains("ssh-keygen -R '[127.0.0.1]:" + sshd.port() + "'");
    }
  }

  @Test
  void wrongCredentials_exit3NamingUserHostAndMethods() throws Exception {
    Path stranger = CliBadInputTest.sshKeygen(home, "stranger", "");
    CliRun run =
        CliRun.run(home, args(sshd.knownHostsFile(), "yes", stranger, "-L", "0:127.0.0.1:1"));
    assertThat(run.exitCode()).as(run.err()).isEqualTo(3);
    assertThat(run.err())
        .contains(
            "portkeep: authentication failed for " + sshd.user() + "@127.0.0.1:" + sshd.port())
        .contains("methods tried: publickey (1 key)");
  }

  @Test
  void nothingListeningAtTheServerAddress_exit4() {
    int closed = FreePort.pick();
    CliRun run =
        CliRun.run(
            home,
            "-L",
            "0:h:1",
            "-p",
            String.valueOf(closed),
            "-i",
            sshd.clientKey().toString(),
            "-o",
            "UserKnownHostsFile=" + sshd.knownHostsFile(),
            "127.0.0.1");
    assertThat(run.exitCode()).as(run.err()).isEqualTo(4);
    assertThat(run.err())
        .contains("portkeep: cannot reach ssh server 127.0.0.1:" + closed + ": Connection refused")
        .contains("hint: ");
  }

  @Test
  void listenPortHeldByAnotherProcess_exit5BeforeConnecting() throws Exception {
    int port = FreePort.pick();
    try (java.net.ServerSocket holder =
        new java.net.ServerSocket(port, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
      CliRun run =
          CliRun.run(
              home,
              args(sshd.knownHostsFile(), "yes", sshd.clientKey(), "-L", port + ":127.0.0.1:1"));
      assertThat(run.exitCode()).as(run.err()).isEqualTo(5);
      assertThat(run.err())
          .contains("cannot listen on 127.0.0.1:" + port + " for -L " + port + ":127.0.0.1:1");
      // All or nothing: the ::1 side was not left bound either.
      assertThat(BindProbe.listening("/proc/net/tcp6", port))
          .doesNotContain("00000000000000000000000001000000");
    }
  }
}
