package dev.portkeep.config;

/** OpenSSH's StrictHostKeyChecking: what to do with a host key that is not yet known. */
public enum StrictHostKeyChecking {
  /** Never add keys; refuse unknown hosts. */
  YES,
  /** Add unknown keys to known_hosts; refuse changed ones. */
  ACCEPT_NEW,
  /** Add unknown keys without asking; changed keys are still refused by portkeep. */
  NO,
  /** Ask on the terminal about unknown keys; refuse changed ones. */
  ASK
}
