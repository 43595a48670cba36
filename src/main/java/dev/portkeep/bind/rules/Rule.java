package dev.portkeep.bind.rules;

/** The rule that decided a verdict; names are stable, so callers may switch on them. */
public enum Rule {
  /** No socket overlaps the planned address and port. */
  PORT_FREE,
  /** The family is not available on the host (no IPv6). */
  FAMILY_UNAVAILABLE,
  /** The address is not assigned to this host and non-local binds are off. */
  ADDRESS_NOT_LOCAL,
  /** Linux: a port below ip_unprivileged_port_start without CAP_NET_BIND_SERVICE. */
  PRIVILEGED_PORT,
  /** Linux: a v4-mapped address on an IPV6_V6ONLY socket. */
  MAPPED_ADDRESS_ON_V6ONLY,
  /** Linux: an IPv6 link-local address without a scope id. */
  LINK_LOCAL_WITHOUT_SCOPE,
  /** Linux: an overlapping listener, and SO_REUSEPORT is not shared under one uid. */
  LISTENER_HOLDS_PORT,
  /** Linux: an overlapping bound or connected socket, sharing neither REUSEADDR nor REUSEPORT. */
  SOCKET_HOLDS_PORT,
  /** Linux: an overlapping TIME_WAIT leftover, with no shared SO_REUSEADDR or SO_REUSEPORT. */
  TIME_WAIT_HOLDS_PORT,
  /** Linux: both sockets set SO_REUSEPORT, but another uid owns the existing one. */
  REUSEPORT_OTHER_USER,
  /** Linux: both set SO_REUSEADDR and the existing socket is not listening, so they share. */
  SHARED_BY_REUSEADDR,
  /** Linux: both set SO_REUSEPORT under one uid (or the other is TIME_WAIT), so they share. */
  SHARED_BY_REUSEPORT,
  /** Windows: the port lies in an excluded range reserved by a system component. */
  EXCLUDED_PORT_RANGE,
  /** Windows: the kernel (System, pid 4) holds the port, as the SMB server holds 445 and 139. */
  KERNEL_HOLDS_PORT,
  /** Windows: Microsoft's sharing table gives WSAEADDRINUSE for this pair of binds. */
  SHARING_TABLE_IN_USE,
  /** Windows: Microsoft's sharing table gives WSAEACCES for this pair of binds. */
  SHARING_TABLE_ACCESS_DENIED,
  /** Windows: Microsoft's sharing table lets this pair of binds coexist. */
  SHARING_TABLE_ALLOWS,
  /** Windows: connections linger with no listener; they hold the port if it was exclusive. */
  LINGERING_CONNECTION
}
