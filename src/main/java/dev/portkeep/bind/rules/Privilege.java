package dev.portkeep.bind.rules;

/** Whether the caller may bind ports below Linux's {@code ip_unprivileged_port_start}. */
public enum Privilege {
  /** Root, or a process holding CAP_NET_BIND_SERVICE; on Windows, an administrator. */
  PRIVILEGED,
  UNPRIVILEGED
}
