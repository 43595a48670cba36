package dev.portkeep.fleet;

import dev.portkeep.config.TunnelPlan;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * One named tunnel as {@code portkeep up} runs it: how to make its plan (read anew at every start,
 * so a changed ssh_config or key takes effect), how to probe it, what makes it an SMB tunnel, its
 * hook, and the value that says whether a reload changed it.
 */
public record Definition(
    String name,
    boolean enabled,
    Planner planner,
    Probe probe,
    Optional<Smb> smb,
    Optional<String> onChange,
    Object identity) {

  /** Makes the tunnel's plan; a bad configuration is a UsageException. */
  @FunctionalInterface
  public interface Planner {
    TunnelPlan plan();
  }

  /** How a tunnel's far end is checked: not at all, by opening a channel, or by SMB2 NEGOTIATE. */
  public sealed interface Probe {
    record Off() implements Probe {}

    record Channel(Duration every) implements Probe {}

    record Smb(Duration every) implements Probe {}
  }

  /**
   * An SMB tunnel: the first forward of its plan is the SMB listener, and {@code share} is the
   * share its client commands name (empty when the file names none).
   */
  public record Smb(Optional<String> share) {
    public Smb {
      Objects.requireNonNull(share, "share");
    }
  }

  public Definition {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(planner, "planner");
    Objects.requireNonNull(probe, "probe");
    Objects.requireNonNull(smb, "smb");
    Objects.requireNonNull(onChange, "onChange");
    Objects.requireNonNull(identity, "identity");
  }
}
