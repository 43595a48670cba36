package dev.portkeep.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portkeep.error.UsageException;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class DestinationTest {

  @Test
  void parse_userHostPort_splitsAllThree() {
    assertThat(Destination.parse("alice@gw.example.com:2222"))
        .isEqualTo(new Destination(Optional.of("alice"), "gw.example.com", Optional.of(2222)));
  }

  @Test
  void parse_hostOnly_hasNoUserNorPort() {
    assertThat(Destination.parse("gw"))
        .isEqualTo(new Destination(Optional.empty(), "gw", Optional.empty()));
  }

  @Test
  void parse_bracketedIpv6WithPort_isUnbracketed() {
    assertThat(Destination.parse("bob@[::1]:22"))
        .isEqualTo(new Destination(Optional.of("bob"), "::1", Optional.of(22)));
  }

  @Test
  void parse_bareIpv6_isAHostWithoutPort() {
    assertThat(Destination.parse("fd00::1").host()).isEqualTo("fd00::1");
  }

  @Test
  void parse_sshUri_isAccepted() {
    assertThat(Destination.parse("ssh://carol@host:2200"))
        .isEqualTo(new Destination(Optional.of("carol"), "host", Optional.of(2200)));
  }

  @Test
  void parse_badPort_rejectsNamingTheValue() {
    assertThatThrownBy(() -> Destination.parse("host:70000"))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining("invalid port '70000'");
  }

  @Test
  void parse_emptyUser_isRejected() {
    assertThatThrownBy(() -> Destination.parse("@host"))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining("bad destination '@host'");
  }
}
