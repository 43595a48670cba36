package dev.portkeep.bind.rules;

import static dev.portkeep.bind.rules.Sockets.NGINX;
import static dev.portkeep.bind.rules.Sockets.NOBODY_CALLER;
import static dev.portkeep.bind.rules.Sockets.ROOT;
import static dev.portkeep.bind.rules.Sockets.ROOT_CALLER;
import static dev.portkeep.bind.rules.Sockets.at;
import static dev.portkeep.bind.rules.Sockets.entry;
import static dev.portkeep.bind.rules.Sockets.plan;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** Linux rules one by one: the checks before conflicts, and honesty about unknown options. */
class LinuxRulesTest {
  private static final LinuxRules RULES = new LinuxRules();
  private static final SocketOptions JAVA = SocketOptions.NONE.withReuseAddr(true);
  private static final HostFacts HOST = HostFacts.loopbackOnly();

  private static Verdict verdict(
      SocketTable table, String literal, int port, SocketOptions o, Caller caller, HostFacts host) {
    return RULES.verdict(table, new PlannedBind(at(literal, port), o, caller), host);
  }

  /** A socket as /proc shows it: options unknown except what the address implies. */
  private static SocketEntry fromProc(String literal, TcpState state) {
    BindPoint point = at(literal, Sockets.PORT);
    TriState v6Only =
        point.isIpv4Address() ? TriState.NO : point.isWildcard() ? TriState.UNKNOWN : TriState.YES;
    SocketOptions o = new SocketOptions(v6Only, TriState.UNKNOWN, TriState.UNKNOWN, TriState.NO);
    Principal owner = state == TcpState.TIME_WAIT ? Principal.UNKNOWN : ROOT;
    return new SocketEntry(point, state, o, owner, NGINX);
  }

  @Test
  void verdict_emptyProcTable_isFreeButSaysBoundSocketsAreInvisible() {
    SocketTable table = new SocketTable(List.of(), Coverage.WITHOUT_BOUND_ONLY_SOCKETS);

    Verdict verdict = verdict(table, "127.0.0.1", 8080, JAVA, ROOT_CALLER, HOST);

    assertThat(verdict.rule()).isEqualTo(Rule.PORT_FREE);
    assertThat(verdict.assumptions()).anyMatch(a -> a.contains("bound-but-not-listening"));
  }

  @Test
  void verdict_privilegedPortWithoutCapability_refusesWithEacces() {
    Verdict verdict = verdict(SocketTable.of(), "127.0.0.1", 80, JAVA, NOBODY_CALLER, HOST);

    assertThat(verdict.error()).isEqualTo(BindError.EACCES);
    assertThat(verdict.rule()).isEqualTo(Rule.PRIVILEGED_PORT);
    assertThat(verdict.explanation()).contains("port 80").contains("CAP_NET_BIND_SERVICE");
  }

  @Test
  void verdict_portAtUnprivilegedStart_isBindable() {
    assertThat(verdict(SocketTable.of(), "127.0.0.1", 1024, JAVA, NOBODY_CALLER, HOST).isBindable())
        .isTrue();
  }

  @Test
  void verdict_privilegedPortsDisabledBySysctl_isBindable() {
    HostFacts host =
        HOST.withLinux(new LinuxSysctls(OptionalInt.of(0), TriState.NO, TriState.NO, TriState.NO));

    assertThat(verdict(SocketTable.of(), "::1", 80, JAVA, NOBODY_CALLER, host).isBindable())
        .isTrue();
  }

  @Test
  void verdict_unreadableUnprivilegedStart_isUncertainBelow1024() {
    HostFacts host =
        HOST.withLinux(
            new LinuxSysctls(OptionalInt.empty(), TriState.NO, TriState.NO, TriState.NO));

    Verdict verdict = verdict(SocketTable.of(), "127.0.0.1", 80, JAVA, NOBODY_CALLER, host);

    assertThat(verdict.outcome()).isEqualTo(Outcome.UNCERTAIN);
    assertThat(verdict.assumptions()).anyMatch(a -> a.contains("ip_unprivileged_port_start"));
  }

