package dev.portkeep.bind.table;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.portkeep.bind.rules.ExcludedRange;
import dev.portkeep.bind.rules.ExclusionKind;
import dev.portkeep.bind.rules.Family;
import dev.portkeep.bind.rules.TcpState;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WindowsParsersTest {
  @Test
  void netstat_ipv4Sample_readsEveryTcpRowWithStateAndPid() {
    Netstat.Parsed parsed = Netstat.parse(Resources.text("netstat-tcp.txt"));

    assertThat(parsed.problems()).isEmpty();
    assertThat(parsed.rows()).hasSize(13);
    assertThat(parsed.rows())
        .extracting(r -> r.local().toString(), Netstat.Row::state, Netstat.Row::pid)
        .contains(
            tuple("0.0.0.0:445", TcpState.LISTEN, 4L),
            tuple("127.0.0.1:9000", TcpState.TIME_WAIT, 0L),
            tuple("192.168.1.20:52202", TcpState.FIN_WAIT2, 6884L),
            tuple("192.168.1.20:139", TcpState.LISTEN, 4L));
  }

  @Test
  void netstat_ipv6SampleWithCrlf_readsBracketsAndZones() {
    Netstat.Parsed parsed = Netstat.parse(Resources.text("netstat-tcpv6.txt"));

    assertThat(parsed.problems()).isEmpty();
    assertThat(parsed.rows())
        .extracting(r -> r.local().toString())
        .containsExactly(
            "[::]:135",
            "[::]:445",
            "[::]:49664",
            "[::1]:5432",
            "[::1]:5432",
            "[::1]:52300",
            "[fe80::3c1a:7e2f:9b4d:1a2b%12]:52310");
    assertThat(parsed.rows().get(1).local().family()).isEqualTo(Family.INET6);
    assertThat(parsed.rows().get(1).local().isWildcard()).isTrue();
  }

  @Test
  void netstat_localizedStates_areReportedNotGuessed() {
    Netstat.Parsed parsed = Netstat.parse(Resources.text("netstat-tcp-german.txt"));

    assertThat(parsed.rows()).isEmpty();
    assertThat(parsed.problems())
        .hasSize(2)
        .first()
        .asString()
        .contains("unknown state 'ABHÖREN'")
        .contains("0.0.0.0:135");
  }

  @Test
  void netstat_mappedAddress_staysMapped() {
    Netstat.Parsed parsed =
        Netstat.parse("  TCP    [::ffff:127.0.0.1]:8080  [::]:0   LISTENING   1200\n");

    assertThat(parsed.rows())
        .singleElement()
        .satisfies(r -> assertThat(r.local().isMapped()).isTrue());
  }

  @Test
  void excludedPortRanges_ipv4Sample_marksAdministeredRanges() {
    List<ExcludedRange> ranges =
        ExcludedPortRanges.parse(Resources.text("excludedportrange-ipv4.txt"), Family.INET);

    assertThat(ranges)
        .extracting(ExcludedRange::first, ExcludedRange::last, ExcludedRange::kind)
        .containsExactly(
            tuple(5357, 5357, ExclusionKind.DYNAMIC),
            tuple(49709, 49808, ExclusionKind.DYNAMIC),
            tuple(49809, 49908, ExclusionKind.DYNAMIC),
            tuple(50000, 50059, ExclusionKind.ADMINISTERED),
            tuple(61243, 61342, ExclusionKind.DYNAMIC));
  }

  @Test
  void excludedPortRanges_ipv6Sample_keepsTheFamily() {
    List<ExcludedRange> ranges =
        ExcludedPortRanges.parse(Resources.text("excludedportrange-ipv6.txt"), Family.INET6);

    assertThat(ranges).hasSize(2).allMatch(r -> r.family() == Family.INET6);
  }

  @Test
  void tasklist_csvSample_mapsPidsToImagesIncludingQuotedCommas() {
    Map<Long, String> images = Tasklist.parse(Resources.text("tasklist.csv"));

    assertThat(images)
        .containsEntry(4L, "System")
        .containsEntry(10244L, "java.exe")
        .containsEntry(11920L, "Tool, \"beta\".exe")
        .hasSize(9);
  }

  @Test
  void tasklist_noMatchingTasksMessage_givesNothing() {
    assertThat(Tasklist.parse("INFO: No tasks are running which match the specified criteria."))
        .isEmpty();
  }
}
