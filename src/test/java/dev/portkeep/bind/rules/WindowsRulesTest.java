package dev.portkeep.bind.rules;

import static dev.portkeep.bind.rules.Sockets.PORT;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/** Every cell of Microsoft's tables B and C, on both stacks, through the whole model. */
class WindowsRulesTest {
  // Copied from "Using SO_REUSEADDR and SO_EXCLUSIVEADDRUSE" (Server 2003 and later).
  // Rows: first bind; columns: second bind, in the order of HEADS.
  private static final String[] HEADS = {
    "Default/Wildcard",
    "Default/Specific",
    "SO_REUSEADDR/Wildcard",
    "SO_REUSEADDR/Specific",
    "SO_EXCLUSIVEADDRUSE/Wildcard",
    "SO_EXCLUSIVEADDRUSE/Specific"
  };
  private static final String[][] TABLE_B = {
    {"INUSE", "Success", "ACCESS", "Success", "INUSE", "Success"},
    {"Success", "INUSE", "Success", "ACCESS", "INUSE", "INUSE"},
    {"INUSE", "Success", "Success", "Success", "INUSE", "Success"},
    {"Success", "INUSE", "Success", "Success", "INUSE", "INUSE"},
    {"INUSE", "ACCESS", "ACCESS", "ACCESS", "INUSE", "ACCESS"},
    {"Success", "INUSE", "Success", "ACCESS", "INUSE", "INUSE"},
  };
  private static final String[][] TABLE_C = {
    {"INUSE", "ACCESS", "ACCESS", "ACCESS", "INUSE", "ACCESS"},
    {"Success", "INUSE", "Success", "ACCESS", "INUSE", "INUSE"},
    {"INUSE", "ACCESS", "Success", "Success", "INUSE", "ACCESS"},
    {"Success", "INUSE", "Success", "Success", "INUSE", "INUSE"},
    {"INUSE", "ACCESS", "ACCESS", "ACCESS", "INUSE", "ACCESS"},
    {"Success", "INUSE", "Success", "ACCESS", "INUSE", "INUSE"},
  };
  private static final Principal ALICE = new Principal.WindowsAccount("HOST\\alice");
  private static final Principal BOB = new Principal.WindowsAccount("HOST\\bob");
  private static final WindowsRules RULES = new WindowsRules();

  static Stream<Arguments> cells() {
    List<Arguments> cases = new ArrayList<>();
    for (String stack : List.of("IPv4", "IPv6")) {
      for (int row = 0; row < 6; row++) {
        for (int col = 0; col < 6; col++) {
          cases.add(Arguments.of("B", stack, HEADS[row], HEADS[col], TABLE_B[row][col]));
          cases.add(Arguments.of("C", stack, HEADS[row], HEADS[col], TABLE_C[row][col]));
        }
      }
    }
    return cases.stream();
  }

  @ParameterizedTest(name = "table {0} on {1}: first {2}, second {3} -> {4}")
  @MethodSource("cells")
  void verdict_tableCell_matchesMicrosoft(
      String table, String stack, String first, String second, String expected) {
    SocketEntry holder =
        new SocketEntry(
            point(stack, first),
            TcpState.LISTEN,
            options(stack, first),
            ALICE,
            new ProcessRef.Seen(1234, "server.exe", null));
    Principal caller = table.equals("B") ? ALICE : BOB;
    PlannedBind plan =
        new PlannedBind(
            point(stack, second),
            options(stack, second),
            new Caller(caller, Privilege.UNPRIVILEGED));

    Verdict verdict = RULES.verdict(SocketTable.of(holder), plan, HostFacts.loopbackOnly());

    switch (expected) {
      case "Success" -> assertThat(verdict.outcome()).isEqualTo(Outcome.BINDABLE);
      case "INUSE" -> assertThat(verdict.error()).isEqualTo(BindError.WSAEADDRINUSE);
      case "ACCESS" -> assertThat(verdict.error()).isEqualTo(BindError.WSAEACCES);
      default -> throw new IllegalArgumentException(expected);
    }
    if (!expected.equals("Success")) {
      assertThat(verdict.outcome()).isEqualTo(Outcome.REFUSED);
      assertThat(verdict.holders()).extracting(Holder::entry).containsExactly(holder);
    }
    assertThat(verdict.explanation()).contains(table.equals("B") ? "one account" : "two accounts");
  }

