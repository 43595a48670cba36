package dev.portkeep.bind.rules;

import static java.util.Objects.requireNonNull;

/** A socket that decided a verdict, and the stack (IPv4 or IPv6 port space) where it did. */
public record Holder(SocketEntry entry, Stack stack) {
  public Holder {
    requireNonNull(entry, "entry");
    requireNonNull(stack, "stack");
  }
}
