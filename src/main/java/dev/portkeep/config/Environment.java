package dev.portkeep.config;

import dev.portkeep.error.UsageException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What the process knows about its user: home directory, login name, whether a terminal is attached
 * for prompts, and the environment variables portkeep reads ({@code SSH_AUTH_SOCK}, and those an
 * IdentityAgent of {@code $NAME} names). Injected so tests never read the real ~/.ssh or agent.
 */
public record Environment(
    Path home, String localUser, boolean interactive, Map<String, String> variables) {
  public Environment {
    Objects.requireNonNull(home, "home");
    Objects.requireNonNull(localUser, "localUser");
    variables = Map.copyOf(variables);
  }

  /** An environment with no variables set, as tests want it. */
  public Environment(Path home, String localUser, boolean interactive) {
    this(home, localUser, interactive, Map.of());
  }

  /**
   * Expands a leading {@code ~/} (or a lone {@code ~}) against the home directory.
   *
   * @throws UsageException for text no path can be (a NUL character, or on Windows a {@code *})
   */
  public Path expand(String path) {
    try {
      return expandOrThrow(path);
    } catch (InvalidPathException e) {
      throw new UsageException(
          "invalid path '" + path.replace("\0", "\\0") + "': " + e.getReason(),
          "write a file name without control characters");
    }
  }

  /**
   * As {@link #expand}, but text no path can be is the JDK's exception, for a caller that words the
   * error itself (naming the file and line it came from).
   */
  public Path expandOrThrow(String path) throws InvalidPathException {
    if (path.equals("~")) {
      return home;
    }
    if (path.startsWith("~/")) {
      return home.resolve(path.substring(2));
    }
    return home.getFileSystem().getPath(path);
  }

  public Path sshDir() {
    return home.resolve(".ssh");
  }

  /** An environment variable, empty when unset or empty. */
  public Optional<String> variable(String name) {
    return Optional.ofNullable(variables.get(name)).filter(v -> !v.isEmpty());
  }
}
