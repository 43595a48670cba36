package dev.portkeep.bind.rules;

import static dev.portkeep.bind.rules.Sockets.NOBODY_CALLER;
import static dev.portkeep.bind.rules.Sockets.ROOT;
import static dev.portkeep.bind.rules.Sockets.ROOT_CALLER;
import static dev.portkeep.bind.rules.Sockets.entry;
import static dev.portkeep.bind.rules.Sockets.plan;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The research sheet's Linux matrices L1-L3, cell by cell, with every option known. */
class LinuxMatricesTest {
  private static final LinuxRules RULES = new LinuxRules();

  private static SocketOptions named(String options) {
    return Sockets.options(
        false,
        options.contains("ADDR") || options.equals("both"),
        options.contains("PORT") || options.equals("both"));
  }

  private static void assertOutcome(Verdict verdict, String expected) {
    if (expected.equals("OK")) {
      assertThat(verdict.outcome()).as(verdict.toString()).isEqualTo(Outcome.BINDABLE);
    } else {
      assertThat(verdict.outcome()).as(verdict.toString()).isEqualTo(Outcome.REFUSED);
      assertThat(verdict.error()).isEqualTo(BindError.valueOf(expected));
      assertThat(verdict.holders()).isNotEmpty();
    }
  }

  @ParameterizedTest(name = "L1: first {0} {1}, second {2} -> {3}")
  @CsvSource({
    "BOUND, none, none, EADDRINUSE", "BOUND, none, REUSEADDR, EADDRINUSE",
    "BOUND, none, REUSEPORT, EADDRINUSE", "BOUND, none, both, EADDRINUSE",
    "BOUND, REUSEADDR, none, EADDRINUSE", "BOUND, REUSEADDR, REUSEADDR, OK",
    "BOUND, REUSEADDR, REUSEPORT, EADDRINUSE", "BOUND, REUSEADDR, both, OK",
    "BOUND, REUSEPORT, none, EADDRINUSE", "BOUND, REUSEPORT, REUSEADDR, EADDRINUSE",
    "BOUND, REUSEPORT, REUSEPORT, OK", "BOUND, REUSEPORT, both, OK",
    "BOUND, both, none, EADDRINUSE", "BOUND, both, REUSEADDR, OK",
    "BOUND, both, REUSEPORT, OK", "BOUND, both, both, OK",
    "LISTEN, none, none, EADDRINUSE", "LISTEN, none, REUSEADDR, EADDRINUSE",
    "LISTEN, none, REUSEPORT, EADDRINUSE", "LISTEN, none, both, EADDRINUSE",
    "LISTEN, REUSEADDR, none, EADDRINUSE", "LISTEN, REUSEADDR, REUSEADDR, EADDRINUSE",
    "LISTEN, REUSEADDR, REUSEPORT, EADDRINUSE", "LISTEN, REUSEADDR, both, EADDRINUSE",
    "LISTEN, REUSEPORT, none, EADDRINUSE", "LISTEN, REUSEPORT, REUSEADDR, EADDRINUSE",
    "LISTEN, REUSEPORT, REUSEPORT, OK", "LISTEN, REUSEPORT, both, OK",
    "LISTEN, both, none, EADDRINUSE", "LISTEN, both, REUSEADDR, EADDRINUSE",
    "LISTEN, both, REUSEPORT, OK", "LISTEN, both, both, OK",
  })
  void verdict_matrixL1SameAddressSameUid_matchesSheet(
      TcpState state, String first, String second, String expected) {
    SocketTable table = SocketTable.of(entry("127.0.0.1", state, named(first), ROOT));

    assertOutcome(
        RULES.verdict(
            table, plan("127.0.0.1", named(second), ROOT_CALLER), HostFacts.loopbackOnly()),
        expected);
  }

  @ParameterizedTest(name = "L1 footnote 2: {0} with SO_REUSEPORT, other uid binds -> EADDRINUSE")
  @CsvSource({"LISTEN", "BOUND"})
  void verdict_reusePortAcrossUids_refusesNamingTheRule(TcpState state) {
    SocketTable table = SocketTable.of(entry("127.0.0.1", state, named("REUSEPORT"), ROOT));
    PlannedBind plan =
        new PlannedBind(
            Sockets.at("127.0.0.1", Sockets.PORT),
            named("REUSEPORT"),
            new Caller(Sockets.NOBODY, Privilege.PRIVILEGED));

    Verdict verdict = RULES.verdict(table, plan, HostFacts.loopbackOnly());

    assertThat(verdict.rule()).isEqualTo(Rule.REUSEPORT_OTHER_USER);
    assertThat(verdict.explanation()).contains("uid 0 (root)");
  }

