package dev.portkeep.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class HostCheckTest {
  private static boolean allows(String bound, String host) throws Exception {
    return new HostCheck(new InetSocketAddress(InetAddress.getByName(bound), 9723)).allows(host);
  }

  @ParameterizedTest(name = "bound to {0}, Host {1}: {2}")
  @CsvSource({
    "127.0.0.1, 127.0.0.1:9723, true",
    "127.0.0.1, localhost:9723, true",
    "127.0.0.1, LOCALHOST:9723, true",
    "127.0.0.1, 127.0.0.1:9724, false",
    "127.0.0.1, 127.0.0.1, false",
    "127.0.0.1, attacker.example:9723, false",
    "127.0.0.1, 127.0.0.2:9723, false",
    "127.0.0.1, '', false",
    "127.0.0.1, localhost:97x3, false",
    "::1, [::1]:9723, true",
    "::1, [0:0:0:0:0:0:0:1]:9723, true",
    "::1, [::1:9723, false",
    "::1, localhost:9723, true",
    "192.168.7.7, 192.168.7.7:9723, true",
    "192.168.7.7, localhost:9723, false",
    "192.168.7.7, files.example:9723, false",
    "0.0.0.0, 10.1.2.3:9723, true",
    "0.0.0.0, localhost:9723, true",
    "0.0.0.0, rebind.example:9723, false",
  })
  void allows_onlyTheBoundAddressAndLocalhostForLoopback(String bound, String host, boolean ok)
      throws Exception {
    assertThat(allows(bound, host)).isEqualTo(ok);
  }

  @ParameterizedTest(name = "no Host header")
  @CsvSource({"127.0.0.1"})
  void allows_missingHost_refused(String bound) throws Exception {
    assertThat(allows(bound, null)).isFalse();
  }
}
