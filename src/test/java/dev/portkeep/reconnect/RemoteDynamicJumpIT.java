package dev.portkeep.reconnect;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portkeep.cli.CliRun;
import dev.portkeep.testing.EchoServer;
import dev.portkeep.testing.OpenSshServer;
import dev.portkeep.testing.Payloads;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** -R, -D and -J through the command line, against real OpenSSH servers. */
@Timeout(value = 90, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class RemoteDynamicJumpIT {
  @TempDir Path home;

  private static String[] args(OpenSshServer sshd, String... extra) {
    List<String> a = new ArrayList<>(List.of(extra));
    a.addAll(
        List.of(
            "-p",
            String.valueOf(sshd.port()),
            "-i",
            sshd.clientKey().toString(),
            "-o",
            "UserKnownHostsFile=" + sshd.knownHostsFile(),
            sshd.user() + "@127.0.0.1"));
    return a.toArray(String[]::new);
  }

  private static byte[] echoThrough(Socket s, byte[] payload) throws Exception {
    s.setSoTimeout(20_000);
    Thread writer =
        Thread.ofVirtual()
            .start(
                () -> {
                  try {
                    s.getOutputStream().write(payload);
                  } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                  }
                });
    byte[] back = s.getInputStream().readNBytes(payload.length);
    writer.join();
    return back;
  }

  @Test
  void remotePortZero_printsThePortTheServerChoseAndCarriesData() throws Exception {
    try (OpenSshServer sshd = OpenSshServer.start();
        EchoServer echo = EchoServer.start()) {
      CliRun run = CliRun.start(home, args(sshd, "-R", "0:127.0.0.1:" + echo.port()));
      String out = run.awaitOut("forwarding remote", Duration.ofSeconds(20));
      Matcher m =
          Pattern.compile(
                  "forwarding remote localhost:(\\d+) \\(on the server\\) -> 127\\.0\\.0\\.1:"
                      + echo.port())
              .matcher(out);
      assertThat(m.find()).as(out).isTrue();
      int port = Integer.parseInt(m.group(1));
      assertThat(port).isPositive();
      byte[] payload = Payloads.bytes(4 << 20, 3);
      try (Socket s = new Socket("127.0.0.1", port)) {
        assertThat(Payloads.sha256(echoThrough(s, payload))).isEqualTo(Payloads.sha256(payload));
      }
      assertThat(run.stop()).isZero();
    }
  }

  @Test
  void remoteForwardRefusedByServer_exit5NamingTheForward() throws Exception {
    try (OpenSshServer sshd = OpenSshServer.builder().extraConfig("PermitListen none").start()) {
      CliRun run = CliRun.run(home, args(sshd, "-R", "0:127.0.0.1:1"));
      assertThat(run.exitCode()).as(run.err()).isEqualTo(5);
      assertThat(run.err())
          .contains("portkeep: the server refused -R 0:127.0.0.1:1")
          .contains("hint: ");
    }
  }

  @Test
  void dynamicForward_socks5ThroughTheCommandLine_carriesData() throws Exception {
    try (OpenSshServer sshd = OpenSshServer.start();
        EchoServer echo = EchoServer.start()) {
      CliRun run = CliRun.start(home, args(sshd, "-D", "127.0.0.1:0"));
      String out = run.awaitOut("forwarding", Duration.ofSeconds(20));
      Matcher m = Pattern.compile("forwarding 127\\.0\\.0\\.1:(\\d+) -> SOCKS via").matcher(out);
      assertThat(m.find()).as(out).isTrue();
      try (Socket s = new Socket("127.0.0.1", Integer.parseInt(m.group(1)))) {
        OutputStream o = s.getOutputStream();
        DataInputStream in = new DataInputStream(s.getInputStream());
        o.write(new byte[] {5, 1, 0});
        assertThat(in.readNBytes(2)).containsExactly(5, 0);
        byte[] host = "localhost".getBytes(StandardCharsets.US_ASCII);
        o.write(new byte[] {5, 1, 0, 3, (byte) host.length});
        o.write(host);
        o.write(new byte[] {(byte) (echo.port() >> 8), (byte) echo.port()});
        byte[] reply = in.readNBytes(10);
        assertThat(reply[1]).isZero();
        byte[] payload = Payloads.bytes(1 << 20, 9);
        assertThat(Arrays.equals(echoThrough(s, payload), payload)).isTrue();
      }
      assertThat(run.stop()).isZero();
    }
  }

  @Test
  void jumpThroughTwoRealHops_reachesTheTargetBehindTheLastServer() throws Exception {
    try (OpenSshServer jump1 = OpenSshServer.start();
        OpenSshServer jump2 = OpenSshServer.start();
        OpenSshServer last = OpenSshServer.start();
        EchoServer echo = EchoServer.start()) {
      String key = Files.readString(jump1.clientPublicKey()).strip();
      jump2.authorize(key);
      last.authorize(key);
      Path knownHosts = home.resolve("known_hosts");
      Files.writeString(
          knownHosts,
          Files.readString(jump1.knownHostsFile())
              + Files.readString(jump2.knownHostsFile())
              + Files.readString(last.knownHostsFile()));
      String hops = "root@127.0.0.1:" + jump1.port() + ",root@127.0.0.1:" + jump2.port();
      CliRun run =
          CliRun.start(
              home,
              "-J",
              hops,
              "-L",
              "127.0.0.1:0:127.0.0.1:" + echo.port(),
              "-p",
              String.valueOf(last.port()),
              "-i",
              jump1.clientKey().toString(),
              "-o",
              "UserKnownHostsFile=" + knownHosts,
              "root@127.0.0.1");
      String out = run.awaitOut("forwarding", Duration.ofSeconds(30));
      int port =
          Integer.parseInt(out.replaceAll("(?s).*forwarding 127\\.0\\.0\\.1:(\\d+).*", "$1"));
      try (Socket s = new Socket("127.0.0.1", port)) {
        byte[] payload = Payloads.bytes(256 * 1024, 4);
        assertThat(Arrays.equals(echoThrough(s, payload), payload)).isTrue();
      }
      // Each hop authenticated the same key: the route really went through all three servers.
      assertThat(jump1.log()).contains("Accepted publickey");
      assertThat(jump2.log()).contains("Accepted publickey");
      assertThat(last.log()).contains("Accepted publickey");
      assertThat(run.stop()).isZero();
    }
  }

  @Test
  void jumpHostWithUnknownKey_exit3NamingThatHop() throws Exception {
    try (OpenSshServer jump = OpenSshServer.start();
        OpenSshServer last = OpenSshServer.start()) {
      last.authorize(Files.readString(jump.clientPublicKey()).strip());
      CliRun run =
          CliRun.run(
              home,
              "-J",
              "root@127.0.0.1:" + jump.port(),
              "-L",
              "0:h:1",
              "-p",
              String.valueOf(last.port()),
              "-i",
              jump.clientKey().toString(),
              "-o",
              "UserKnownHostsFile=" + last.knownHostsFile(),
              "root@127.0.0.1");
      assertThat(run.exitCode()).as(run.err()).isEqualTo(3);
      assertThat(run.err()).contains("host key of [127.0.0.1]:" + jump.port() + " is not known");
    }
  }
}
