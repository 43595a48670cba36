package dev.portkeep.bind.table;

import dev.portkeep.bind.rules.Coverage;
import dev.portkeep.bind.rules.ExcludedRange;
import dev.portkeep.bind.rules.Family;
import dev.portkeep.bind.rules.HostFacts;
import dev.portkeep.bind.rules.LinuxSysctls;
import dev.portkeep.bind.rules.Principal;
import dev.portkeep.bind.rules.ProcessRef;
import dev.portkeep.bind.rules.RuleSet;
import dev.portkeep.bind.rules.SocketEntry;
import dev.portkeep.bind.rules.SocketOptions;
import dev.portkeep.bind.rules.SocketTable;
import dev.portkeep.bind.rules.TriState;
import dev.portkeep.bind.rules.WindowsRules;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.charset.Charset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.function.Supplier;

/** Reads the Windows socket table by running netstat, netsh and tasklist; a thin layer. */
public final class WindowsCommandSource implements SocketTableSource {
  /** Runs one command and returns its standard output. */
  @FunctionalInterface
  public interface CommandRunner {
    String run(List<String> command) throws IOException;
  }

  private static final ProcessRef CLOSING =
      new ProcessRef.Absent("no process: a closing connection");

  private final CommandRunner runner;
  private final Supplier<Set<InetAddress>> localAddresses;

  public WindowsCommandSource() {
    this(WindowsCommandSource::runProcess, LinuxProcSource::interfaceAddresses);
  }

  public WindowsCommandSource(CommandRunner runner, Supplier<Set<InetAddress>> localAddresses) {
    this.runner = runner;
    this.localAddresses = localAddresses;
  }

  @Override
  public RuleSet rules() {
    return new WindowsRules();
  }

  @Override
  public Snapshot snapshot(java.util.function.IntPredicate ports) throws IOException {
    List<String> notes = new ArrayList<>();
    List<Netstat.Row> rows = new ArrayList<>();
    for (String protocol : List.of("tcp", "tcpv6")) {
      Netstat.Parsed parsed = Netstat.parse(runner.run(List.of("netstat", "-ano", "-p", protocol)));
      parsed.rows().stream().filter(row -> ports.test(row.local().port())).forEach(rows::add);
      notes.addAll(parsed.problems());
    }
    Map<Long, String> images = Tasklist.parse(runner.run(List.of("tasklist", "/fo", "csv", "/nh")));
    List<SocketEntry> entries = rows.stream().map(row -> toEntry(row, images)).toList();
    notes.add(
        "netstat does not show socket options or accounts, and without -q no bound-only"
            + " sockets; verdicts that depend on them say so");
    SocketTable table = new SocketTable(entries, Coverage.WITHOUT_BOUND_ONLY_SOCKETS);
    return new Snapshot(table, hostFacts(), notes);
  }

  private static SocketEntry toEntry(Netstat.Row row, Map<Long, String> images) {
    ProcessRef process =
        row.pid() == 0 ? CLOSING : new ProcessRef.Seen(row.pid(), images.get(row.pid()), null);
    Principal owner = row.pid() == 4 ? Principal.WindowsAccount.SYSTEM : Principal.UNKNOWN;
    return new SocketEntry(
        row.local(), row.state(), SocketOptions.UNKNOWN.withReusePort(false), owner, process);
  }

  private HostFacts hostFacts() throws IOException {
    List<ExcludedRange> ranges = new ArrayList<>();
    ranges.addAll(
        ExcludedPortRanges.parse(
            runner.run(
                List.of("netsh", "int", "ipv4", "show", "excludedportrange", "protocol=tcp")),
            Family.INET));
    ranges.addAll(
        ExcludedPortRanges.parse(
            runner.run(
                List.of("netsh", "int", "ipv6", "show", "excludedportrange", "protocol=tcp")),
            Family.INET6));
    Set<InetAddress> addresses = localAddresses.get();
    boolean ipv6 = addresses.stream().anyMatch(a -> a instanceof Inet6Address);
    LinuxSysctls none =
        new LinuxSysctls(OptionalInt.empty(), TriState.UNKNOWN, TriState.UNKNOWN, TriState.UNKNOWN);
    return new HostFacts(addresses, TriState.of(ipv6), none, ranges);
  }

  private static String runProcess(List<String> command) throws IOException {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String encoding = System.getProperty("native.encoding", Charset.defaultCharset().name());
    try (var out = process.getInputStream()) {
      String text = new String(out.readAllBytes(), Charset.forName(encoding));
      process.waitFor();
      return text;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while running " + String.join(" ", command), e);
    } finally {
      process.destroy();
    }
  }
}
