package dev.portkeep.smb;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SmbRouteTest {
  @Test
  void unixConnect_ipv6_smbclientTakesItBareAndTheUrlBracketed() {
    assertThat(SmbRoute.unixConnect("::1", 1445, "data", "alice"))
        .contains("smbclient //::1/data -p 1445 -U alice")
        .anyMatch(c -> c.startsWith("smb://[::1]:1445/data "));
    assertThat(SmbRoute.unixConnect("::1", 445, "data", "alice"))
        .anyMatch(c -> c.startsWith("smb://[::1]/data "));
  }

  @Test
  void unixConnect_ipv4_isWrittenAsBefore() {
    assertThat(SmbRoute.unixConnect("127.0.0.1", 1445, "share", "alice"))
        .contains("smbclient //127.0.0.1/share -p 1445 -U alice")
        .anyMatch(c -> c.startsWith("smb://127.0.0.1:1445/share "));
  }
}
