package dev.portkeep.bind.rules;

/** The address family a socket was created with, which need not match how its address looks. */
public enum Family {
  INET,
  INET6
}