  @ParameterizedTest(name = "L2: first {0} listening, second {1} -> {2}")
  @CsvSource({
    "0.0.0.0, 0.0.0.0, EADDRINUSE",
    "0.0.0.0, 127.0.0.1, EADDRINUSE",
    "0.0.0.0, :: dual, EADDRINUSE",
    "0.0.0.0, :: v6only, OK",
    "0.0.0.0, ::1, OK",
    "0.0.0.0, ::ffff:127.0.0.1, EADDRINUSE",
    "127.0.0.1, 0.0.0.0, EADDRINUSE",
    "127.0.0.1, 127.0.0.1, EADDRINUSE",
    "127.0.0.1, :: dual, EADDRINUSE",
    "127.0.0.1, :: v6only, OK",
    "127.0.0.1, ::1, OK",
    "127.0.0.1, ::ffff:127.0.0.1, EADDRINUSE",
    "127.0.0.1, 127.0.0.2, OK",
    ":: dual, 0.0.0.0, EADDRINUSE",
    ":: dual, 127.0.0.1, EADDRINUSE",
    ":: dual, :: dual, EADDRINUSE",
    ":: dual, :: v6only, EADDRINUSE",
    ":: dual, ::1, EADDRINUSE",
    ":: dual, ::ffff:127.0.0.1, EADDRINUSE",
    ":: v6only, 0.0.0.0, OK",
    ":: v6only, 127.0.0.1, OK",
    ":: v6only, :: dual, EADDRINUSE",
    ":: v6only, :: v6only, EADDRINUSE",
    ":: v6only, ::1, EADDRINUSE",
    ":: v6only, ::ffff:127.0.0.1, OK",
    "::1, 0.0.0.0, OK",
    "::1, 127.0.0.1, OK",
    "::1, :: dual, EADDRINUSE",
    "::1, :: v6only, EADDRINUSE",
    "::1, ::1, EADDRINUSE",
    "::1, ::ffff:127.0.0.1, OK",
    "::ffff:127.0.0.1, 0.0.0.0, EADDRINUSE",
    "::ffff:127.0.0.1, 127.0.0.1, EADDRINUSE",
    "::ffff:127.0.0.1, :: dual, EADDRINUSE",
    "::ffff:127.0.0.1, :: v6only, OK",
    "::ffff:127.0.0.1, ::1, OK",
    "::ffff:127.0.0.1, ::ffff:127.0.0.1, EADDRINUSE",
  })
  void verdict_matrixL2AddressOverlap_matchesSheet(String first, String second, String expected) {
    for (String options : new String[] {"none", "REUSEADDR"}) {
      SocketTable table =
          SocketTable.of(
              entry(
                  address(first),
                  TcpState.LISTEN,
                  named(options).withV6Only(first.endsWith("v6only")),
                  ROOT));
      PlannedBind plan =
          plan(address(second), named(options).withV6Only(second.endsWith("v6only")), ROOT_CALLER);

      assertOutcome(RULES.verdict(table, plan, HostFacts.loopbackOnly()), expected);
    }
  }

  private static String address(String column) {
    return column.split(" ")[0];
  }

  @ParameterizedTest(name = "L3: old listener left {0} with {1}, new sets {2} -> {3}")
  @CsvSource({
    "TIME_WAIT, none, none, EADDRINUSE",
    "TIME_WAIT, none, REUSEADDR, EADDRINUSE",
    "TIME_WAIT, none, REUSEPORT, EADDRINUSE",
    "TIME_WAIT, REUSEADDR, none, EADDRINUSE",
    "TIME_WAIT, REUSEADDR, REUSEADDR, OK",
    "TIME_WAIT, REUSEADDR, REUSEPORT, EADDRINUSE",
    "TIME_WAIT, REUSEPORT, none, EADDRINUSE",
    "TIME_WAIT, REUSEPORT, REUSEADDR, EADDRINUSE",
    "TIME_WAIT, REUSEPORT, REUSEPORT, OK",
    "ESTABLISHED, none, none, EADDRINUSE",
    "ESTABLISHED, none, REUSEADDR, EADDRINUSE",
    "ESTABLISHED, none, REUSEPORT, EADDRINUSE",
    "ESTABLISHED, REUSEADDR, none, EADDRINUSE",
    "ESTABLISHED, REUSEADDR, REUSEADDR, OK",
    "ESTABLISHED, REUSEADDR, REUSEPORT, EADDRINUSE",
    "ESTABLISHED, REUSEPORT, none, EADDRINUSE",
    "ESTABLISHED, REUSEPORT, REUSEADDR, EADDRINUSE",
    "ESTABLISHED, REUSEPORT, REUSEPORT, OK",
  })
  void verdict_matrixL3Leftovers_matchesSheet(
      TcpState state, String old, String fresh, String expected) {
    SocketTable table = SocketTable.of(entry("127.0.0.1", state, named(old), ROOT));

    assertOutcome(
        RULES.verdict(
            table, plan("127.0.0.1", named(fresh), ROOT_CALLER), HostFacts.loopbackOnly()),
        expected);
  }

  @ParameterizedTest(name = "TIME_WAIT with SO_REUSEPORT, other uid {0} -> OK")
  @CsvSource({"REUSEPORT", "both"})
  void verdict_timeWaitReusePortOtherUid_sharesBecauseTimeWaitIsExempt(String options) {
    SocketTable table =
        SocketTable.of(entry("127.0.0.1", TcpState.TIME_WAIT, named(options), Principal.UNKNOWN));
    PlannedBind plan = plan("127.0.0.1", named("REUSEPORT"), NOBODY_CALLER);

    Verdict verdict = RULES.verdict(table, plan, HostFacts.loopbackOnly());

    assertThat(verdict.rule()).isEqualTo(Rule.SHARED_BY_REUSEPORT);
    assertThat(verdict.explanation()).contains("exempt from the uid check");
  }
}
