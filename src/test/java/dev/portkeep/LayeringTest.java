package dev.portkeep;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Keeps MINA SSHD in ssh/, picocli and printing in cli/, by reading the sources. */
class LayeringTest {
  private static final Path ROOT = Path.of("src/main/java/dev/portkeep");

  @ParameterizedTest(name = "only {1} may contain ''{0}''")
  @CsvSource({
    "import org.apache.sshd., ssh",
    "import picocli., cli",
    "System.out, cli",
    "System.err, cli",
    "printStackTrace, cli",
  })
  void text_appearsOnlyInItsPackage(String text, String allowed) throws IOException {
    try (Stream<Path> files = Files.walk(ROOT)) {
      List<Path> offenders =
          files
              .filter(f -> f.toString().endsWith(".java"))
              .filter(f -> !ROOT.relativize(f).startsWith(allowed))
              .filter(f -> contains(f, text))
              .toList();
      assertThat(offenders).as("files outside %s/ containing '%s'", allowed, text).isEmpty();
    }
  }

  @ParameterizedTest(name = "{0}/ must not depend on {1}")
  @CsvSource({
    "error, dev.portkeep.",
    "config, dev.portkeep.bind",
    "config, dev.portkeep.ssh",
    "config, dev.portkeep.forward",
    "forward, dev.portkeep.ssh",
    "forward, dev.portkeep.reconnect",
    "bind, dev.portkeep.ssh",
    "control, dev.portkeep.cli",
    "control, dev.portkeep.ssh",
    "control, dev.portkeep.forward",
    "control, dev.portkeep.reconnect",
  })
  void package_doesNotImport(String pkg, String prefix) throws IOException {
    try (Stream<Path> files = Files.walk(ROOT.resolve(pkg))) {
      List<Path> offenders =
          files
              .filter(f -> f.toString().endsWith(".java"))
              .filter(f -> contains(f, "import " + prefix))
              .toList();
      assertThat(offenders).isEmpty();
    }
  }

  private static boolean contains(Path file, String text) {
    try {
      return Files.readString(file).contains(text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
