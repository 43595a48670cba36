package dev.portkeep.bind;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portkeep.config.AddressFamily;
import dev.portkeep.config.BindAddress;
import dev.portkeep.error.ListenException;
import dev.portkeep.testing.FreePort;
import dev.portkeep.testing.Python;
import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Real listeners on this Linux host: which sockets each address form opens (read back from
 * /proc/net/tcp{,6}), and that another process cannot bind over them with any address or option.
 */
class ListenersIT {
  private final Listeners listeners = Listeners.system();

  /** Tries a bind in another process; prints OK or the errno name. */
  private static final String TRY_BIND =
      """
      import socket, sys, errno
      fam = socket.AF_INET6 if ':' in sys.argv[1] else socket.AF_INET
      s = socket.socket(fam, socket.SOCK_STREAM)
      if sys.argv[3] == 'reuseaddr': s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
      if sys.argv[3] == 'reuseport': s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
      if fam == socket.AF_INET6: s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, int(sys.argv[4]))
      try:
          s.bind((sys.argv[1], int(sys.argv[2]))); s.listen(1); print('OK')
      except OSError as e:
          print(errno.errorcode[e.errno])
      """;

  static String otherProcessBinds(String address, int port, String option, int v6only) {
    return Python.run(TRY_BIND, address, String.valueOf(port), option, String.valueOf(v6only)).strip();
  }

  /** Listening entries for {@code port} in /proc/net/tcp or tcp6, as hex local addresses. */
  static List<String> listening(String table, int port) throws IOException {
    String hexPort = String.format("%04X", port);
    return Files.readAllLines(Path.of(table)).stream()
        .skip(1)
        .map(l -> l.trim().split("\\s+"))
        .filter(f -> f[1].endsWith(":" + hexPort) && f[3].equals("0A"))
        .map(f -> f[1].substring(0, f[1].indexOf(':')))
        .toList();
  }

  @Test
  void open_localhost_bindsIpv4AndIpv6LoopbackAsSeparateSockets() throws IOException {
    int port = FreePort.pick();
    try (Listener l = listeners.open(new BindAddress.Loopback(), port, AddressFamily.ANY, "test")) {
      assertThat(l.addresses()).extracting(Addresses::display).containsExactly("127.0.0.1:" + port, "[::1]:" + port);
      assertThat(listening("/proc/net/tcp", port)).containsExactly("0100007F");
      assertThat(listening("/proc/net/tcp6", port)).containsExactly("00000000000000000000000001000000");
    }
  }

  @Test
  void open_star_bindsOneDualStackSocketThatHoldsBothStacks() throws IOException {
    int port = FreePort.pick();
    try (Listener l = listeners.open(new BindAddress.AllInterfaces(), port, AddressFamily.ANY, "test")) {
      assertThat(l.channels()).hasSize(1);
      assertThat(listening("/proc/net/tcp6", port)).containsExactly("00000000000000000000000000000000");
      assertThat(listening("/proc/net/tcp", port)).isEmpty();
      // The IPv4 side is held too: IPv4 clients get in, IPv4 binds are refused.
      try (Socket s = new Socket("127.0.0.1", port)) {
        assertThat(s.isConnected()).isTrue();
      }
      assertThat(otherProcessBinds("0.0.0.0", port, "reuseaddr", 0)).isEqualTo("EADDRINUSE");
      assertThat(otherProcessBinds("127.0.0.1", port, "reuseaddr", 0)).isEqualTo("EADDRINUSE");
    }
  }

  @Test
  void open_ipv4Address_bindsIpv4Only() throws IOException {
    int port = FreePort.pick();
    try (Listener l = listeners.open(new BindAddress.Literal("127.0.0.1", AddressFamily.INET), port, AddressFamily.ANY, "test")) {
      assertThat(listening("/proc/net/tcp", port)).containsExactly("0100007F");
      assertThat(listening("/proc/net/tcp6", port)).isEmpty();
      assertThat(otherProcessBinds("::1", port, "none", 1)).isEqualTo("OK");
    }
  }

