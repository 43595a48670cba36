package dev.portkeep.bind.table;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portkeep.bind.rules.ProcessRef;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ten thousand sockets in a hundred processes: every owner found in one walk of the fds. How fast
 * is bench/check-10k's to measure (a timed unit test on a shared machine measures the machine).
 */
class LinuxProcSourceScaleTest {
  private static final int SOCKETS = 10_000;
  private static final int PROCESSES = 100;

  @TempDir Path temp;

  @Test
  void snapshot_tenThousandSockets_mapsEveryOwner() throws IOException {
    FakeProc proc = new FakeProc(temp);
    StringBuilder tcp = new StringBuilder("  sl  local_address rem_address   st ...\n");
    StringBuilder tcp6 = new StringBuilder("  sl  local_address remote_address st ...\n");
    for (int i = 0; i < SOCKETS; i++) {
      StringBuilder table = i % 2 == 0 ? tcp : tcp6;
      String address = i % 2 == 0 ? "0100007F" : "00000000000000000000000001000000";
      table.append(
          String.format(
              "%4d: %s:%04X %s:0000 0A 00000000:00000000 00:00000000 "
                  + "00000000  1000        0 %d 1 0000000000000000 100 0 0 10 0%n",
              i, address, 20000 + i, address, 500_000 + i));
    }
    proc.file("proc/net/tcp", tcp.toString()).file("proc/net/tcp6", tcp6.toString());
    for (int p = 0; p < PROCESSES; p++) {
      long[] inodes = new long[SOCKETS / PROCESSES];
      for (int k = 0; k < inodes.length; k++) {
        inodes[k] = 500_000 + (long) p * inodes.length + k;
      }
      proc.process(1000 + p, "worker" + p, "worker " + p, inodes);
    }

    Snapshot snapshot = new LinuxProcSource(temp, Set::of).snapshot();

    assertThat(snapshot.table().entries())
        .hasSize(SOCKETS)
        .allMatch(e -> e.process() instanceof ProcessRef.Seen);
    assertThat(snapshot.table().entries().get(SOCKETS - 1).process().describe())
        .isEqualTo("worker99 (pid 1099)");
  }
}
