package dev.portkeep.forward;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.management.HotSpotDiagnosticMXBean;
import dev.portkeep.cli.RunningTunnel;
import dev.portkeep.testing.OpenSshServer;
import dev.portkeep.testing.TargetServer;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Which threads an open forwarded connection keeps, read from a thread dump of this JVM (the tunnel
 * runs in it), virtual threads included. On portkeep's event loops the session's loop moves the
 * bytes, and the connection's own thread only waits for the end; on MINA's NIO2 transport the pump
 * reads the local socket on a thread of its own per connection.
 */
@Timeout(120)
class ConnectionThreadsIT {
  private static final int CONNECTIONS = 4;

  @TempDir Path home;
  @TempDir Path dumps;

  @AfterEach
  void backToLoops() {
    System.clearProperty("portkeep.io");
  }

  @Test
  void loops_openConnections_noReadingThreadOfTheirOwn() throws Exception {
    List<JsonNode> threads = threadsWithConnectionsOpen();
    assertThat(named(threads, "pk-up")).isEmpty();
    assertThat(named(threads, "pk-conn")).isEmpty();
  }

  @Test
  void nio2_openConnections_aReadingThreadEach() throws Exception {
    System.setProperty("portkeep.io", "nio2");
    List<JsonNode> threads = threadsWithConnectionsOpen();
    assertThat(named(threads, "pk-up")).hasSize(CONNECTIONS);
    assertThat(named(threads, "pk-conn")).hasSize(CONNECTIONS);
  }

  /** Opens the connections, has one byte echoed through each, and dumps the threads. */
  private List<JsonNode> threadsWithConnectionsOpen() throws Exception {
    List<Socket> sockets = new ArrayList<>();
    try (OpenSshServer sshd = OpenSshServer.start();
        TargetServer echo = TargetServer.echo();
        RunningTunnel tunnel =
            RunningTunnel.start(home, sshd, "-L", "127.0.0.1:0:127.0.0.1:" + echo.port())) {
      for (int i = 0; i < CONNECTIONS; i++) {
        Socket s = new Socket("127.0.0.1", tunnel.port());
        sockets.add(s);
        s.setSoTimeout(30_000);
        s.getOutputStream().write(i);
        assertThat(s.getInputStream().read()).isEqualTo(i);
      }
      return dump();
    } finally {
      for (Socket s : sockets) {
        s.close();
      }
    }
  }

  private List<JsonNode> dump() throws IOException {
    Path file = dumps.resolve("threads-" + System.nanoTime() + ".json");
    ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class)
        .dumpThreads(file.toString(), HotSpotDiagnosticMXBean.ThreadDumpFormat.JSON);
    JsonNode root = new ObjectMapper().readTree(Files.readString(file));
    List<JsonNode> threads = new ArrayList<>();
    for (JsonNode container : root.path("threadDump").path("threadContainers")) {
      container.path("threads").forEach(threads::add);
    }
    assertThat(threads).as("threads in the dump").isNotEmpty();
    return threads;
  }

  private static List<JsonNode> named(List<JsonNode> threads, String name) {
    return threads.stream().filter(t -> t.path("name").asText().equals(name)).toList();
  }
}
