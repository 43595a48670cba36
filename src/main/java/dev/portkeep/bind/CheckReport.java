package dev.portkeep.bind;

import java.util.List;

/** What {@code portkeep check} found for one listen address: each socket, hints, and caveats. */
public record CheckReport(
    String address, List<SocketCheck> sockets, List<String> hints, List<String> notes) {
  public CheckReport {
    sockets = List.copyOf(sockets);
    hints = List.copyOf(hints);
    notes = List.copyOf(notes);
  }

  /** True when every planned socket would bind. */
  public boolean bindable() {
    return sockets.stream().allMatch(SocketCheck::bindable);
  }

  /** The first socket that would not bind, if any. */
  public java.util.Optional<SocketCheck> firstFailure() {
    return sockets.stream().filter(s -> !s.bindable()).findFirst();
  }
}
