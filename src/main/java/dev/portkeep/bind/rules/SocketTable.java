package dev.portkeep.bind.rules;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;

/** The sockets that own local TCP ports, and whether bound-only ones could be seen. */
public record SocketTable(List<SocketEntry> entries, Coverage coverage) {
  public SocketTable {
    entries = List.copyOf(entries);
    requireNonNull(coverage, "coverage");
  }

  /** A table that lists exactly these sockets and nothing is hidden from it. */
  public static SocketTable of(SocketEntry... entries) {
    return new SocketTable(List.of(entries), Coverage.ALL_SOCKETS);
  }

  /** The entries on one port, in either family. */
  public List<SocketEntry> onPort(int port) {
    return entries.stream().filter(e -> e.local().port() == port).toList();
  }

  /** This table plus a socket the caller knows about, e.g. one it bound but has not listened on. */
  public SocketTable with(SocketEntry entry) {
    List<SocketEntry> more = new ArrayList<>(entries);
    more.add(entry);
    return new SocketTable(more, coverage);
  }
}
