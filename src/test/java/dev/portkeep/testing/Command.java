package dev.portkeep.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a short external command to completion with a deadline and hands back its exit code and
 * output.
 */
public final class Command {
  /** What a finished command left: its exit code, standard output and standard error. */
  public record Result(List<String> argv, int exitCode, String stdout, String stderr) {
    /**
     * This result, or a failure naming the command, its exit code and its stderr when the code is
     * not 0.
     */
    public Result orThrow() {
      if (exitCode != 0) {
        throw new IllegalStateException(
            "command failed "
                + argv
                + ": exit "
                + exitCode
                + "\nstderr: "
                + stderr.strip()
                + "\nstdout: "
                + stdout.strip());
      }
      return this;
    }
  }

  private Command() {}

  /** Runs {@code argv}, killing its whole process tree if it outlives {@code timeout}. */
  public static Result run(Duration timeout, List<String> argv) {
    return run(timeout, null, argv);
  }

  /**
   * Runs {@code argv} in {@code directory} (null: this process's), as {@link #run(Duration, List)}.
   */
  public static Result run(Duration timeout, Path directory, List<String> argv) {
    Path out = null;
    Path err = null;
    try {
      out = Files.createTempFile("portkeep-cmd-", ".out");
      err = Files.createTempFile("portkeep-cmd-", ".err");
      Process process =
          new ProcessBuilder(argv)
              .directory(directory == null ? null : directory.toFile())
              .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
              .redirectOutput(out.toFile())
              .redirectError(err.toFile())
              .start();
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        ProcessTree.killTree(process.pid());
        process.waitFor(5, TimeUnit.SECONDS);
        throw new IllegalStateException(
            "command timed out after "
                + timeout.toMillis()
                + " ms "
                + argv
                + "\nstderr: "
                + Files.readString(err, StandardCharsets.UTF_8).strip());
      }
      return new Result(
          List.copyOf(argv),
          process.exitValue(),
          Files.readString(out, StandardCharsets.UTF_8),
          Files.readString(err, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run " + argv + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while running " + argv, e);
    } finally {
      deleteQuietly(out);
      deleteQuietly(err);
    }
  }

  /** Runs {@code argv} with {@code timeout}; see {@link #run(Duration, List)}. */
  public static Result run(Duration timeout, String... argv) {
    return run(timeout, List.of(argv));
  }

  private static void deleteQuietly(Path file) {
    if (file != null) {
      try {
        Files.deleteIfExists(file);
      } catch (IOException ignored) {
        // a leftover temp file is harmless
      }
    }
  }
}