  @Test
  void verdict_nonLocalIpv4AddressOnPrivilegedPort_reportsAddressFirst() {
    Verdict verdict = verdict(SocketTable.of(), "198.51.100.7", 80, JAVA, NOBODY_CALLER, HOST);

    assertThat(verdict.error()).isEqualTo(BindError.EADDRNOTAVAIL);
    assertThat(verdict.explanation()).contains("198.51.100.7").contains("ip_nonlocal_bind");
  }

  @Test
  void verdict_nonLocalIpv6AddressOnPrivilegedPort_reportsPortFirst() {
    Verdict verdict = verdict(SocketTable.of(), "2001:db8::7", 80, JAVA, NOBODY_CALLER, HOST);

    assertThat(verdict.error()).isEqualTo(BindError.EACCES);
  }

  @Test
  void verdict_nonLocalAddressWithNonlocalBind_isBindableAndSaysWhy() {
    HostFacts host =
        HOST.withLinux(
            new LinuxSysctls(OptionalInt.of(1024), TriState.YES, TriState.NO, TriState.NO));

    Verdict verdict = verdict(SocketTable.of(), "198.51.100.7", 8080, JAVA, ROOT_CALLER, host);

    assertThat(verdict.isBindable()).isTrue();
    assertThat(verdict.assumptions()).anyMatch(a -> a.contains("net.ipv4.ip_nonlocal_bind"));
  }

  @Test
  void verdict_anyLoopbackAddress_isLocal() {
    assertThat(verdict(SocketTable.of(), "127.0.0.5", 8080, JAVA, ROOT_CALLER, HOST).isBindable())
        .isTrue();
  }

  @Test
  void verdict_mappedAddressOnV6OnlySocket_refusesWithEinval() {
    Verdict verdict =
        verdict(
            SocketTable.of(), "::ffff:127.0.0.1", 8080, JAVA.withV6Only(true), ROOT_CALLER, HOST);

    assertThat(verdict.error()).isEqualTo(BindError.EINVAL);
    assertThat(verdict.rule()).isEqualTo(Rule.MAPPED_ADDRESS_ON_V6ONLY);
  }

  @Test
  void verdict_linkLocalWithoutScope_refusesWithEinval() {
    Verdict verdict = verdict(SocketTable.of(), "fe80::1", 8080, JAVA, ROOT_CALLER, HOST);

    assertThat(verdict.rule()).isEqualTo(Rule.LINK_LOCAL_WITHOUT_SCOPE);
  }

  @Test
  void verdict_ipv6MissingOnHost_refusesWithEafnosupport() {
    Verdict verdict =
        verdict(
            SocketTable.of(), "::1", 8080, JAVA, ROOT_CALLER, HOST.withIpv6Present(TriState.NO));

    assertThat(verdict.error()).isEqualTo(BindError.EAFNOSUPPORT);
  }

  @Test
  void verdict_listenerWithUnknownOptions_refusesWithoutDoubtWhenPlanHasNoReusePort() {
    SocketTable table = SocketTable.of(fromProc("0.0.0.0", TcpState.LISTEN));

    Verdict verdict = verdict(table, "127.0.0.1", 8080, JAVA, ROOT_CALLER, HOST);

    assertThat(verdict.outcome()).isEqualTo(Outcome.REFUSED);
    assertThat(verdict.rule()).isEqualTo(Rule.LISTENER_HOLDS_PORT);
    assertThat(verdict.assumptions()).isEmpty();
    assertThat(verdict.explanation()).contains("nginx (pid 812)").contains("0.0.0.0:8080");
  }

  @Test
  void verdict_listenerWithUnknownReusePort_isUncertainWhenPlanSetsIt() {
    SocketTable table = SocketTable.of(fromProc("127.0.0.1", TcpState.LISTEN));

    Verdict verdict =
        verdict(table, "127.0.0.1", 8080, JAVA.withReusePort(true), ROOT_CALLER, HOST);

    assertThat(verdict.outcome()).isEqualTo(Outcome.UNCERTAIN);
    assertThat(verdict.error()).isEqualTo(BindError.EADDRINUSE);
    assertThat(verdict.assumptions())
        .anyMatch(a -> a.contains("SO_REUSEPORT"))
        .noneMatch(a -> a.contains("SO_REUSEADDR"));
  }

