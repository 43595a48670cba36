package dev.portkeep.cli;

import dev.portkeep.testing.ProcessTree;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The shipped jar as a real process, for what only a process shows: its log on stderr ({@code -v}),
 * its environment ({@code SSH_AUTH_SOCK}) and the processes it starts. Its home directory is {@code
 * home} and its environment holds only PATH and {@code env}, so the tester's own ~/.ssh and agent
 * stay out.
 */
public final class JarRun implements AutoCloseable {
  private final Process process;
  private final Path out;
  private final Path err;

  private JarRun(Process process, Path out, Path err) {
    this.process = process;
    this.out = out;
    this.err = err;
  }

  /** The command that runs the jar with {@code args} and {@code home} as its home directory. */
  public static List<String> argv(Path home, String... args) {
    List<String> argv = new ArrayList<>();
    argv.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    argv.add("-Duser.home=" + home);
    argv.add("-jar");
    argv.add(ProcessIT.JAR.toAbsolutePath().toString());
    argv.addAll(List.of(args));
    return argv;
  }

  public static JarRun start(Path home, Map<String, String> env, String... args) {
    List<String> argv = argv(home, args);
    try {
      Path out = Files.createTempFile(home, "portkeep-", ".out");
      Path err = Files.createTempFile(home, "portkeep-", ".err");
      ProcessBuilder builder =
          new ProcessBuilder(argv)
              .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
              .redirectOutput(out.toFile())
              .redirectError(err.toFile());
      String path = builder.environment().getOrDefault("PATH", "/usr/bin:/bin");
      builder.environment().clear();
      builder.environment().put("PATH", path);
      builder.environment().put("HOME", home.toString());
      builder.environment().putAll(env);
      return new JarRun(builder.start(), out, err);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public long pid() {
    return process.pid();
  }

  public String out() {
    return read(out);
  }

  public String err() {
    return read(err);
  }

  /** Waits until stdout or stderr contains {@code text}; fails with both if it never does. */
  public String await(String text, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      String both = out() + err();
      if (both.contains(text)) {
        return both;
      }
      if (!process.isAlive() && !(out() + err()).contains(text)) {
        break;
      }
      Thread.sleep(20);
    }
    throw new AssertionError("expected '" + text + "'; stdout:\n" + out() + "\nstderr:\n" + err());
  }

  /** The exit code, once it has exited by itself (at most {@code timeout}). */
  public int exitCode(Duration timeout) throws InterruptedException {
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new AssertionError("portkeep still runs after " + timeout + "; stderr:\n" + err());
    }
    return process.exitValue();
  }

  /** SIGTERM, as a service manager stops it; returns the exit code. */
  public int stop() throws InterruptedException {
    process.destroy();
    return exitCode(Duration.ofSeconds(20));
  }

  /** Kills what is left of it and its children. */
  @Override
  public void close() {
    if (process.isAlive()) {
      ProcessTree.killTree(process.pid());
      ProcessTree.waitFor(process, Duration.ofSeconds(5));
    }
  }

  private static String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
