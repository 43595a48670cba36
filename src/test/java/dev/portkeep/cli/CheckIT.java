package dev.portkeep.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.portkeep.testing.Command;
import dev.portkeep.testing.FreePort;
import dev.portkeep.testing.TestFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code portkeep check} and -L bind failures on this host, with real holders in other processes.
 */
@Timeout(120)
class CheckIT {
  @TempDir Path home;
  private final List<Process> holders = new ArrayList<>();

  /** A python3 process listening on {@code address:port} (dual-stack when the address is "::"). */
  private long hold(String address, int port) throws IOException, InterruptedException {
    String code =
        """
        import socket, sys, time
        fam = socket.AF_INET6 if ':' in sys.argv[1] else socket.AF_INET
        s = socket.socket(fam, socket.SOCK_STREAM)
        if fam == socket.AF_INET6: s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
        s.bind((sys.argv[1], int(sys.argv[2]))); s.listen(5)
        print('ready', flush=True); time.sleep(600)
        """;
    Process p = new ProcessBuilder("python3", "-c", code, address, String.valueOf(port)).start();
    holders.add(p);
    String line = new String(p.getInputStream().readNBytes(6), StandardCharsets.US_ASCII);
    assertThat(line).isEqualTo("ready\n");
    return p.pid();
  }

  @AfterEach
  void stopHolders() throws InterruptedException {
    for (Process p : holders) {
      p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
    }
  }

  @Test
  void check_wildcardHolder_namesProcessAndPidAndSuggestsAWayOut() throws Exception {
    int port = FreePort.pick();
    long pid = hold("0.0.0.0", port);
    CliRun run = CliRun.run(home, "check", "127.0.0.2:" + port);
    assertThat(run.exitCode()).as(run.out() + run.err()).isEqualTo(5);
    assertThat(run.out())
        .contains("cannot listen on 127.0.0.2:" + port)
        .contains("held by LISTEN 0.0.0.0:" + port + ", python3 (pid " + pid + "), uid 0 (root)")
        .contains("rule LISTENER_HOLDS_PORT")
        .containsPattern("hint: the nearest free port is \\d+");
  }

  @Test
  void localForward_wildcardHolder_failsNamingProcessPidAndRule() throws Exception {
    int port = FreePort.pick();
    long pid = hold("0.0.0.0", port);
    CliRun run = CliRun.run(home, "-L", "127.0.0.2:" + port + ":fs:445", "-p", "1", "127.0.0.1");
    assertThat(run.exitCode()).as(run.err()).isEqualTo(5);
    assertThat(run.err())
        .contains(
            "portkeep: cannot listen on 127.0.0.2:"
                + port
                + " for -L 127.0.0.2:"
                + port
                + ":fs:445: Address already in use:"
                + " port held by python3 (pid "
                + pid
                + ", listening on 0.0.0.0:"
                + port
                + ") (rule LISTENER_HOLDS_PORT)")
        .containsPattern("hint: the nearest free port is \\d+");
    assertThat(run.err().lines().count()).isEqualTo(2);
  }

  @Test
  void localForwardVerbose_addsTheRuleExplanation() throws Exception {
    int port = FreePort.pick();
    hold("0.0.0.0", port);
    CliRun run =
        CliRun.run(home, "-v", "-L", "127.0.0.2:" + port + ":fs:445", "-p", "1", "127.0.0.1");
    assertThat(run.err())
        .contains(
            "  rule LISTENER_HOLDS_PORT: 127.0.0.2:"
                + port
                + " overlaps the listener on 0.0.0.0:"
                + port);
  }

  @Test
  void check_dualStackHolder_namesTheIpv6HolderForAnIpv4Address() throws Exception {
    int port = FreePort.pick();
    long pid = hold("::", port);
    CliRun run = CliRun.run(home, "check", "127.0.0.1:" + port);
    assertThat(run.exitCode()).isEqualTo(5);
    assertThat(run.out())
        .contains("held by LISTEN [::]:" + port + ", python3 (pid " + pid + ")")
        .contains("[IPV4 stack]");
  }

  @Test
  void check_loopbackHolder_offersAnotherLoopbackAddress() throws Exception {
    int port = FreePort.pick();
    hold("127.0.0.1", port);
    CliRun run = CliRun.run(home, "check", "-4", "localhost:" + port);
    assertThat(run.exitCode()).isEqualTo(5);
    assertThat(run.out())
        .contains(
            "hint: listen on another loopback address where port "
                + port
                + " is free, e.g. 127.0.0.2:"
                + port);
  }

