package dev.portkeep.status;

import java.util.Locale;

/** Where a named tunnel is in its life, as status, logs, hooks and the web page say it. */
public enum TunnelState {
  /** Its first session is being set up (listeners already bound). */
  CONNECTING,
  /** A session is up and the forwards serve. */
  UP,
  /** The session was lost; attempts go on while the listeners stay bound. */
  RECONNECTING,
  /**
   * It cannot serve: a fatal failure (authentication, host key, configuration), which stays until
   * start, restart or reload, or a listener that cannot bind, which is tried again.
   */
  FAILED,
  /** Stopped by the user, or not started. */
  STOPPED;

  /** As status and hooks write it: {@code reconnecting}. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