  @Test
  void verdict_timeWaitWithUnknownReuseAddr_isUncertainNamingTheOption() {
    SocketTable table = SocketTable.of(fromProc("127.0.0.1", TcpState.TIME_WAIT));

    Verdict verdict = verdict(table, "127.0.0.1", 8080, JAVA, ROOT_CALLER, HOST);

    assertThat(verdict.outcome()).isEqualTo(Outcome.UNCERTAIN);
    assertThat(verdict.rule()).isEqualTo(Rule.TIME_WAIT_HOLDS_PORT);
    assertThat(verdict.assumptions()).anyMatch(a -> a.contains("set SO_REUSEADDR"));
  }

  @Test
  void verdict_timeWaitWithPlanWithoutOptions_refusesWithoutDoubt() {
    SocketTable table = SocketTable.of(fromProc("127.0.0.1", TcpState.TIME_WAIT));

    Verdict verdict = verdict(table, "127.0.0.1", 8080, SocketOptions.NONE, ROOT_CALLER, HOST);

    assertThat(verdict.outcome()).isEqualTo(Outcome.REFUSED);
  }

  @Test
  void verdict_dualStackListenerWithUnknownV6Only_isUncertainForIpv4Bind() {
    SocketTable table = SocketTable.of(fromProc("::", TcpState.LISTEN));

    Verdict verdict = verdict(table, "127.0.0.1", 8080, JAVA, ROOT_CALLER, HOST);

    assertThat(verdict.outcome()).isEqualTo(Outcome.UNCERTAIN);
    assertThat(verdict.assumptions()).anyMatch(a -> a.contains("IPV6_V6ONLY"));
    assertThat(verdict.holders()).extracting(Holder::stack).containsExactly(Stack.IPV4);
  }

  @Test
  void verdict_reusePortWithUnknownCaller_isUncertainAboutTheUid() {
    SocketTable table =
        SocketTable.of(
            entry("127.0.0.1", TcpState.LISTEN, SocketOptions.NONE.withReusePort(true), ROOT));
    Caller stranger = new Caller(Principal.UNKNOWN, Privilege.PRIVILEGED);

    Verdict verdict =
        verdict(table, "127.0.0.1", 8080, SocketOptions.NONE.withReusePort(true), stranger, HOST);

    assertThat(verdict.outcome()).isEqualTo(Outcome.UNCERTAIN);
    assertThat(verdict.assumptions()).anyMatch(a -> a.contains("caller's uid"));
  }

  @Test
  void verdict_refusalAndSharer_reportsTheRefusalWithItsHolderOnly() {
    SocketEntry sharer = entry("127.0.0.1", TcpState.BOUND, JAVA, ROOT);
    SocketEntry listener = entry("0.0.0.0", TcpState.LISTEN, JAVA, ROOT);

    Verdict verdict =
        verdict(SocketTable.of(sharer, listener), "127.0.0.1", 8080, JAVA, ROOT_CALLER, HOST);

    assertThat(verdict.rule()).isEqualTo(Rule.LISTENER_HOLDS_PORT);
    assertThat(verdict.holders()).extracting(Holder::entry).containsExactly(listener);
  }

  @Test
  void verdict_boundSocketWithReuseAddr_sharesAndWarnsAboutListenOrder() {
    SocketTable table = SocketTable.of(entry("127.0.0.1", TcpState.BOUND, JAVA, ROOT));

    Verdict verdict = verdict(table, "127.0.0.1", 8080, JAVA, ROOT_CALLER, HOST);

    assertThat(verdict.rule()).isEqualTo(Rule.SHARED_BY_REUSEADDR);
    assertThat(verdict.explanation()).contains("listen() second fails");
  }

  @Test
  void verdict_portZero_isAlwaysFree() {
    SocketTable table = SocketTable.of(fromProc("0.0.0.0", TcpState.LISTEN));

    assertThat(verdict(table, "127.0.0.1", 0, JAVA, NOBODY_CALLER, HOST).isBindable()).isTrue();
  }

  @Test
  void verdict_exclusiveAddrUseOnLinux_isRejectedAsABug() {
    PlannedBind plan =
        plan("127.0.0.1", SocketOptions.NONE.withExclusiveAddrUse(true), ROOT_CALLER);

    assertThatThrownBy(() -> RULES.verdict(SocketTable.of(), plan, HOST))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("SO_EXCLUSIVEADDRUSE");
  }
}
