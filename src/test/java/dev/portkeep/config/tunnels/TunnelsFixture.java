package dev.portkeep.config.tunnels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.portkeep.config.Environment;
import dev.portkeep.error.UsageException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Tunnels files written as text blocks: {@code parse} reads one as {@code tunnels.toml} with the
 * home folder (and its {@code ~/.ssh/config}) in a temporary folder, {@code error} expects it to
 * fail, and {@link #assertError} checks the parts every message must have.
 */
final class TunnelsFixture {
  static final Path FILE = Path.of("tunnels.toml");

  final Path home;
  final Environment env;

  TunnelsFixture(Path home) {
    this.home = home;
    this.env = new Environment(home, "ann", false);
  }

  /** Writes {@code ~/.ssh/config}, which every parse then reads. */
  TunnelsFixture sshConfig(String text) {
    write(".ssh/config", text);
    return this;
  }

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

  TunnelsFile parse(String toml) {
    return TunnelsFileReader.parse(FILE, toml, env, TunnelsFileReader.sshConfigs(env));
  }

  UsageException error(String toml) {
    UsageException e = catchThrowableOfType(UsageException.class, () -> parse(toml));
    assertThat(e).as("an error for:%n%s", toml).isNotNull();
    return e;
  }

  /**
   * The message starts {@code tunnels.toml:<line>: <key>: } and quotes {@code value}; the hint says
   * {@code hint}.
   */
  static void assertError(UsageException e, int line, String key, String value, String hint) {
    assertThat(e.getMessage())
        .startsWith(FILE + ":" + line + ": " + key + ": ")
        .contains("'" + value + "'");
    assertThat(e.hint()).contains(hint);
    assertThat(e.getMessage()).doesNotContain("\n");
  }
}
