package dev.portkeep;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Keeps MINA SSHD in ssh/, picocli and printing in cli/, and sun.* out of everything but
 * cli/StopSignal, by reading the sources.
 */
class LayeringTest {
  private static final Path ROOT = Path.of("src/main/java/dev/portkeep");

  /** An import from sun.*, or any mention of the sun.misc package. */
  private static final Pattern SUN_API =
      Pattern.compile("\\bimport\\s+(static\\s+)?sun\\.|\\bsun\\.misc\\.");

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
    "ssh/io, dev.portkeep.",
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

  /**
   * StopSignal reaches the JDK's signal API (in sun.misc) by reflection, the one sun.* use: the JDK
   * has no public one. Nothing else in main or test code may use sun.* at all.
   */
  @Test
  void sunApi_onlyStopSignalUsesIt() throws IOException {
    Path stopSignal = ROOT.resolve("cli/StopSignal.java");
    assertThat(SUN_API.matcher(Files.readString(stopSignal)).find())
        .as("StopSignal still reaches the signal API (else this rule has moved)")
        .isTrue();
    try (Stream<Path> main = Files.walk(Path.of("src/main/java"));
        Stream<Path> test = Files.walk(Path.of("src/test/java"))) {
      List<Path> offenders =
          Stream.concat(main, test)
              .filter(f -> f.toString().endsWith(".java"))
              .filter(f -> !f.equals(stopSignal))
              .filter(f -> SUN_API.matcher(read(f)).find())
              .toList();
      assertThat(offenders).as("files other than %s using sun.*", stopSignal).isEmpty();
    }
  }

  private static boolean contains(Path file, String text) {
    return read(file).contains(text);
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
