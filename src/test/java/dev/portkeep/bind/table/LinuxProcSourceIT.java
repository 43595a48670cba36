package dev.portkeep.bind.table;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.portkeep.bind.rules.ProcessRef;
import dev.portkeep.bind.rules.SocketEntry;
import dev.portkeep.bind.rules.TcpState;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The reader on this host's real /proc. */
class LinuxProcSourceIT {
  @BeforeEach
  void linuxOnly() {
    assumeTrue(System.getProperty("os.name").startsWith("Linux"), "needs Linux /proc");
  }

  private static String cat(String file) throws IOException, InterruptedException {
    Process cat = new ProcessBuilder("cat", file).start();
    String text = new String(cat.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
    cat.waitFor();
    return text.strip();
  }

  @Test
  void snapshot_sysctls_matchWhatCatPrints() throws Exception {
    Snapshot snapshot = new LinuxProcSource().snapshot();

    assertThat(snapshot.host().linux().unprivilegedPortStart())
        .hasValue(Integer.parseInt(cat("/proc/sys/net/ipv4/ip_unprivileged_port_start")));
    assertThat(snapshot.host().linux().ipv4NonlocalBind().name())
        .isEqualTo(cat("/proc/sys/net/ipv4/ip_nonlocal_bind").equals("0") ? "NO" : "YES");
  }

  @Test
  void snapshot_javaListener_isFoundAsDualStackAndOwnedByThisJvm() throws IOException {
    try (ServerSocketChannel server = ServerSocketChannel.open()) {
      server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      int port = ((InetSocketAddress) server.getLocalAddress()).getPort();

      SocketEntry entry =
          new LinuxProcSource()
              .snapshot().table().onPort(port).stream()
                  .filter(e -> e.state() == TcpState.LISTEN)
                  .findFirst()
                  .orElseThrow();

      assertThat(entry.local().toString()).isIn("127.0.0.1:" + port, "[::ffff:127.0.0.1]:" + port);
      assertThat(entry.process())
          .isInstanceOfSatisfying(
              ProcessRef.Seen.class,
              seen -> assertThat(seen.pid()).isEqualTo(ProcessHandle.current().pid()));
      assertThat(entry.owner()).isEqualTo(LinuxCaller.current().principal());
    }
  }
}
