package dev.portkeep.bind.rules;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portkeep.bind.rules.BindHelper.Role;
import dev.portkeep.bind.table.LinuxProcSource;
import dev.portkeep.bind.table.Snapshot;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The socket a truth case starts from, made for real, and the table the model gets from /proc. */
final class FirstSocket implements AutoCloseable {
  private static final long TIME_WAIT_DEADLINE_NANOS = 2_000_000_000L;

  private final TruthCase.First first;
  private final BindPoint at;
  private final BindHelper helper;
  private final List<Integer> ids;

  private FirstSocket(TruthCase.First first, BindPoint at, BindHelper helper, List<Integer> ids) {
    this.first = first;
    this.at = at;
    this.helper = helper;
    this.ids = ids;
  }

  /** Makes the first socket on {@code port}; null when the port is already taken. */
  static FirstSocket create(TruthCase.First first, int port, Map<Role, BindHelper> helpers)
      throws IOException {
    if (first == null) {
      return new FirstSocket(null, null, null, List.of());
    }
    BindHelper helper = helpers.get(first.side().role());
    TruthCase.Side side = first.side();
    BindPoint at = side.at(port);
    if (first.state() == TcpState.TIME_WAIT || first.state() == TcpState.ESTABLISHED) {
      String reply =
          helper.call(
              "leftover "
                  + first.state()
                  + " "
                  + (at.family() == Family.INET6 ? 6 : 4)
                  + " "
                  + BindHelper.literal(at)
                  + " "
                  + port
                  + " "
                  + (side.reuseAddr() ? 1 : 0)
                  + " "
                  + (side.reusePort() ? 1 : 0));
      if (!reply.startsWith("ok")) {
        return null;
      }
      List<Integer> ids = new ArrayList<>();
      String[] words = reply.split(" ");
      for (int i = 2; i < words.length; i++) {
        ids.add(Integer.parseInt(words[i]));
      }
      return new FirstSocket(first, at, helper, ids);
    }
    int id = helper.open(at.family(), side.options());
    FirstSocket socket = new FirstSocket(first, at, helper, List.of(id));
    String bound =
        BindHelper.result(helper.call("bind " + id + " " + BindHelper.literal(at) + " " + port));
    if (bound.equals("OK") && first.state() == TcpState.LISTEN) {
      bound = BindHelper.result(helper.call("listen " + id));
    }
    if (!bound.equals("OK")) {
      socket.close();
      return null;
    }
    return socket;
  }

  /**
   * The socket table as the model should see it: /proc's entries, ours with the options the test
   * knows, plus our bound-only socket that /proc cannot show. Empty when strangers share the port.
   */
  Optional<SocketTable> table(LinuxProcSource reader, int port) throws IOException {
    Snapshot snapshot = reader.snapshot();
    long deadline = System.nanoTime() + TIME_WAIT_DEADLINE_NANOS;
    while (first != null
        && first.state() == TcpState.TIME_WAIT
        && !hasOurs(snapshot, port)
        && System.nanoTime() < deadline) {
      sleepBriefly();
      snapshot = reader.snapshot();
    }
    List<SocketEntry> entries = new ArrayList<>();
    for (SocketEntry entry : snapshot.table().entries()) {
      if (entry.local().port() != port) {
        entries.add(entry);
      } else if (isOurs(entry)) {
        checkReaderNamedUs(entry);
        entries.add(entry.withOptions(first.side().options().withExclusiveAddrUse(false)));
      } else {
        return Optional.empty(); // a stranger or a leftover of an earlier case: try another port
      }
    }
    if (first != null && first.state() == TcpState.BOUND) {
      entries.add(
          new SocketEntry(
              at,
              TcpState.BOUND,
              first.side().options(),
              helper.caller().principal(),
              new ProcessRef.Seen(helper.pid(), "python3", null)));
    } else if (first != null && !hasOurs(snapshot, port)) {
      throw new AssertionError("the reader does not show our " + first + " on port " + port);
    }
    return Optional.of(new SocketTable(entries, snapshot.table().coverage()));
  }

  private boolean hasOurs(Snapshot snapshot, int port) {
    return snapshot.table().onPort(port).stream().anyMatch(this::isOurs);
  }

  private boolean isOurs(SocketEntry entry) {
    if (first == null || !entry.local().equals(at)) {
      return false;
    }
    if (first.state() == TcpState.BOUND) {
      if (entry.state() == TcpState.TIME_WAIT) {
        // A connection of an earlier case that closed on this address, which the bind was allowed
        // to share: a leftover, not our socket; the caller tries another port.
        return false;
      }
      throw new AssertionError("a bound-only socket showed up in /proc: " + entry);
    }
    return entry.state() == first.state();
  }

  /** The reader must name the helper as the owner of every socket that has a process. */
  private void checkReaderNamedUs(SocketEntry entry) {
    if (entry.state() == TcpState.TIME_WAIT) {
      assertThat(entry.process()).isInstanceOf(ProcessRef.Absent.class);
      return;
    }
    assertThat(entry.process())
        .isInstanceOfSatisfying(
            ProcessRef.Seen.class, seen -> assertThat(seen.pid()).isEqualTo(helper.pid()));
    assertThat(entry.owner()).isEqualTo(helper.caller().principal());
  }

  private static void sleepBriefly() {
    try {
      Thread.sleep(5);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for TIME_WAIT", e);
    }
  }

  @Override
  public void close() throws IOException {
    for (int id : ids) {
      helper.call("close " + id);
    }
  }
}
