package dev.portkeep.bind.rules;

/** The address family of a socket: what the kernel was asked for, not what the address looks like. */
public enum Family {
  INET,
  INET6
}
