package dev.portkeep.bind;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portkeep.config.AddressFamily;
import dev.portkeep.config.BindAddress;
import dev.portkeep.error.UsageException;
import java.net.StandardProtocolFamily;
import java.util.List;
import org.junit.jupiter.api.Test;

class ListenerPolicyTest {
  private static final HostStacks BOTH = new HostStacks(true, true);
  private static final HostStacks V4_ONLY = new HostStacks(true, false);

  private static List<String> plan(BindAddress bind, AddressFamily family, HostStacks host) {
    return ListenerPolicy.plan(bind, 8080, family, host).stream().map(SocketPlan::display).toList();
  }

  @Test
  void plan_loopback_isOneSocketPerFamily() {
    assertThat(plan(new BindAddress.Loopback(), AddressFamily.ANY, BOTH))
        .containsExactly("127.0.0.1:8080", "[::1]:8080");
  }

  @Test
  void plan_loopbackWithDash4_isIpv4Only() {
    assertThat(plan(new BindAddress.Loopback(), AddressFamily.INET, BOTH))
        .containsExactly("127.0.0.1:8080");
  }

  @Test
  void plan_loopbackWithDash6_isIpv6Only() {
    assertThat(plan(new BindAddress.Loopback(), AddressFamily.INET6, BOTH))
        .containsExactly("[::1]:8080");
  }

  @Test
  void plan_loopbackOnHostWithoutIpv6_isIpv4Only() {
    assertThat(plan(new BindAddress.Loopback(), AddressFamily.ANY, V4_ONLY))
        .containsExactly("127.0.0.1:8080");
  }

  @Test
  void plan_allInterfaces_isOneDualStackSocket() {
    List<SocketPlan> plans =
        ListenerPolicy.plan(new BindAddress.AllInterfaces(), 8080, AddressFamily.ANY, BOTH);
    assertThat(plans).hasSize(1);
    assertThat(plans.get(0).dualStack()).isTrue();
    assertThat(plans.get(0).display()).isEqualTo("[::]:8080 (dual-stack)");
  }

  @Test
  void plan_allInterfacesWithDash4_isIpv4Wildcard() {
    assertThat(plan(new BindAddress.AllInterfaces(), AddressFamily.INET, BOTH))
        .containsExactly("0.0.0.0:8080");
  }

  @Test
  void plan_allInterfacesWithoutIpv6_isIpv4Wildcard() {
    assertThat(plan(new BindAddress.AllInterfaces(), AddressFamily.ANY, V4_ONLY))
        .containsExactly("0.0.0.0:8080");
  }

  @Test
  void plan_ipv4Literal_isAnIpv4OnlySocket() {
    List<SocketPlan> plans =
        ListenerPolicy.plan(
            new BindAddress.Literal("127.0.0.2", AddressFamily.INET), 445, AddressFamily.ANY, BOTH);
    assertThat(plans)
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.family()).isEqualTo(StandardProtocolFamily.INET);
              assertThat(p.display()).isEqualTo("127.0.0.2:445");
            });
  }

  @Test
  void plan_ipv6Literal_isExactlyThatAddress() {
    assertThat(plan(new BindAddress.Literal("::1", AddressFamily.INET6), AddressFamily.ANY, BOTH))
        .containsExactly("[::1]:8080");
  }

  @Test
  void plan_literalOfOtherFamilyThanDash4_isRejected() {
    assertThatThrownBy(
            () ->
                plan(new BindAddress.Literal("::1", AddressFamily.INET6), AddressFamily.INET, BOTH))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining("listen address [::1] is not of the family chosen with -4");
  }

  @Test
  void plan_invalidIpv6Literal_isRejectedNamingIt() {
    assertThatThrownBy(
            () ->
                plan(
                    new BindAddress.Literal("1::2::3", AddressFamily.INET6),
                    AddressFamily.ANY,
                    BOTH))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining("bad listen address '1::2::3'");
  }

  @Test
  void plan_localhostByName_resolvesEveryAddress() {
    assertThat(plan(new BindAddress.HostName("localhost"), AddressFamily.ANY, BOTH))
        .contains("127.0.0.1:8080");
  }
}
