package dev.portkeep.config.tunnels;

import dev.portkeep.config.Flags;
import dev.portkeep.config.Keyword;
import dev.portkeep.error.UsageException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * One {@code [tunnel.NAME]} table of the tunnels file.
 *
 * <p>Two definitions are equal exactly when they describe the same tunnel: every field counts but
 * {@link #origin}, so moving a table in the file changes nothing, and {@code reload} restarts only
 * the tunnels whose definition differs.
 *
 * @param name 1-64 letters, digits, {@code - _ .}, starting with a letter or digit
 * @param connection how to reach the SSH server
 * @param forwards the {@code local}, {@code remote} and {@code dynamic} specs (none for SMB)
 * @param smb present for an SMB tunnel
 * @param enabled started by {@code up}; a disabled tunnel is defined but left stopped
 * @param probe time between health probes; zero for none
 * @param onChange this tunnel's state-change hook, which replaces the global one
 * @param origin the file and line of the table, for messages; not part of equality
 */
public record TunnelDef(
    String name,
    Connection connection,
    Forwards forwards,
    Optional<SmbDef> smb,
    boolean enabled,
    Duration probe,
    Optional<String> onChange,
    Origin origin) {

  /** A tunnel name: it becomes a command argument, a metric label and an environment value. */
  static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

  public static final Duration SMB_PROBE = Duration.ofSeconds(60);
  static final long MAX_PROBE_SECONDS = 86_400;

  public TunnelDef {
    Objects.requireNonNull(name, "name");
    if (!isValidName(name)) {
      throw new IllegalArgumentException("tunnel name " + Quote.of(name));
    }
    Objects.requireNonNull(connection, "connection");
    Objects.requireNonNull(forwards, "forwards");
    Objects.requireNonNull(smb, "smb");
    if (smb.isPresent() && !forwards.isEmpty()) {
      throw new IllegalArgumentException("an SMB tunnel has no other forwards");
    }
    Objects.requireNonNull(probe, "probe");
    if (probe.isNegative() || probe.toSeconds() > MAX_PROBE_SECONDS) {
      throw new IllegalArgumentException("probe " + probe);
    }
    Objects.requireNonNull(onChange, "onChange");
    Objects.requireNonNull(origin, "origin");
  }

  public static boolean isValidName(String name) {
    return NAME.matcher(name).matches();
  }

  public String host() {
    return connection.host();
  }

  public List<String> local() {
    return forwards.local();
  }

  public List<String> remote() {
    return forwards.remote();
  }

  public List<String> dynamic() {
    return forwards.dynamic();
  }

  public Map<Keyword, List<String>> options() {
    return connection.options();
  }

  public Optional<String> passwordCommand() {
    return connection.passwordCommand();
  }

  /**
   * The command line {@code portkeep [options] host} for this tunnel, for {@code Plans.fromFlags}:
   * the host as destination, the forwards, {@code -F} from {@code ssh_config}, {@code -4}/{@code
   * -6} from {@code address_family} and the options as {@code -o Key=value}. An SMB tunnel has no
   * forwards here: add {@link SmbDef#forwards} once its listener is chosen.
   */
  public Flags flags() {
    return new Flags(
        connection.host(),
        Optional.empty(),
        Optional.empty(),
        List.of(),
        connection.family(),
        forwards.local(),
        forwards.remote(),
        forwards.dynamic(),
        Optional.empty(),
        connection.sshConfig(),
        connection.optionArguments());
  }

  /**
   * An error found later, when the plan is built (a bad option value, a missing key file), placed
   * at this tunnel's table: {@code file:line: tunnel 'db': message}.
   */
  public UsageException explain(UsageException e) {
    return new UsageException(
        origin + ": tunnel " + Quote.of(name) + ": " + Quote.oneLine(e.getMessage()), e.hint(), e);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TunnelDef t
        && name.equals(t.name)
        && connection.equals(t.connection)
        && forwards.equals(t.forwards)
        && smb.equals(t.smb)
        && enabled == t.enabled
        && probe.equals(t.probe)
        && onChange.equals(t.onChange);
  }

  @Override
  public int hashCode() {
    return Objects.hash(name, connection, forwards, smb, enabled, probe, onChange);
  }
}
