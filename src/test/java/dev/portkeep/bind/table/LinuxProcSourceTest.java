package dev.portkeep.bind.table;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portkeep.bind.rules.AddressLiteral;
import dev.portkeep.bind.rules.BindPoint;
import dev.portkeep.bind.rules.Caller;
import dev.portkeep.bind.rules.Family;
import dev.portkeep.bind.rules.PlannedBind;
import dev.portkeep.bind.rules.Principal;
import dev.portkeep.bind.rules.Privilege;
import dev.portkeep.bind.rules.ProcessRef;
import dev.portkeep.bind.rules.Rule;
import dev.portkeep.bind.rules.SocketEntry;
import dev.portkeep.bind.rules.SocketOptions;
import dev.portkeep.bind.rules.TcpState;
import dev.portkeep.bind.rules.TriState;
import dev.portkeep.bind.rules.Verdict;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LinuxProcSourceTest {
  private static final String PASSWD =
      "root:x:0:0:root:/root:/bin/bash\n"
          + "alice:x:1000:1000::/home/alice:/bin/bash\n"
          + "nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n";

  @TempDir Path temp;

  private FakeProc host() {
    return new FakeProc(temp)
        .file("proc/net/tcp", Resources.text("proc-net-tcp.txt"))
        .file("proc/net/tcp6", Resources.text("proc-net-tcp6.txt"))
        .file("etc/passwd", PASSWD)
        .sysctls(1024, 0)
        .process(100, "python3", "python3 -m http.server 8080", 28855, 28901)
        .process(200, "sshd", "/usr/sbin/sshd -D", 1589, 1590);
  }

  private Snapshot snapshot(FakeProc proc) throws IOException {
    return new LinuxProcSource(
            proc.root(),
            () -> Set.of(AddressLiteral.parse("127.0.0.1"), AddressLiteral.parse("::1")))
        .snapshot();
  }

  private static SocketEntry on(Snapshot snapshot, String point, TcpState state) {
    return snapshot.table().entries().stream()
        .filter(e -> e.local().toString().equals(point) && e.state() == state)
        .findFirst()
        .orElseThrow(() -> new AssertionError("no " + state + " on " + point));
  }

  @Test
  void snapshot_readableProcesses_nameOwnerAndCommandLine() throws IOException {
    Snapshot snapshot = snapshot(host().unreadableProcess(300));

    SocketEntry web = on(snapshot, "127.0.0.1:8080", TcpState.LISTEN);
    assertThat(web.owner()).isEqualTo(new Principal.LinuxUser(1000, "alice"));
    assertThat(web.process())
        .isEqualTo(new ProcessRef.Seen(100, "python3", "python3 -m http.server 8080"));
    assertThat(on(snapshot, "[::]:22", TcpState.LISTEN).process().describe())
        .isEqualTo("sshd (pid 200)");
  }

  @Test
  void snapshot_unreadablePid_givesHiddenOwnerNeverAnException() throws IOException {
    Snapshot snapshot = snapshot(host().unreadableProcess(300));

    SocketEntry smb = on(snapshot, "127.0.0.5:445", TcpState.LISTEN);
    assertThat(smb.process().describe())
        .isEqualTo("a process portkeep cannot see (run as root to name it)");
    assertThat(smb.owner()).isEqualTo(new Principal.LinuxUser(0, "root"));
    assertThat(snapshot.notes()).anyMatch(n -> n.startsWith("4 sockets belong to processes"));
  }

  @Test
  void snapshot_everyPidReadableButInodeUnowned_saysNoProcessHoldsIt() throws IOException {
    Snapshot snapshot = snapshot(host());

    assertThat(on(snapshot, "127.0.0.5:445", TcpState.LISTEN).process())
        .isInstanceOf(ProcessRef.Absent.class)
        .satisfies(p -> assertThat(p.describe()).contains("kernel socket"));
  }

  @Test
  void snapshot_timeWaitRow_hasNoProcessAndUnknownOwner() throws IOException {
    SocketEntry leftover = on(snapshot(host()), "127.0.0.1:8080", TcpState.TIME_WAIT);

    assertThat(leftover.owner()).isEqualTo(Principal.UNKNOWN);
    assertThat(leftover.process().describe()).contains("TIME_WAIT leftover");
  }

  @Test
  void snapshot_options_areUnknownExceptWhatTheAddressImplies() throws IOException {
    Snapshot snapshot = snapshot(host());

    assertThat(on(snapshot, "[::]:22", TcpState.LISTEN).options().v6Only())
        .isEqualTo(TriState.UNKNOWN);
    assertThat(on(snapshot, "[::1]:8081", TcpState.LISTEN).options().v6Only())
        .isEqualTo(TriState.YES);
    assertThat(on(snapshot, "[::ffff:127.0.0.1]:39627", TcpState.LISTEN).options().reuseAddr())
        .isEqualTo(TriState.UNKNOWN);
  }

  @Test
  void snapshot_sysctls_readWhatExistsAndMarkTheRestUnknown() throws IOException {
    Snapshot snapshot = snapshot(host());

    assertThat(snapshot.host().linux().unprivilegedPortStart()).hasValue(1024);
    assertThat(snapshot.host().linux().ipv4NonlocalBind()).isEqualTo(TriState.NO);
    assertThat(snapshot.host().linux().ipv6NonlocalBind()).isEqualTo(TriState.UNKNOWN);
    assertThat(snapshot.host().ipv6Present()).isEqualTo(TriState.YES);
    assertThat(snapshot.notes()).anyMatch(n -> n.contains("bound-but-not-listening"));
  }

  @Test
  void snapshot_noTcp6AndNoIpv6Sysctls_reportsIpv6Absent() throws IOException {
    FakeProc proc = new FakeProc(temp).file("proc/net/tcp", Resources.text("proc-net-tcp.txt"));

    assertThat(snapshot(proc).host().ipv6Present()).isEqualTo(TriState.NO);
  }

  @Test
  void snapshot_thenVerdict_namesTheProcessInTheWay() throws IOException {
    Snapshot snapshot = snapshot(host());
    PlannedBind plan =
        new PlannedBind(
            BindPoint.of(Family.INET, "0.0.0.0", 8080),
            SocketOptions.NONE.withReuseAddr(true),
            new Caller(new Principal.LinuxUser(1000, "alice"), Privilege.UNPRIVILEGED));

    Verdict verdict =
        new LinuxProcSource().rules().verdict(snapshot.table(), plan, snapshot.host());

    assertThat(verdict.rule()).isEqualTo(Rule.LISTENER_HOLDS_PORT);
    assertThat(verdict.explanation()).contains("python3 (pid 100)");
  }
}
