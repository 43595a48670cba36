package dev.portkeep.config.sshconfig;

import dev.portkeep.config.Environment;
import dev.portkeep.error.UsageException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * The user's OpenSSH client configuration, read as ssh reads it: {@code ~/.ssh/config} (or the file
 * given with {@code -F}) and everything it includes. Only this file is read, not {@code
 * /etc/ssh/ssh_config}.
 *
 * <p>{@link #load} fails on what ssh rejects in any block (bad quotes, missing or extra arguments,
 * malformed Match lines, Include loops); {@link #resolve} fails on a keyword OpenSSH does not know,
 * unless an IgnoreUnknown that applies to the host covers it, as in ssh. Both throw {@link
 * UsageException} with {@code file: line n:} in the message.
 */
public final class SshConfig {
  private final Environment env;
  private final List<Entry> entries;

  private SshConfig(Environment env, List<Entry> entries) {
    this.env = env;
    this.entries = entries;
  }

  /**
   * Reads {@code file} and its Includes. The default {@code ~/.ssh/config} may be missing (an empty
   * configuration) and, like every included file, must not be writable by others; any other file is
   * a {@code -F} file and must exist. {@code -F none} reads nothing, as in ssh.
   */
  public static SshConfig load(Path file, Environment env) {
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(env, "env");
    if (file.toString().equalsIgnoreCase("none")) {
      return empty(env);
    }
    boolean isDefault =
        file.toAbsolutePath().normalize().equals(defaultFile(env).toAbsolutePath().normalize());
    if (!Files.exists(file)) {
      if (isDefault) {
        return empty(env);
      }
      throw new UsageException(
          "cannot read ssh config '" + file + "': no such file", "check the path given with -F");
    }
    return new SshConfig(env, new Loader(env).load(file, isDefault).entries());
  }

  /** Reads {@code ~/.ssh/config}, which may be missing. */
  public static SshConfig loadDefault(Environment env) {
    return load(defaultFile(env), env);
  }

  /** A configuration with nothing in it: every host resolves to no values. */
  public static SshConfig empty(Environment env) {
    return new SshConfig(Objects.requireNonNull(env, "env"), List.of());
  }

  private static Path defaultFile(Environment env) {
    return env.sshDir().resolve("config");
  }

  /**
   * The values for {@code host}, the host part of the destination exactly as given (no user@, no
   * :port).
   */
  public HostConfig resolve(String host) {
    return resolve(host, Overrides.NONE);
  }

  /**
   * As {@link #resolve(String)}, with the values the command line fixed before the file is read.
   */
  public HostConfig resolve(String host, Overrides given) {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(given, "given");
    if (host.isEmpty()) {
      throw new IllegalArgumentException("empty host");
    }
    return new Resolution(host, given, env).run(entries);
  }

  /**
   * Whether a {@code Host} line in this file or its Includes names {@code host} with a pattern of
   * its own: the line matches (its negations included) through a positive pattern other than a lone
   * {@code *}. This tells an alias the user defined from a name that only the catch-all block
   * covers. {@code Match} blocks do not count; nothing is resolved.
   */
  public boolean hasHostBlockFor(String host) {
    Objects.requireNonNull(host, "host");
    return namedIn(entries, host);
  }

  private static boolean namedIn(List<Entry> entries, String host) {
    for (Entry entry : entries) {
      boolean named =
          switch (entry) {
            case Entry.HostLine line ->
                line.matches(host)
                    && line.patterns().stream()
                        .anyMatch(
                            p -> !p.startsWith("!") && !p.equals("*") && Patterns.matches(host, p));
            case Entry.IncludeLine include ->
                include.files().stream().anyMatch(file -> namedIn(file.entries(), host));
            default -> false;
          };
      if (named) {
        return true;
      }
    }
    return false;
  }
}
