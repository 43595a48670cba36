package dev.portkeep.config;

import java.util.List;
import java.util.Objects;

/** One SSH session and the forwards to run over it. */
public record TunnelPlan(SessionSettings session, List<ForwardSpec> forwards) {
  public TunnelPlan {
    Objects.requireNonNull(session, "session");
    forwards = List.copyOf(forwards);
  }
}
