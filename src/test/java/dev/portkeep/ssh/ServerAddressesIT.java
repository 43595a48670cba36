package dev.portkeep.ssh;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portkeep.testing.Command;
import dev.portkeep.testing.EchoServer;
import dev.portkeep.testing.OpenSshServer;
import dev.portkeep.testing.PortkeepProcess;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server's name resolves to an IPv4 and an IPv6 address while sshd listens on the IPv6 one only
 * (a hosts file of the test's own, through the JDK's {@code jdk.net.hosts.file}): portkeep tries
 * each address in turn as OpenSSH does, and {@code -4} / {@code -6} keep it to one family.
 */
@Timeout(120)
class ServerAddressesIT {
  private static final String NAME = "dual.portkeep.test";
  private static final Path JAR = Path.of("target", "portkeep.jar").toAbsolutePath();

  private static OpenSshServer sshd;
  private static EchoServer echo;
  @TempDir static Path dir;

  @BeforeAll
  static void start() throws Exception {
    sshd = OpenSshServer.builder().listenAddress("::1").start();
    echo = EchoServer.start();
    Files.writeString(dir.resolve("hosts"), "127.0.0.1 " + NAME + "\n::1 " + NAME + "\n");
    Files.writeString(
        dir.resolve("known_hosts"),
        "[" + NAME + "]:" + sshd.port() + " " + sshd.hostKeyPublicLine() + "\n");
  }

  @AfterAll
  static void stop() {
    if (echo != null) {
      echo.close();
    }
    if (sshd != null) {
      sshd.close();
    }
  }

  private static List<String> args(String host, String listen, String... extra) {
    List<String> args = new ArrayList<>(List.of(extra));
    args.addAll(
        List.of(
            "-N",
            "-L",
            listen + ":0:127.0.0.1:" + echo.port(),
            "-p",
            String.valueOf(sshd.port()),
            "-i",
            sshd.clientKey().toString(),
            "-o",
            "UserKnownHostsFile=" + dir.resolve("known_hosts"),
            "-o",
            "StrictHostKeyChecking=yes",
            "-o",
            "BatchMode=yes",
            "-o",
            "Reconnect=no",
            "-F",
            "none",
            sshd.user() + "@" + host));
    return args;
  }

  private static String hostsFile() {
    return "-Djdk.net.hosts.file=" + dir.resolve("hosts");
  }

  /** Runs portkeep to its exit, with the test's hosts file. */
  private static Command.Result exited(List<String> args) {
    List<String> argv =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Duser.home=" + dir,
                hostsFile(),
                "-jar",
                JAR.toString()));
    argv.addAll(args);
    return Command.run(Duration.ofSeconds(60), argv);
  }

  @Test
  void nameWithBothFamilies_theIpv4AddressRefuses_theIpv6OneCarriesTheTunnel() throws Exception {
    try (PortkeepProcess p = PortkeepProcess.start(args(NAME, "127.0.0.1"), hostsFile())) {
      try (Socket s = new Socket("127.0.0.1", p.port())) {
        OutputStream out = s.getOutputStream();
        InputStream in = s.getInputStream();
        out.write(new byte[] {4, 2});
        assertThat(in.readNBytes(2)).containsExactly(4, 2);
      }
    }
  }

  @Test
  void dashFour_neverTriesTheIpv6Address_andSaysTheServerRefused() {
    Command.Result r = exited(args(NAME, "127.0.0.1", "-4"));

    assertThat(r.exitCode()).isEqualTo(4);
    assertThat(r.stderr())
        .contains("cannot reach ssh server " + NAME + ":" + sshd.port())
        .contains("Connection refused");
  }

  @Test
  void dashSix_withAnIpv4Literal_saysThereIsNoAddressOfThatFamily() {
    Command.Result r = exited(args("127.0.0.1", "[::1]", "-6"));

    assertThat(r.exitCode()).isEqualTo(4);
    assertThat(r.stderr())
        .contains("it has no IPv6 address, and -6 allows no other")
        .contains("drop -6")
        .doesNotContain("\tat ");
  }
}