  @Test
  void check_freePort_exits0AndSaysEverySocketBinds() {
    int port = FreePort.pick();
    CliRun run = CliRun.run(home, "check", String.valueOf(port));
    assertThat(run.exitCode()).as(run.out()).isZero();
    assertThat(run.out())
        .contains("can listen on " + port)
        .contains("127.0.0.1:" + port)
        .contains("[::1]:" + port)
        .contains("binds");
  }

  @Test
  void check_star_plansOneDualStackSocket() {
    int port = FreePort.pick();
    CliRun run = CliRun.run(home, "check", "--json", "*:" + port);
    assertThat(run.exitCode()).isZero();
    assertThat(run.out().strip())
        .startsWith("{\"verdict\":\"bindable\"")
        .contains(
            "\"family\":\"inet6\",\"address\":\"0:0:0:0:0:0:0:0\",\"port\":"
                + port
                + ",\"v6only\":false,\"reuseaddr\":true,\"reuseport\":false,\"bindable\":true,\"rule\":\"PORT_FREE\"");
  }

  @Test
  void checkJson_refused_listsHoldersWithPidProcessAndUid() throws Exception {
    int port = FreePort.pick();
    long pid = hold("127.0.0.1", port);
    CliRun run = CliRun.run(home, "check", "--json", "127.0.0.1:" + port);
    assertThat(run.exitCode()).isEqualTo(5);
    assertThat(run.out().strip())
        .startsWith("{\"verdict\":\"not bindable\"")
        .contains(
            "\"holders\":[{\"local\":\"127.0.0.1:"
                + port
                + "\",\"state\":\"LISTEN\",\"pid\":"
                + pid
                + ",\"process\":\"python3\",\"uid\":0")
        .contains("\"hints\":[\"");
    assertThat(run.out().lines().count()).isEqualTo(1);
  }

  @ParameterizedTest
  @CsvSource({
    "65536, invalid port '65536' in 'check 65536'",
    "abc, invalid port 'abc' in 'check abc'",
    "'::1:80', ambiguous IPv6 address in 'check ::1:80'",
    "'1.2.3.4:5:6', bad listen address '1.2.3.4:5:6'",
  })
  void check_badAddress_exit2WithTheSameMessagesAsDashL(String address, String message) {
    CliRun run = CliRun.run(home, "check", address);
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("portkeep: " + message).contains("hint: ");
  }

  @Test
  void check_asAnotherUser_rootsHolderIsReportedAsUnseenNotACrash() throws Exception {
    assumeTrue(isRoot(), "needs root to run portkeep as user nobody");
    int port = FreePort.pick();
    hold("127.0.0.1", port);
    Command.Result r = asNobody("check", "127.0.0.1:" + port);
    assertThat(r.exitCode()).as(r.stderr()).isEqualTo(5);
    assertThat(r.stdout())
        .contains("a process portkeep cannot see (run as root to name it)")
        .doesNotContain("Exception");
  }

  @Test
  void check_privilegedPortAsNobody_namesTheRuleAndTheWaysOut() throws Exception {
    assumeTrue(isRoot(), "needs root to run portkeep as user nobody");
    Command.Result r = asNobody("check", "-4", "127.0.0.1:81");
    assertThat(r.exitCode()).as(r.stderr()).isEqualTo(5);
    assertThat(r.stdout())
        .contains("rule PRIVILEGED_PORT")
        .contains("cap_net_bind_service")
        .contains("ip_unprivileged_port_start");
  }

  private static boolean isRoot() {
    return "root".equals(System.getProperty("user.name"));
  }

  /**
   * Runs the jar as {@code nobody}, from a copy in a folder of its own that nobody can read: the
   * clone itself may lie under a folder only root can enter (a 0700 {@code mktemp -d}, say).
   */
  private static Command.Result asNobody(String... args) throws IOException {
    Path dir = Files.createTempDirectory(Path.of("/tmp"), "pk-nobody-");
    try {
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
      Path jar = Files.copy(ProcessIT.JAR, dir.resolve("portkeep.jar"));
      Files.setPosixFilePermissions(jar, PosixFilePermissions.fromString("rw-r--r--"));
      List<String> argv =
          new ArrayList<>(
              List.of(
                  "setpriv",
                  "--reuid=nobody",
                  "--regid=nogroup",
                  "--clear-groups",
                  "--inh-caps=-all",
                  Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                  "-jar",
                  jar.toString()));
      argv.addAll(List.of(args));
      return Command.run(Duration.ofSeconds(60), dir, argv);
    } finally {
      TestFiles.deleteTree(dir);
    }
  }
}
