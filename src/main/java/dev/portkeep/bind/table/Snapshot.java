package dev.portkeep.bind.table;

import static java.util.Objects.requireNonNull;

import dev.portkeep.bind.rules.HostFacts;
import dev.portkeep.bind.rules.SocketTable;
import java.util.List;

/** One look at the host: its sockets, its facts, and what could not be seen. */
public record Snapshot(SocketTable table, HostFacts host, List<String> notes) {
  public Snapshot {
    requireNonNull(table, "table");
    requireNonNull(host, "host");
    notes = List.copyOf(notes);
  }
}
