package dev.portkeep.bind;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portkeep.config.AddressFamily;
import dev.portkeep.config.BindAddress;
import dev.portkeep.error.ListenException;
import dev.portkeep.testing.FreePort;
import java.io.IOException;
import java.net.Socket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Real listeners on this Linux host: which sockets each address form opens (read back from
 * /proc/net/tcp{,6}), and that another process cannot bind over them with any address or option.
 */
class ListenersIT {
  private final Listeners listeners = Listeners.system();

  @Test
  void open_localhost_bindsIpv4AndIpv6LoopbackAsSeparateSockets() throws IOException {
    int port = FreePort.pick();
    try (Listener l = listeners.open(new BindAddress.Loopback(), port, AddressFamily.ANY, "test")) {
      assertThat(l.addresses())
          .extracting(Addresses::display)
          .containsExactly("127.0.0.1:" + port, "[::1]:" + port);
      assertThat(BindProbe.listening("/proc/net/tcp", port)).containsExactly("0100007F");
      assertThat(BindProbe.listening("/proc/net/tcp6", port))
          .containsExactly("00000000000000000000000001000000");
    }
  }

  @Test
  void open_star_bindsOneDualStackSocketThatHoldsBothStacks() throws IOException {
    int port = FreePort.pick();
    try (Listener l =
        listeners.open(new BindAddress.AllInterfaces(), port, AddressFamily.ANY, "test")) {
      assertThat(l.channels()).hasSize(1);
      assertThat(BindProbe.listening("/proc/net/tcp6", port))
          .containsExactly("00000000000000000000000000000000");
      assertThat(BindProbe.listening("/proc/net/tcp", port)).isEmpty();
      // The IPv4 side is held too: IPv4 clients get in, IPv4 binds are refused.
      try (Socket s = new Socket("127.0.0.1", port)) {
        assertThat(s.isConnected()).isTrue();
      }
      assertThat(BindProbe.otherProcessBinds("0.0.0.0", port, "reuseaddr", 0))
          .isEqualTo("EADDRINUSE");
      assertThat(BindProbe.otherProcessBinds("127.0.0.1", port, "reuseaddr", 0))
          .isEqualTo("EADDRINUSE");
    }
  }

  @Test
  void open_ipv4Address_bindsIpv4Only() throws IOException {
    int port = FreePort.pick();
    try (Listener l =
        listeners.open(
            new BindAddress.Literal("127.0.0.1", AddressFamily.INET),
            port,
            AddressFamily.ANY,
            "test")) {
      assertThat(BindProbe.listening("/proc/net/tcp", port)).containsExactly("0100007F");
      assertThat(BindProbe.listening("/proc/net/tcp6", port)).isEmpty();
      assertThat(BindProbe.otherProcessBinds("::1", port, "none", 1)).isEqualTo("OK");
    }
  }

  @Test
  void open_ipv6Address_bindsExactlyThatAddress() throws IOException {
    int port = FreePort.pick();
    try (Listener l =
        listeners.open(
            new BindAddress.Literal("::1", AddressFamily.INET6), port, AddressFamily.ANY, "test")) {
      assertThat(BindProbe.listening("/proc/net/tcp6", port))
          .containsExactly("00000000000000000000000001000000");
      assertThat(BindProbe.otherProcessBinds("127.0.0.1", port, "none", 0)).isEqualTo("OK");
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
  void open_ipv4Loopback_anotherProcessCannotBindOverIt(String address, String option, int v6only)
      throws IOException {
    int port = FreePort.pick();
    try (Listener l =
        listeners.open(
            new BindAddress.Literal("127.0.0.1", AddressFamily.INET),
            port,
            AddressFamily.ANY,
            "test")) {
      assertThat(BindProbe.otherProcessBinds(address, port, option, v6only))
          .isEqualTo("EADDRINUSE");
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
    try (Listener holder =
        listeners.open(
            new BindAddress.Literal("::1", AddressFamily.INET6),
            port,
            AddressFamily.ANY,
            "holder")) {
      assertThatThrownBy(
              () ->
                  listeners.open(
                      new BindAddress.Loopback(), port, AddressFamily.ANY, "-L " + port + ":h:80"))
          .isInstanceOf(ListenException.class)
          .hasMessageContaining("cannot listen on [::1]:" + port + " for -L " + port + ":h:80");
      // No half-bound forward: the IPv4 socket opened first was closed again.
      assertThat(BindProbe.listening("/proc/net/tcp", port)).isEmpty();
    }
  }

  @Test
  void open_dualStackWhenIpv4SideTaken_failsSayingBothStacksAreNeeded() throws IOException {
    int port = FreePort.pick();
    try (Listener holder =
        listeners.open(
            new BindAddress.Literal("127.0.0.1", AddressFamily.INET),
            port,
            AddressFamily.ANY,
            "holder")) {
      assertThatThrownBy(
              () ->
                  listeners.open(
                      new BindAddress.AllInterfaces(),
                      port,
                      AddressFamily.ANY,
                      "-L *:" + port + ":h:80"))
          .isInstanceOf(ListenException.class)
          .hasMessageContaining("[::]:" + port + " (dual-stack)")
          .hasMessageContaining("listening on 127.0.0.1:" + port)
          .satisfies(
              e ->
                  assertThat(((ListenException) e).detail())
                      .contains("[::]:" + port)
                      .contains("127.0.0.1:" + port));
    }
  }

  @Test
  void close_releasesThePortAtOnce() {
    int port = FreePort.pick();
    listeners.open(new BindAddress.Loopback(), port, AddressFamily.ANY, "first").close();
    try (Listener again =
        listeners.open(new BindAddress.Loopback(), port, AddressFamily.ANY, "second")) {
      assertThat(again.port()).isEqualTo(port);
    }
  }
}