  @Test
  void open_ipv6Address_bindsExactlyThatAddress() throws IOException {
    int port = FreePort.pick();
    try (Listener l = listeners.open(new BindAddress.Literal("::1", AddressFamily.INET6), port, AddressFamily.ANY, "test")) {
      assertThat(listening("/proc/net/tcp6", port)).containsExactly("00000000000000000000000001000000");
      assertThat(otherProcessBinds("127.0.0.1", port, "none", 0)).isEqualTo("OK");
    }
  }

  @ParameterizedTest(name = "another process binding {0} with {1} fails")
  @CsvSource({
    "127.0.0.1, none, 0",
    "127.0.0.1, reuseaddr, 0",
    "127.0.0.1, reuseport, 0",
    "0.0.0.0, none, 0",
    "0.0.0.0, reuseaddr, 0",
    "0.0.0.0, reuseport, 0",
    "::, none, 0",
    "::, reuseaddr, 0",
    "::, reuseport, 0",
    "::ffff:127.0.0.1, reuseaddr, 0",
  })
  void open_ipv4Loopback_anotherProcessCannotBindOverIt(String address, String option, int v6only) throws IOException {
    int port = FreePort.pick();
    try (Listener l = listeners.open(new BindAddress.Literal("127.0.0.1", AddressFamily.INET), port, AddressFamily.ANY, "test")) {
      assertThat(otherProcessBinds(address, port, option, v6only)).isEqualTo("EADDRINUSE");
      try (Socket s = new Socket("127.0.0.1", port)) {
        assertThat(s.isConnected()).isTrue();
      }
    }
  }

  @Test
  void open_portZeroOnLoopback_bothFamiliesGetTheSameRealPort() {
    try (Listener l = listeners.open(new BindAddress.Loopback(), 0, AddressFamily.ANY, "test")) {
      assertThat(l.port()).isPositive();
      assertThat(l.addresses()).extracting(a -> a.getPort()).containsOnly(l.port());
      assertThat(l.addresses()).hasSize(2);
    }
  }

  @Test
  void open_ipv6SideTaken_failsWholeAndReleasesTheIpv4Side() throws IOException {
    int port = FreePort.pick();
    try (Listener holder = listeners.open(new BindAddress.Literal("::1", AddressFamily.INET6), port, AddressFamily.ANY, "holder")) {
      assertThatThrownBy(() -> listeners.open(new BindAddress.Loopback(), port, AddressFamily.ANY, "-L " + port + ":h:80"))
          .isInstanceOf(ListenException.class)
          .hasMessageContaining("cannot listen on [::1]:" + port + " for -L " + port + ":h:80");
      // No half-bound forward: the IPv4 socket opened first was closed again.
      assertThat(listening("/proc/net/tcp", port)).isEmpty();
    }
  }

  @Test
  void open_dualStackWhenIpv4SideTaken_failsSayingBothStacksAreNeeded() throws IOException {
    int port = FreePort.pick();
    try (Listener holder = listeners.open(new BindAddress.Literal("127.0.0.1", AddressFamily.INET), port, AddressFamily.ANY, "holder")) {
      assertThatThrownBy(() -> listeners.open(new BindAddress.AllInterfaces(), port, AddressFamily.ANY, "-L *:" + port + ":h:80"))
          .isInstanceOf(ListenException.class)
          .hasMessageContaining("[::]:" + port + " (dual-stack)")
          .satisfies(e -> assertThat(((ListenException) e).hint()).contains("free on both IPv4 and IPv6"));
    }
  }

  @Test
  void close_releasesThePortAtOnce() {
    int port = FreePort.pick();
    listeners.open(new BindAddress.Loopback(), port, AddressFamily.ANY, "first").close();
    try (Listener again = listeners.open(new BindAddress.Loopback(), port, AddressFamily.ANY, "second")) {
      assertThat(again.port()).isEqualTo(port);
    }
  }
}
