package dev.portkeep.reconnect;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portkeep.cli.CliRun;
import dev.portkeep.testing.EchoServer;
import dev.portkeep.testing.OpenSshServer;
import java.io.IOException;
import java.net.Socket;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code -o Sessions=N}: N SSH sessions, and forwarded connections spread across them. */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class StripedSessionsIT {
  @TempDir Path home;

  @Test
  void sessionsThree_opensThreeSessionsAndSpreadsConnectionsOverAllOfThem() throws Exception {
    try (OpenSshServer sshd = OpenSshServer.start();
        EchoServer echo = EchoServer.start()) {
      CliRun run =
          CliRun.start(
              home,
              "-o",
              "Sessions=3",
              "-L",
              "127.0.0.1:0:127.0.0.1:" + echo.port(),
              "-p",
              String.valueOf(sshd.port()),
              "-i",
              sshd.clientKey().toString(),
              "-o",
              "UserKnownHostsFile=" + sshd.knownHostsFile(),
              "root@127.0.0.1");
      String out = run.awaitOut("forwarding", Duration.ofSeconds(20));
      int port =
          Integer.parseInt(out.replaceAll("(?s).*forwarding 127\\.0\\.0\\.1:(\\d+).*", "$1"));
      assertThat(sshd.log().split("Accepted publickey", -1).length - 1).isEqualTo(3);
      List<Socket> open = new ArrayList<>();
      try {
        for (int i = 0; i < 6; i++) {
          Socket s = new Socket("127.0.0.1", port);
          s.getOutputStream().write(i);
          assertThat(s.getInputStream().read()).isEqualTo(i);
          open.add(s);
        }
        // Each sshd session process connects to the echo server for the channels it carries.
        assertThat(sshdProcessesConnectedTo(sshd, echo.port())).hasSize(3);
      } finally {
        for (Socket s : open) {
          s.close();
        }
      }
      assertThat(run.stop()).isZero();
    }
  }

  @Test
  void sessionsOutOfRange_exit2() {
    assertThat(CliRun.run(home, "-o", "Sessions=0", "-L", "1:h:2", "gw").err())
        .contains("invalid value '0' for Sessions");
    CliRun tooMany = CliRun.run(home, "-o", "Sessions=17", "-L", "1:h:2", "gw");
    assertThat(tooMany.exitCode()).isEqualTo(2);
    assertThat(tooMany.err()).contains("invalid value '17' for Sessions (at most 16)");
  }

  /** The sshd session pids holding an established connection to 127.0.0.1:{@code port}. */
  private static Set<Long> sshdProcessesConnectedTo(OpenSshServer sshd, int port)
      throws IOException {
    Set<String> inodes = new HashSet<>();
    String remote = String.format(":%04X", port);
    for (String line : Files.readAllLines(Path.of("/proc/net/tcp"))) {
      String[] f = line.trim().split("\\s+");
      if (f.length > 9 && f[2].endsWith(remote) && f[3].equals("01")) {
        inodes.add("socket:[" + f[9] + "]");
      }
    }
    Set<Long> pids = new HashSet<>();
    for (long pid : sshd.sessionPids()) {
      try (DirectoryStream<Path> fds =
          Files.newDirectoryStream(Path.of("/proc", Long.toString(pid), "fd"))) {
        for (Path fd : fds) {
          try {
            if (inodes.contains(Files.readSymbolicLink(fd).toString())) {
              pids.add(pid);
            }
          } catch (IOException gone) {
            // fd closed while we looked
          }
        }
      } catch (IOException gone) {
        // process ended while we looked
      }
    }
    return pids;
  }
}
