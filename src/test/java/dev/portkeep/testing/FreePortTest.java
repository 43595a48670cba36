package dev.portkeep.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FreePortTest {
  @Test
  void pick_default_givesBindablePortBelowEphemeralRange() throws Exception {
    int port = FreePort.pick();

    assertThat(port).isBetween(FreePort.LOW, FreePort.HIGH).isLessThan(32768);
    try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
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
  void canBind_portHeldByListener_isFalse() throws Exception {
    try (ServerSocket held = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      assertThat(FreePort.canBind("127.0.0.1", held.getLocalPort())).isFalse();
    }
  }
}
