package dev.portkeep.config;

import java.nio.file.Path;
import java.util.Objects;

/**
 * What the process knows about its user: home directory, login name and whether a terminal is
 * attached for prompts. Injected so tests never read the real ~/.ssh.
 */
public record Environment(Path home, String localUser, boolean interactive) {
  public Environment {
    Objects.requireNonNull(home, "home");
    Objects.requireNonNull(localUser, "localUser");
  }

  /** Expands a leading {@code ~/} (or a lone {@code ~}) against the home directory. */
  public Path expand(String path) {
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
}
