package dev.portkeep.service;

import dev.portkeep.error.UsageException;

/** Where the service runs: in the user's own session from logon (the default), or at boot. */
public enum Scope {
  USER,
  SYSTEM;

  /**
   * The scope the flags ask for; both at once is refused, as is {@code --system} by anyone but root
   * (uid 0): its files and commands are the machine's, not the user's.
   */
  public static Scope of(boolean user, boolean system, long uid) {
    if (user && system) {
      throw new UsageException(
          "--user and --system together: a service runs in one of them",
          "drop one: --user (the default) runs at your logon, --system at boot as root");
    }
    if (system && uid != 0) {
      throw new UsageException(
          "--system needs root (running as uid " + uid + ")",
          "run it with sudo, or leave out --system for a service of your own (--user)");
    }
    return system ? SYSTEM : USER;
  }
}