  @ParameterizedTest(name = "dual-stack [::] {0} after {1} holder on {2} -> {3} on {4}")
  @CsvSource({
    // plan option, holder option, holder address, expected outcome/error, failing stack
    "SO_EXCLUSIVEADDRUSE, default, 127.0.0.1, WSAEACCES, IPV4",
    "SO_EXCLUSIVEADDRUSE, default, ::1, WSAEADDRINUSE, IPV6",
    "SO_EXCLUSIVEADDRUSE, default, 0.0.0.0, WSAEACCES, IPV4",
    "default, default, 127.0.0.1, NONE, IPV4",
    "default, default, ::1, NONE, IPV6",
    "default, SO_REUSEADDR, 127.0.0.1, NONE, IPV4",
    "SO_REUSEADDR, default, 0.0.0.0, WSAEACCES, IPV4",
  })
  void verdict_dualStackWildcard_checksBothStacksAndNamesTheFailingOne(
      String planOption,
      String holderOption,
      String holderAddress,
      BindError expected,
      Stack stack) {
    Family family = holderAddress.contains(":") ? Family.INET6 : Family.INET;
    SocketEntry holder =
        new SocketEntry(
            BindPoint.of(family, holderAddress, PORT),
            TcpState.LISTEN,
            options(family == Family.INET6 ? "IPv6" : "IPv4", holderOption + "/"),
            ALICE,
            new ProcessRef.Seen(77, "svc.exe", null));
    PlannedBind plan =
        new PlannedBind(
            BindPoint.of(Family.INET6, "::", PORT),
            options("IPv4", planOption + "/").withV6Only(false),
            new Caller(ALICE, Privilege.UNPRIVILEGED));

    Verdict verdict = RULES.verdict(SocketTable.of(holder), plan, HostFacts.loopbackOnly());

    assertThat(verdict.error()).isEqualTo(expected);
    assertThat(verdict.holders()).extracting(Holder::stack).containsExactly(stack);
    assertThat(verdict.explanation())
        .contains("dual-stack [::]:8080")
        .contains("on the " + (stack == Stack.IPV4 ? "IPv4" : "IPv6") + " stack");
  }

  @Test
  void verdict_dualStackConflictOnIpv4Side_flagsTheDisputedErrorCode() {
    SocketEntry holder =
        new SocketEntry(
            BindPoint.of(Family.INET, "127.0.0.1", PORT),
            TcpState.LISTEN,
            SocketOptions.NONE,
            ALICE,
            new ProcessRef.Seen(77, "svc.exe", null));
    PlannedBind plan =
        new PlannedBind(
            BindPoint.of(Family.INET6, "::", PORT),
            SocketOptions.NONE.withExclusiveAddrUse(true),
            new Caller(ALICE, Privilege.UNPRIVILEGED));

    Verdict verdict = RULES.verdict(SocketTable.of(holder), plan, HostFacts.loopbackOnly());

    assertThat(verdict.outcome()).isEqualTo(Outcome.REFUSED);
    assertThat(verdict.assumptions()).anyMatch(a -> a.contains("10013") && a.contains("10048"));
  }

  @Test
  void verdict_v6OnlyWildcard_ignoresIpv4Holders() {
    SocketEntry holder =
        new SocketEntry(
            BindPoint.of(Family.INET, "0.0.0.0", PORT),
            TcpState.LISTEN,
            SocketOptions.NONE.withExclusiveAddrUse(true),
            ALICE,
            new ProcessRef.Seen(77, "svc.exe", null));
    PlannedBind plan =
        new PlannedBind(
            BindPoint.of(Family.INET6, "::", PORT),
            SocketOptions.NONE.withV6Only(true).withExclusiveAddrUse(true),
            new Caller(ALICE, Privilege.UNPRIVILEGED));

    Verdict verdict = RULES.verdict(SocketTable.of(holder), plan, HostFacts.loopbackOnly());

    assertThat(verdict.outcome()).isEqualTo(Outcome.BINDABLE);
    assertThat(verdict.rule()).isEqualTo(Rule.PORT_FREE);
  }

  @Test
  void verdict_twoDifferentSpecificAddresses_neverConflict() {
    SocketEntry holder =
        new SocketEntry(
            BindPoint.of(Family.INET, "127.0.0.1", PORT),
            TcpState.LISTEN,
            SocketOptions.NONE.withExclusiveAddrUse(true),
            BOB,
            new ProcessRef.Seen(77, "svc.exe", null));
    PlannedBind plan =
        new PlannedBind(
            BindPoint.of(Family.INET, "127.0.0.2", PORT),
            SocketOptions.NONE.withExclusiveAddrUse(true),
            new Caller(ALICE, Privilege.UNPRIVILEGED));

    Verdict verdict = RULES.verdict(SocketTable.of(holder), plan, HostFacts.loopbackOnly());

    assertThat(verdict.isBindable()).isTrue();
  }

  private static BindPoint point(String stack, String head) {
    boolean wildcard = head.endsWith("/Wildcard");
    if (stack.equals("IPv4")) {
      return BindPoint.of(Family.INET, wildcard ? "0.0.0.0" : "127.0.0.1", PORT);
    }
    return BindPoint.of(Family.INET6, wildcard ? "::" : "::1", PORT);
  }

  /** IPv6 binds are V6ONLY here, so each stays on its own stack; dual-stack has its own tests. */
  private static SocketOptions options(String stack, String head) {
    SocketOptions none = SocketOptions.NONE.withV6Only(stack.equals("IPv6"));
    if (head.startsWith("SO_REUSEADDR")) {
      return none.withReuseAddr(true);
    }
    return head.startsWith("SO_EXCLUSIVEADDRUSE") ? none.withExclusiveAddrUse(true) : none;
  }
}
