package dev.portkeep.bind.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The records reject what cannot exist, and print addresses the way users write them. */
class ValuesTest {
  @Test
  void bindPoint_portAbove65535_rejectsNamingThePort() {
    assertThatThrownBy(() -> BindPoint.of(Family.INET, "127.0.0.1", 70000))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("70000");
  }

  @Test
  void bindPoint_ipv6AddressOnInetSocket_rejects() {
    assertThatThrownBy(() -> BindPoint.of(Family.INET, "::1", 80))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("INET");
  }

  @Test
  void bindPoint_mappedLiteral_staysMappedAndPrintsAsSuch() {
    BindPoint point = BindPoint.of(Family.INET6, "::ffff:127.0.0.1", 80);

    assertThat(point.isMapped()).isTrue();
    assertThat(point.isWildcard()).isFalse();
    assertThat(point).hasToString("[::ffff:127.0.0.1]:80");
  }

  @Test
  void bindPoint_ipv6Forms_printShort() {
    assertThat(BindPoint.of(Family.INET6, "::", 80)).hasToString("[::]:80");
    assertThat(BindPoint.of(Family.INET6, "[::1]", 80)).hasToString("[::1]:80");
    assertThat(BindPoint.of(Family.INET6, "fe80::1c2d:0:0:7%12", 80))
        .hasToString("[fe80::1c2d:0:0:7%12]:80");
    assertThat(BindPoint.of(Family.INET6, "2001:db8:0:0:1:0:0:1", 80))
        .hasToString("[2001:db8::1:0:0:1]:80");
  }

  @Test
  void addressLiteral_hostName_isRejectedWithoutResolving() {
    assertThatThrownBy(() -> AddressLiteral.parse("localhost"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'localhost'");
  }

  /** Found while fixing the fuzzer's digit findings: a scope past int range threw NFE. */
  @Test
  void addressLiteral_numericScopeTooLongForAnInt_isDroppedLikeANamedOne() {
    assertThat(AddressLiteral.parse("fe80::1%99999999999"))
        .isEqualTo(AddressLiteral.parse("fe80::1%eth0"));
  }

  @Test
  void addressLiteral_shortIpv4Form_isRejected() {
    assertThatThrownBy(() -> AddressLiteral.parse("127.1"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void plannedBind_unknownOption_rejects() {
    assertThatThrownBy(
            () ->
                new PlannedBind(
                    BindPoint.of(Family.INET, "127.0.0.1", 80),
                    SocketOptions.UNKNOWN,
                    new Caller(Principal.UNKNOWN, Privilege.PRIVILEGED)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("decide every option");
  }

  @Test
  void socketOptions_reuseAddrWithExclusive_rejects() {
    assertThatThrownBy(() -> SocketOptions.NONE.withReuseAddr(true).withExclusiveAddrUse(true))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("SO_EXCLUSIVEADDRUSE");
  }

  @Test
  void verdict_uncertainWithoutAssumptions_rejects() {
    assertThatThrownBy(
            () ->
                new Verdict(
                    Outcome.UNCERTAIN,
                    BindError.EADDRINUSE,
                    Rule.LISTENER_HOLDS_PORT,
                    "x",
                    List.of(),
                    List.of()))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void verdict_bindableWithError_rejects() {
    assertThatThrownBy(
            () ->
                new Verdict(
                    Outcome.BINDABLE, BindError.EACCES, Rule.PORT_FREE, "x", List.of(), List.of()))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void principal_windowsAccounts_compareIgnoringCase() {
    assertThat(
            new Principal.WindowsAccount("HOST\\Alice")
                .sameAs(new Principal.WindowsAccount("host\\alice")))
        .isEqualTo(TriState.YES);
    assertThat(Principal.UNKNOWN.sameAs(Sockets.ROOT)).isEqualTo(TriState.UNKNOWN);
  }

  @Test
  void processRef_hidden_tellsTheUserHowToSeeIt() {
    assertThat(ProcessRef.HIDDEN.describe())
        .isEqualTo("a process portkeep cannot see (run as root to name it)");
  }
}
