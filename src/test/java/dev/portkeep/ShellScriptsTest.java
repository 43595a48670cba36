package dev.portkeep;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.portkeep.testing.Command;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every shell script in the repository passes shellcheck without a single finding, at every
 * severity. Skipped, with the reason, where shellcheck is not installed; .ci/run installs it.
 */
class ShellScriptsTest {
  private static final Path REPO = Path.of("").toAbsolutePath();
  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  /** A #! line that runs a POSIX-family shell: sh, bash, dash or ksh, directly or through env. */
  private static final Pattern SHELL_SHEBANG =
      Pattern.compile("^#!\\s*\\S*/(env\\s+)?(ba|da|k)?sh(\\s.*)?$");

  /** Relative paths of the shell scripts: a shell #! line, or a name ending in .sh. */
  static List<String> shellScripts() throws IOException {
    List<String> scripts = new ArrayList<>();
    Files.walkFileTree(
        REPO,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
            // Build output and git's own files are not the repository's scripts.
            Path relative = REPO.relativize(dir);
            return relative.equals(Path.of("target")) || relative.equals(Path.of(".git"))
                ? FileVisitResult.SKIP_SUBTREE
                : FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
            if (attrs.isRegularFile()
                && (file.toString().endsWith(".sh")
                    || SHELL_SHEBANG.matcher(firstLine(file)).matches())) {
              scripts.add(REPO.relativize(file).toString());
            }
            return FileVisitResult.CONTINUE;
          }
        });
    return scripts.stream().sorted().toList();
  }

  @Test
  void shellScripts_found_includeTheLauncherCiAndBenchmarks() throws IOException {
    assertThat(shellScripts())
        .contains(
            "portkeep", ".ci/run", "bench/run", "bench/check-10k", "bench/soak", "bench/scale");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("shellScripts")
  void shellScript_shellcheck_findsNothing(String script) {
    assumeTrue(
        shellcheckInstalled(),
        "shellcheck is not installed (apt-get install shellcheck; CI has it)");
    // -x follows the files a script sources, as the scripts' own directives name them.
    Command.Result result =
        Command.run(
            TIMEOUT, List.of("shellcheck", "-x", "--format=gcc", REPO.resolve(script).toString()));
    assertThat(result.stdout() + result.stderr()).as("shellcheck %s", script).isEmpty();
    assertThat(result.exitCode()).as("shellcheck's exit code for %s", script).isZero();
  }

  private static String firstLine(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      String head = new String(in.readNBytes(200), StandardCharsets.ISO_8859_1);
      int end = head.indexOf('\n');
      return end < 0 ? head : head.substring(0, end);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static boolean shellcheckInstalled() {
    try {
      return Command.run(TIMEOUT, List.of("shellcheck", "--version")).exitCode() == 0;
    } catch (UncheckedIOException notFound) {
      return false;
    }
  }
}
