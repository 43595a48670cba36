package dev.portkeep.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FreePortTest {
  @Test
  void pick_default_givesAPortBelowTheEphemeralRangeThatBindsWithoutReuseAddr() throws Exception {
    int port = FreePort.pick();

    assertThat(port).isBetween(FreePort.LOW, FreePort.HIGH).isLessThan(32768);
    try (ServerSocket socket = new ServerSocket()) {
      socket.setReuseAddress(false);
      socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
      assertThat(socket.getLocalPort()).isEqualTo(port);
    }
  }

  @Test
  void pick_manyTimes_neverHandsOutTheSamePortTwice() {
    Set<Integer> ports = new HashSet<>();
    for (int i = 0; i < 50; i++) {
      assertThat(ports.add(FreePort.pick())).isTrue();
    }
  }

  @Test
  void unused_portHeldByALoopbackListener_isFalse() throws Exception {
    try (ServerSocket held = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      assertThat(FreePort.unused(held.getLocalPort())).isFalse();
    }
  }

  /** The case that once failed a test: a port whose only user is a TIME_WAIT on 127.0.0.1. */
  @Test
  void unused_portWithOnlyATimeWaitLeft_isFalse() throws Exception {
    int port;
    try (ServerSocket server = new ServerSocket()) {
      server.setReuseAddress(true);
      server.bind(new InetSocketAddress("127.0.0.1", 0));
      port = server.getLocalPort();
      try (Socket client = new Socket("127.0.0.1", port);
          Socket accepted = server.accept()) {
        // The side that closes first keeps the TIME_WAIT: here the server's, on the port.
        OutputStream out = accepted.getOutputStream();
        out.write(1);
        accepted.close();
        InputStream in = client.getInputStream();
        assertThat(in.read()).isEqualTo(1);
        assertThat(in.read()).isEqualTo(-1);
      }
    }
    assertThat(FreePort.unused(port)).isFalse();
  }
}
