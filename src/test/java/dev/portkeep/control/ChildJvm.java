package dev.portkeep.control;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** {@link ControlProcess} in a JVM of its own: lines out, lines in, ended by {@link #close()}. */
final class ChildJvm implements AutoCloseable {
  private final Process process;
  private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
  private final Writer stdin;

  private ChildJvm(Process process) {
    this.process = process;
    this.stdin = process.outputWriter(StandardCharsets.UTF_8);
    Thread.ofVirtual()
        .start(
            () -> {
              try (BufferedReader out =
                  new BufferedReader(
                      new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = out.readLine()) != null; ) {
                  lines.add(line);
                }
              } catch (IOException e) {
                // the process ended
              }
            });
  }

  /**
   * Runs {@code ControlProcess args} from {@code jar} (the built one, or a copy) and {@code
   * classes} (this module's test classes, or a copy), behind {@code prefix} (e.g. setpriv).
   */
  static ChildJvm start(List<String> prefix, Path jar, Path classes, String... args) {
    List<String> argv = new ArrayList<>(prefix);
    argv.addAll(
        List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-cp",
            jar.toAbsolutePath() + ":" + classes.toAbsolutePath(),
            ControlProcess.class.getName()));
    argv.addAll(List.of(args));
    try {
      return new ChildJvm(
          new ProcessBuilder(argv).redirectError(ProcessBuilder.Redirect.INHERIT).start());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static ChildJvm start(String... args) {
    return start(List.of(), Path.of("target/portkeep.jar"), Path.of("target/test-classes"), args);
  }

  long pid() {
    return process.pid();
  }

  /** The next line it prints, waiting up to 30 s. */
  String nextLine() throws InterruptedException {
    String line = lines.poll(30, TimeUnit.SECONDS);
    if (line == null) {
      throw new AssertionError("child " + process.pid() + " printed nothing within 30 s");
    }
    return line;
  }

  void println(String line) throws IOException {
    stdin.write(line + "\n");
    stdin.flush();
  }

  /** Kills it as a crash would: no cleanup runs. */
  void crash() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  /** Ends its stdin so a server closes; kills it if it has not ended within 30 s. */
  @Override
  public void close() throws InterruptedException {
    try {
      stdin.close();
    } catch (IOException e) {
      // already gone
    }
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      process.waitFor(30, TimeUnit.SECONDS);
    }
  }
}
