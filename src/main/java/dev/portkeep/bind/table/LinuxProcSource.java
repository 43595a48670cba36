package dev.portkeep.bind.table;

import dev.portkeep.bind.rules.Coverage;
import dev.portkeep.bind.rules.Family;
import dev.portkeep.bind.rules.HostFacts;
import dev.portkeep.bind.rules.LinuxRules;
import dev.portkeep.bind.rules.LinuxSysctls;
import dev.portkeep.bind.rules.ProcessRef;
import dev.portkeep.bind.rules.RuleSet;
import dev.portkeep.bind.rules.SocketEntry;
import dev.portkeep.bind.rules.SocketTable;
import dev.portkeep.bind.rules.TriState;
import java.io.ByteArrayOutputStream;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.function.IntPredicate;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * Reads the Linux socket table from {@code /proc}: both TCP tables, their owners, the sysctls that
 * change bind results, and the local addresses. The root is injectable so tests can fake a host.
 */
public final class LinuxProcSource implements SocketTableSource {
  static final String BOUND_ONLY_NOTE =
      "bound-but-not-listening sockets do not appear in"
          + " /proc/net/tcp, yet they hold their port; portkeep cannot see them";

  private final Path root;
  private final Supplier<Set<InetAddress>> localAddresses;

  /** Reads this host's real {@code /proc}, {@code /etc/passwd} and interfaces. */
  public LinuxProcSource() {
    this(Path.of("/"), LinuxProcSource::interfaceAddresses);
  }

  /** Reads {@code root/proc} and {@code root/etc/passwd}, taking addresses from the supplier. */
  public LinuxProcSource(Path root, Supplier<Set<InetAddress>> localAddresses) {
    this.root = root;
    this.localAddresses = localAddresses;
  }

  @Override
  public RuleSet rules() {
    return new LinuxRules();
  }

  @Override
  public Snapshot snapshot(IntPredicate ports) throws IOException {
    Path proc = root.resolve("proc");
    List<String> notes = new ArrayList<>();
    List<ProcNetTcp.Row> rows = new ArrayList<>();
    read(proc.resolve("net/tcp"), Family.INET, rows, notes);
    Optional<String> tcp6 = readIfPresent(proc.resolve("net/tcp6"));
    tcp6.ifPresent(text -> keep(ProcNetTcp.parse(text, Family.INET6), rows, notes));
    rows.removeIf(row -> !ports.test(row.local().port()));
    Set<Long> inodes =
        rows.stream()
            .map(ProcNetTcp.Row::inode)
            .filter(i -> i != 0)
            .collect(Collectors.toCollection(HashSet::new));
    SocketOwners.Scan scan = SocketOwners.scan(proc, inodes);
    Map<Integer, String> users =
        readIfPresent(root.resolve("etc/passwd")).map(Passwd::parse).orElse(Map.of());
    List<SocketEntry> entries = new ProcEntries(proc, scan, users).toEntries(rows);
    notes.add(BOUND_ONLY_NOTE);
    long hidden = entries.stream().filter(e -> e.process() instanceof ProcessRef.Hidden).count();
    if (hidden > 0) {
      notes.add(
          hidden
              + " sockets belong to processes portkeep cannot see (run as root to name"
              + " them); "
              + scan.unreadablePids().size()
              + " processes could not be inspected");
    }
    SocketTable table = new SocketTable(entries, Coverage.WITHOUT_BOUND_ONLY_SOCKETS);
    return new Snapshot(table, hostFacts(proc, tcp6.isPresent()), notes);
  }

  private static void read(Path file, Family family, List<ProcNetTcp.Row> rows, List<String> notes)
      throws IOException {
    keep(
        ProcNetTcp.parse(new String(readFully(file), StandardCharsets.US_ASCII), family),
        rows,
        notes);
  }

  private static void keep(
      ProcNetTcp.Parsed parsed, List<ProcNetTcp.Row> rows, List<String> notes) {
    rows.addAll(parsed.rows());
    notes.addAll(parsed.problems());
  }

  private HostFacts hostFacts(Path proc, boolean tcp6Present) {
    Path ipv4 = proc.resolve("sys/net/ipv4");
    Path ipv6 = proc.resolve("sys/net/ipv6");
    LinuxSysctls sysctls =
        new LinuxSysctls(
            readInt(ipv4.resolve("ip_unprivileged_port_start")),
            flag(ipv4.resolve("ip_nonlocal_bind")),
            flag(ipv6.resolve("ip_nonlocal_bind")),
            flag(ipv6.resolve("bindv6only")));
    boolean hasIpv6 = tcp6Present || Files.isDirectory(ipv6);
    return new HostFacts(localAddresses.get(), TriState.of(hasIpv6), sysctls, List.of());
  }

  private static TriState flag(Path file) {
    OptionalInt value = readInt(file);
    return value.isEmpty() ? TriState.UNKNOWN : TriState.of(value.getAsInt() != 0);
  }

  static OptionalInt readInt(Path file) {
    try {
      return OptionalInt.of(
          Integer.parseInt(new String(readFully(file), StandardCharsets.US_ASCII).strip()));
    } catch (IOException | NumberFormatException e) {
      return OptionalInt.empty();
    }
  }

  static Optional<String> readIfPresent(Path file) {
    try {
      return Optional.of(new String(readFully(file), StandardCharsets.UTF_8));
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /**
   * Reads a small /proc file with large reads. {@code Files.readAllBytes} sees size 0, reads one
   * byte, then reads on; a sysctl answers any read past offset 0 with EOF, so it returns only "1"
   * for {@code ip_unprivileged_port_start} = 1024.
   */
  static byte[] readFully(Path file) throws IOException {
    try (InputStream in = new FileInputStream(file.toFile())) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      byte[] buffer = new byte[64 * 1024];
      for (int n = in.read(buffer); n > 0; n = in.read(buffer)) {
        out.write(buffer, 0, n);
      }
      return out.toByteArray();
    }
  }

  /** Every address assigned to an interface of this host. */
  public static Set<InetAddress> interfaceAddresses() {
    try {
      return NetworkInterface.networkInterfaces()
          .flatMap(NetworkInterface::inetAddresses)
          .collect(Collectors.toUnmodifiableSet());
    } catch (SocketException e) {
      return Set.of();
    }
  }
}
