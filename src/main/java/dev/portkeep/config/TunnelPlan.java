package dev.portkeep.config;

import java.util.List;
import java.util.Objects;

/**
 * One SSH server, the forwards to run over it, and how many SSH sessions carry them: with more than
 * one ({@code -o Sessions=N}), forwarded connections are spread across the sessions so encryption
 * runs on more than one core.
 */
public record TunnelPlan(SessionSettings session, List<ForwardSpec> forwards, int sessions) {
  public static final int MAX_SESSIONS = 16;

  public TunnelPlan {
    Objects.requireNonNull(session, "session");
    forwards = List.copyOf(forwards);
    if (sessions < 1 || sessions > MAX_SESSIONS) {
      throw new IllegalArgumentException("sessions " + sessions);
    }
  }

  public TunnelPlan(SessionSettings session, List<ForwardSpec> forwards) {
    this(session, forwards, 1);
  }
}
