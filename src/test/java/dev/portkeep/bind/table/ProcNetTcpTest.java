package dev.portkeep.bind.table;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portkeep.bind.rules.BindPoint;
import dev.portkeep.bind.rules.Family;
import dev.portkeep.bind.rules.TcpState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ProcNetTcpTest {
  @Test
  void parse_ipv4Sample_decodesLittleEndianAddressesAndHexPorts() {
    ProcNetTcp.Parsed parsed = ProcNetTcp.parse(Resources.text("proc-net-tcp.txt"), Family.INET);

    assertThat(parsed.problems()).isEmpty();
    assertThat(parsed.rows())
        .extracting(r -> r.local().toString())
        .containsExactly(
            "0.0.0.0:22", "127.0.0.1:8080", "127.0.0.5:445", "127.0.0.1:8080", "127.0.0.1:53924");
    assertThat(parsed.rows())
        .extracting(ProcNetTcp.Row::state)
        .containsExactly(
            TcpState.LISTEN,
            TcpState.LISTEN,
            TcpState.LISTEN,
            TcpState.TIME_WAIT,
            TcpState.ESTABLISHED);
    assertThat(parsed.rows().get(1).uid()).isEqualTo(1000);
    assertThat(parsed.rows().get(1).inode()).isEqualTo(28855);
  }

  @Test
  void parse_timeWaitRow_hasNoInode() {
    ProcNetTcp.Row row =
        ProcNetTcp.parse(Resources.text("proc-net-tcp.txt"), Family.INET).rows().get(3);

    assertThat(row.state()).isEqualTo(TcpState.TIME_WAIT);
    assertThat(row.inode()).isZero();
  }

  @Test
  void parse_ipv6Sample_decodesWildcardLoopbackMappedAndGlobal() {
    ProcNetTcp.Parsed parsed = ProcNetTcp.parse(Resources.text("proc-net-tcp6.txt"), Family.INET6);

    assertThat(parsed.rows())
        .extracting(r -> r.local().toString())
        .containsExactly("[::]:22", "[::1]:8081", "[::ffff:127.0.0.1]:39627", "[2001:db8::1]:80");
    BindPoint mapped = parsed.rows().get(2).local();
    assertThat(mapped.family()).isEqualTo(Family.INET6);
    assertThat(mapped.isMapped()).isTrue();
    assertThat(parsed.rows().get(0).local().isWildcard()).isTrue();
    assertThat(parsed.rows().get(2).uid()).isEqualTo(65534);
  }

  @ParameterizedTest(name = "state code {0} -> {1}")
  @CsvSource({
    "01, ESTABLISHED",
    "06, TIME_WAIT",
    "0A, LISTEN",
    "0C, SYN_RECV",
    "0D, BOUND",
    "07, CLOSE",
    "08, CLOSE_WAIT"
  })
  void state_kernelCode_mapsToState(String hex, TcpState state) {
    assertThat(ProcNetTcp.state(Integer.parseInt(hex, 16))).isEqualTo(state);
  }

  @Test
  void parse_malformedLines_areSkippedAndQuoted() {
    String text =
        "  sl  local_address ...\n"
            + "   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000 0 0 1 1\n"
            + "   1: 0100007F 00000000:0000 0A 00000000:00000000 00:00000000 00000000 0 0 2 1\n"
            + "   2: 0100007F:1F90 00000000:0000 FF 00000000:00000000 00:00000000 00000000 0 0 3 1\n"
            + "   3: garbage\n";

    ProcNetTcp.Parsed parsed = ProcNetTcp.parse(text, Family.INET);

    assertThat(parsed.rows()).hasSize(1);
    assertThat(parsed.problems()).hasSize(3);
    assertThat(parsed.problems().get(0)).contains("has no port").contains("'1: 0100007F");
    assertThat(parsed.problems().get(1)).contains("unknown TCP state code 255");
    assertThat(parsed.problems().get(2)).contains("expected at least 10 fields");
  }

  @Test
  void parse_headerOnly_givesNoRows() {
    assertThat(ProcNetTcp.parse("  sl  local_address rem_address\n", Family.INET).rows()).isEmpty();
  }
}
