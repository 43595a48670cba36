package dev.portkeep.bind.rules;

/** How much of the host's socket table a snapshot could see. */
public enum Coverage {
  /** Every socket that owns a port is listed, bound-only ones included. */
  ALL_SOCKETS,
  /** Bound-but-not-listening sockets are missing (Linux /proc/net/tcp, netstat without -q). */
  WITHOUT_BOUND_ONLY_SOCKETS
}
