package dev.portkeep.bind.table;

import dev.portkeep.bind.rules.BindPoint;
import dev.portkeep.bind.rules.Family;
import dev.portkeep.bind.rules.Principal;
import dev.portkeep.bind.rules.ProcessRef;
import dev.portkeep.bind.rules.SocketEntry;
import dev.portkeep.bind.rules.SocketOptions;
import dev.portkeep.bind.rules.TcpState;
import dev.portkeep.bind.rules.TriState;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Turns parsed /proc rows into socket entries, naming each owner once per process. */
final class ProcEntries {
  private static final ProcessRef TIME_WAIT =
      new ProcessRef.Absent("no process: a TIME_WAIT leftover of a closed connection");
  private static final ProcessRef ORPHAN =
      new ProcessRef.Absent("no process: a connection the kernel is still closing");
  private static final ProcessRef UNOWNED =
      new ProcessRef.Absent("no process holds it: a kernel socket, or its process just exited");

  private final Path proc;
  private final SocketOwners.Scan scan;
  private final Map<Integer, String> users;
  private final Map<Long, ProcessRef> processes = new HashMap<>();

  ProcEntries(Path proc, SocketOwners.Scan scan, Map<Integer, String> users) {
    this.proc = proc;
    this.scan = scan;
    this.users = users;
  }

  List<SocketEntry> toEntries(List<ProcNetTcp.Row> rows) {
    return rows.stream().map(this::toEntry).toList();
  }

  private SocketEntry toEntry(ProcNetTcp.Row row) {
    boolean ownerless = row.inode() == 0;
    Principal owner =
        ownerless ? Principal.UNKNOWN : new Principal.LinuxUser(row.uid(), users.get(row.uid()));
    return new SocketEntry(
        row.local(), row.state(), visibleOptions(row.local()), owner, process(row));
  }

  /**
   * /proc shows no options; only V6ONLY follows from the address: the kernel forces it on for a
   * specific IPv6 address, and it cannot be on for IPv4 or a v4-mapped address.
   */
  static SocketOptions visibleOptions(BindPoint local) {
    TriState v6Only =
        local.family() == Family.INET || local.isMapped()
            ? TriState.NO
            : local.isWildcard() ? TriState.UNKNOWN : TriState.YES;
    return new SocketOptions(v6Only, TriState.UNKNOWN, TriState.UNKNOWN, TriState.NO);
  }

  private ProcessRef process(ProcNetTcp.Row row) {
    if (row.inode() == 0) {
      return row.state() == TcpState.TIME_WAIT ? TIME_WAIT : ORPHAN;
    }
    Long pid = scan.pidByInode().get(row.inode());
    if (pid == null) {
      return scan.complete() ? UNOWNED : ProcessRef.HIDDEN;
    }
    return processes.computeIfAbsent(pid, this::describe);
  }

  private ProcessRef describe(long pid) {
    Path dir = proc.resolve(Long.toString(pid));
    String name =
        LinuxProcSource.readIfPresent(dir.resolve("comm"))
            .map(String::strip)
            .filter(s -> !s.isEmpty())
            .orElse(null);
    String cmdline =
        LinuxProcSource.readIfPresent(dir.resolve("cmdline"))
            .map(s -> s.replace('\0', ' ').strip())
            .filter(s -> !s.isEmpty())
            .orElse(null);
    return new ProcessRef.Seen(pid, name, cmdline);
  }
}
