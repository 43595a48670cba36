package dev.portkeep.config.sshconfig;

import dev.portkeep.config.Environment;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** A throwaway home directory with a {@code .ssh} directory, for configs written by tests. */
final class TempHome {
  final Path home;
  final Environment env;

  TempHome(Path dir) {
    this.home = dir;
    this.env = new Environment(dir, "ann", false);
  }

  /** Writes {@code text} to {@code relative} under the home directory, creating directories. */
  Path write(String relative, String text) {
    Path file = home.resolve(relative);
    try {
      Files.createDirectories(file.getParent());
      Files.writeString(file, text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return file;
  }

  /** Writes {@code ~/.ssh/config} and loads it as the default file. */
  SshConfig config(String text) {
    write(".ssh/config", text);
    return SshConfig.loadDefault(env);
  }

  HostConfig resolve(String text, String host) {
    return config(text).resolve(host);
  }
}
