package dev.portkeep.bind.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Windows rules beyond the sharing tables: ranges, the kernel, what netstat hides. */
class WindowsHostRulesTest {
  private static final WindowsRules RULES = new WindowsRules();
  private static final Caller ALICE =
      new Caller(new Principal.WindowsAccount("HOST\\alice"), Privilege.UNPRIVILEGED);
  private static final ProcessRef SYSTEM = new ProcessRef.Seen(4, "System", null);
  private static final SocketOptions JAVA = SocketOptions.NONE.withExclusiveAddrUse(true);

  private static PlannedBind plan(Family family, String literal, int port, SocketOptions options) {
    return new PlannedBind(BindPoint.of(family, literal, port), options, ALICE);
  }

  /** What netstat shows: no options, no account, a pid. */
  private static SocketEntry seen(String literal, int port, TcpState state, ProcessRef process) {
    Family family = literal.contains(":") ? Family.INET6 : Family.INET;
    Principal owner = process.equals(SYSTEM) ? Principal.WindowsAccount.SYSTEM : Principal.UNKNOWN;
    return new SocketEntry(
        BindPoint.of(family, literal, port),
        state,
        SocketOptions.UNKNOWN.withReusePort(false),
        owner,
        process);
  }

  @Test
  void verdict_port445HeldBySystem_refusesWith10013EvenOnAnotherLoopbackAddress() {
    SocketTable table = SocketTable.of(seen("0.0.0.0", 445, TcpState.LISTEN, SYSTEM));

    Verdict verdict =
        RULES.verdict(table, plan(Family.INET, "127.0.0.2", 445, JAVA), HostFacts.loopbackOnly());

    assertThat(verdict.outcome()).isEqualTo(Outcome.REFUSED);
    assertThat(verdict.error()).isEqualTo(BindError.WSAEACCES);
    assertThat(verdict.rule()).isEqualTo(Rule.KERNEL_HOLDS_PORT);
    assertThat(verdict.explanation()).contains("System (pid 4)").contains("0.0.0.0:445");
    assertThat(verdict.error().javaMessage()).isEqualTo("Address already in use: bind");
  }

  @Test
  void verdict_portInDynamicExcludedRange_refusesWith10013() {
    HostFacts host =
        HostFacts.loopbackOnly()
            .withExcludedRanges(
                List.of(new ExcludedRange(Family.INET, 49709, 49808, ExclusionKind.DYNAMIC)));

    Verdict verdict =
        RULES.verdict(SocketTable.of(), plan(Family.INET, "127.0.0.1", 49750, JAVA), host);

    assertThat(verdict.error()).isEqualTo(BindError.WSAEACCES);
    assertThat(verdict.rule()).isEqualTo(Rule.EXCLUDED_PORT_RANGE);
    assertThat(verdict.explanation()).contains("49709-49808").contains("netstat shows no holder");
  }

  @Test
  void verdict_dualStackBindInIpv6OnlyExcludedRange_refusesNamingIpv6() {
    HostFacts host =
        HostFacts.loopbackOnly()
            .withExcludedRanges(
                List.of(new ExcludedRange(Family.INET6, 50000, 50000, ExclusionKind.DYNAMIC)));

    Verdict verdict = RULES.verdict(SocketTable.of(), plan(Family.INET6, "::", 50000, JAVA), host);

    assertThat(verdict.rule()).isEqualTo(Rule.EXCLUDED_PORT_RANGE);
    assertThat(verdict.explanation()).contains("IPv6 excluded range 50000-50000");
  }

  @Test
  void verdict_ipv4BindInIpv6ExcludedRange_isBindable() {
    HostFacts host =
        HostFacts.loopbackOnly()
            .withExcludedRanges(
                List.of(new ExcludedRange(Family.INET6, 50000, 50000, ExclusionKind.DYNAMIC)));

    Verdict verdict =
        RULES.verdict(SocketTable.of(), plan(Family.INET, "127.0.0.1", 50000, JAVA), host);

    assertThat(verdict.isBindable()).isTrue();
  }

