package dev.portkeep.config.tunnels;

import dev.portkeep.config.ForwardSyntax;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * The keys at the top of the tunnels file, before the first {@code [tunnel.NAME]} table.
 *
 * @param sshConfig the ssh_config every tunnel reads, as for {@code -F} ({@code none}: none); a
 *     relative path is already resolved against the tunnels file's folder; empty for {@code
 *     ~/.ssh/config}
 * @param onChange the state-change hook of every tunnel without its own
 * @param hookTimeout how long a hook may run before it is stopped
 * @param log the log file, if any, and its rotation
 * @param metrics where the metrics endpoint listens, if anywhere
 * @param ui where the web page listens, if anywhere
 */
public record Globals(
    Optional<String> sshConfig,
    Optional<String> onChange,
    Duration hookTimeout,
    Log log,
    Optional<ForwardSyntax.Listen> metrics,
    Optional<ForwardSyntax.Listen> ui) {

  public static final Duration DEFAULT_HOOK_TIMEOUT = Duration.ofSeconds(30);
  static final long MAX_HOOK_TIMEOUT_SECONDS = 3_600;

  public static final Globals DEFAULTS =
      new Globals(
          Optional.empty(),
          Optional.empty(),
          DEFAULT_HOOK_TIMEOUT,
          Log.DEFAULTS,
          Optional.empty(),
          Optional.empty());

  public Globals {
    Objects.requireNonNull(sshConfig, "sshConfig");
    Objects.requireNonNull(onChange, "onChange");
    Objects.requireNonNull(hookTimeout, "hookTimeout");
    if (hookTimeout.toSeconds() < 1 || hookTimeout.toSeconds() > MAX_HOOK_TIMEOUT_SECONDS) {
      throw new IllegalArgumentException("hook timeout " + hookTimeout);
    }
    Objects.requireNonNull(log, "log");
    Objects.requireNonNull(metrics, "metrics");
    Objects.requireNonNull(ui, "ui");
  }

  /**
   * The log file: written besides the console, and rotated when it reaches {@code maxSize} bytes
   * ({@code file.1} the newest of {@code keep} old files; none kept with 0).
   */
  public record Log(Optional<Path> file, long maxSize, int keep) {
    public static final long DEFAULT_MAX_SIZE = 10L << 20;
    public static final int DEFAULT_KEEP = 3;
    static final long MIN_SIZE = 1L << 10;
    static final long MAX_SIZE = 1L << 30;
    static final int MAX_KEEP = 100;

    public static final Log DEFAULTS = new Log(Optional.empty(), DEFAULT_MAX_SIZE, DEFAULT_KEEP);

    public Log {
      Objects.requireNonNull(file, "file");
      if (maxSize < MIN_SIZE || maxSize > MAX_SIZE) {
        throw new IllegalArgumentException("log size " + maxSize);
      }
      if (keep < 0 || keep > MAX_KEEP) {
        throw new IllegalArgumentException("log keep " + keep);
      }
    }
  }
}
