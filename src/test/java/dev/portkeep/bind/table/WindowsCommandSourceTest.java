package dev.portkeep.bind.table;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portkeep.bind.rules.AddressLiteral;
import dev.portkeep.bind.rules.BindError;
import dev.portkeep.bind.rules.BindPoint;
import dev.portkeep.bind.rules.Caller;
import dev.portkeep.bind.rules.Family;
import dev.portkeep.bind.rules.Outcome;
import dev.portkeep.bind.rules.PlannedBind;
import dev.portkeep.bind.rules.Principal;
import dev.portkeep.bind.rules.Privilege;
import dev.portkeep.bind.rules.Rule;
import dev.portkeep.bind.rules.SocketOptions;
import dev.portkeep.bind.rules.Verdict;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The Windows source on recorded command output, through to verdicts a user would see. */
class WindowsCommandSourceTest {
  private final List<String> commands = new ArrayList<>();
  private final WindowsCommandSource source =
      new WindowsCommandSource(
          this::run,
          () ->
              Set.of(
                  AddressLiteral.parse("127.0.0.1"),
                  AddressLiteral.parse("::1"),
                  AddressLiteral.parse("192.168.1.20")));

  private String run(List<String> command) {
    commands.add(String.join(" ", command));
    String joined = String.join(" ", command);
    return switch (joined) {
      case "netstat -ano -p tcp" -> Resources.text("netstat-tcp.txt");
      case "netstat -ano -p tcpv6" -> Resources.text("netstat-tcpv6.txt");
      case "tasklist /fo csv /nh" -> Resources.text("tasklist.csv");
      case "netsh int ipv4 show excludedportrange protocol=tcp" ->
          Resources.text("excludedportrange-ipv4.txt");
      case "netsh int ipv6 show excludedportrange protocol=tcp" ->
          Resources.text("excludedportrange-ipv6.txt");
      default -> throw new AssertionError("unexpected command " + joined);
    };
  }

  /** A JDK listener on Windows: dual-stack when bound to the wildcard, exclusive by default. */
  private Verdict javaListener(String literal, int port) throws IOException {
    Snapshot snapshot = source.snapshot();
    Family family = literal.contains(":") ? Family.INET6 : Family.INET;
    SocketOptions options = SocketOptions.NONE.withExclusiveAddrUse(true);
    PlannedBind plan =
        new PlannedBind(
            BindPoint.of(family, literal, port),
            options,
            new Caller(new Principal.WindowsAccount("HOST\\alice"), Privilege.UNPRIVILEGED));
    return source.rules().verdict(snapshot.table(), plan, snapshot.host());
  }

  @Test
  void snapshot_runsEachCommandOnce() throws IOException {
    Snapshot snapshot = source.snapshot();

    assertThat(commands).hasSize(5).doesNotHaveDuplicates();
    assertThat(snapshot.table().entries()).hasSize(20);
    assertThat(snapshot.host().excludedRanges()).hasSize(7);
  }

  @Test
  void verdict_port445OnAnotherLoopback_blamesTheKernel() throws IOException {
    Verdict verdict = javaListener("127.0.0.2", 445);

    assertThat(verdict.rule()).isEqualTo(Rule.KERNEL_HOLDS_PORT);
    assertThat(verdict.error()).isEqualTo(BindError.WSAEACCES);
    assertThat(verdict.explanation()).contains("System (pid 4)");
  }

  @Test
  void verdict_portInHyperVRange_blamesTheExclusion() throws IOException {
    Verdict verdict = javaListener("127.0.0.1", 49750);

    assertThat(verdict.rule()).isEqualTo(Rule.EXCLUDED_PORT_RANGE);
    assertThat(verdict.explanation()).contains("49709-49808");
  }

  @Test
  void verdict_sameAddressAsJavaListener_refusesNamingIt() throws IOException {
    Verdict verdict = javaListener("127.0.0.1", 8080);

    assertThat(verdict.outcome()).isEqualTo(Outcome.REFUSED);
    assertThat(verdict.error()).isEqualTo(BindError.WSAEADDRINUSE);
    assertThat(verdict.explanation()).contains("java.exe (pid 10244)");
  }

  @Test
  void verdict_port139OnLoopback_isFreeBecauseSmbHoldsOnlyTheAdapterAddress() throws IOException {
    Verdict verdict = javaListener("127.0.0.1", 139);

    assertThat(verdict.outcome()).isEqualTo(Outcome.BINDABLE);
  }

  @Test
  void verdict_lingeringTimeWaitAlone_isUncertain() throws IOException {
    Verdict verdict = javaListener("127.0.0.1", 9000);

    assertThat(verdict.outcome()).isEqualTo(Outcome.UNCERTAIN);
    assertThat(verdict.rule()).isEqualTo(Rule.LINGERING_CONNECTION);
  }
}