  @Test
  void verdict_portInAdministeredRange_isBindableButSaysItAssumes() {
    HostFacts host =
        HostFacts.loopbackOnly()
            .withExcludedRanges(
                List.of(new ExcludedRange(Family.INET, 50000, 50059, ExclusionKind.ADMINISTERED)));

    Verdict verdict =
        RULES.verdict(SocketTable.of(), plan(Family.INET, "127.0.0.1", 50010, JAVA), host);

    assertThat(verdict.outcome()).isEqualTo(Outcome.BINDABLE);
    assertThat(verdict.assumptions()).anyMatch(a -> a.contains("administered"));
  }

  @Test
  void verdict_netstatListenerOnWildcardAndExclusivePlanOnWildcard_refusesWithoutDoubt() {
    SocketTable table =
        SocketTable.of(
            seen("0.0.0.0", 9000, TcpState.LISTEN, new ProcessRef.Seen(2200, "java.exe", null)));

    Verdict verdict =
        RULES.verdict(table, plan(Family.INET, "0.0.0.0", 9000, JAVA), HostFacts.loopbackOnly());

    assertThat(verdict.outcome()).isEqualTo(Outcome.REFUSED);
    assertThat(verdict.error()).isEqualTo(BindError.WSAEADDRINUSE);
    assertThat(verdict.assumptions()).isEmpty();
  }

  @Test
  void verdict_netstatListenerOnWildcardAndPlanOnSpecific_isUncertainNamingWhatIsUnknown() {
    SocketTable table =
        SocketTable.of(
            seen("0.0.0.0", 9000, TcpState.LISTEN, new ProcessRef.Seen(2200, "java.exe", null)));

    Verdict verdict =
        RULES.verdict(table, plan(Family.INET, "127.0.0.1", 9000, JAVA), HostFacts.loopbackOnly());

    assertThat(verdict.outcome()).isEqualTo(Outcome.UNCERTAIN);
    assertThat(verdict.assumptions())
        .anyMatch(a -> a.contains("SO_EXCLUSIVEADDRUSE") && a.contains("java.exe (pid 2200)"))
        .anyMatch(a -> a.contains("caller's account"));
  }

  @Test
  void verdict_connectionsWithoutListener_areUncertain() {
    SocketTable table =
        SocketTable.of(
            seen(
                "127.0.0.1",
                9000,
                TcpState.TIME_WAIT,
                new ProcessRef.Absent("no process: a closing connection")));

    Verdict verdict =
        RULES.verdict(table, plan(Family.INET, "127.0.0.1", 9000, JAVA), HostFacts.loopbackOnly());

    assertThat(verdict.outcome()).isEqualTo(Outcome.UNCERTAIN);
    assertThat(verdict.rule()).isEqualTo(Rule.LINGERING_CONNECTION);
    assertThat(verdict.assumptions()).anyMatch(a -> a.contains("closed listener"));
  }

  @Test
  void verdict_connectionsOfLiveListener_leaveTheListenerToDecide() {
    ProcessRef server = new ProcessRef.Seen(2200, "server.exe", null);
    SocketTable table =
        SocketTable.of(
            seen("0.0.0.0", 9000, TcpState.LISTEN, server),
            seen("127.0.0.1", 9000, TcpState.ESTABLISHED, server));

    Verdict verdict =
        RULES.verdict(table, plan(Family.INET, "0.0.0.0", 9000, JAVA), HostFacts.loopbackOnly());

    assertThat(verdict.outcome()).isEqualTo(Outcome.REFUSED);
    assertThat(verdict.holders())
        .singleElement()
        .satisfies(h -> assertThat(h.entry().state()).isEqualTo(TcpState.LISTEN));
  }

  @Test
  void verdict_addressNotOnHost_refusesWith10049() {
    Verdict verdict =
        RULES.verdict(
            SocketTable.of(),
            plan(Family.INET, "198.51.100.7", 9000, JAVA),
            HostFacts.loopbackOnly());

    assertThat(verdict.error()).isEqualTo(BindError.WSAEADDRNOTAVAIL);
    assertThat(verdict.explanation()).contains("198.51.100.7");
  }

  @Test
  void verdict_reusePortPlanned_isRejectedAsABug() {
    PlannedBind plan = plan(Family.INET, "127.0.0.1", 9000, SocketOptions.NONE.withReusePort(true));

    assertThatThrownBy(() -> RULES.verdict(SocketTable.of(), plan, HostFacts.loopbackOnly()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("SO_REUSEPORT");
  }
}
