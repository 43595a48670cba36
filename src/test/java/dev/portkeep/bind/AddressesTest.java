package dev.portkeep.bind;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AddressesTest {
  @ParameterizedTest
  @CsvSource({
    "::1, '[::1]:80'",
    "::, '[::]:80'",
    "fd00:0:0:5::1, '[fd00:0:0:5::1]:80'",
    "fd00:0:0:5:1:0:0:0, '[fd00:0:0:5:1::]:80'",
    "2001:db8:1:2:3:4:5:6, '[2001:db8:1:2:3:4:5:6]:80'",
    "127.0.0.1, '127.0.0.1:80'",
  })
  void display_writesAddressesAsUsersDo(String address, String shown) throws Exception {
    assertThat(Addresses.display(InetAddress.getByName(address), 80)).isEqualTo(shown);
  }

  @ParameterizedTest
  @CsvSource({
    "0.0.0.0, 127.0.0.1",
    "::, ::1",
    "127.0.0.5, 127.0.0.5",
    "::1, ::1",
    "192.0.2.7, 192.0.2.7",
  })
  void reachable_wildcardThroughItsFamilysLoopback_elseTheAddressItself(
      String listener, String reached) throws Exception {
    InetSocketAddress got =
        Addresses.reachable(new InetSocketAddress(InetAddress.getByName(listener), 445));
    assertThat(got.getAddress()).isEqualTo(InetAddress.getByName(reached));
    assertThat(got.getPort()).isEqualTo(445);
  }
}
