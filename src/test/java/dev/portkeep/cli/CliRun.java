package dev.portkeep.cli;

import dev.portkeep.config.Environment;
import dev.portkeep.ssh.Prompts;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Runs portkeep's command line in-process and captures what it printed and its exit code. */
public final class CliRun {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();
  private final StopSignal stop = new StopSignal();
  private final CompletableFuture<Integer> exit;

  private CliRun(Path home, Prompts prompts, String... args) {
    Environment env = new Environment(home, "tester", prompts != Prompts.NONE);
    PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
    PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8);
    exit =
        CompletableFuture.supplyAsync(
            () -> Main.run(args, o, e, env, prompts, stop),
            r -> Thread.ofPlatform().daemon().start(r));
  }

  /** Starts portkeep in the background; {@link #stop()} ends it as SIGTERM would. */
  public static CliRun start(Path home, String... args) {
    return new CliRun(home, Prompts.NONE, args);
  }

  /**
   * Starts {@code portkeep up} on {@code file}, its control at {@code socket}, its page on uiPort.
   */
  public static CliRun upWithPage(Path home, Path file, Path socket, int uiPort) {
    return start(
        home,
        "up",
        "-c",
        file.toString(),
        "--control",
        socket.toString(),
        "--ui=127.0.0.1:" + uiPort);
  }

  public static CliRun start(Path home, Prompts prompts, String... args) {
    return new CliRun(home, prompts, args);
  }

  /** Runs portkeep to its end (at most 60 s). */
  public static CliRun run(Path home, String... args) {
    CliRun run = new CliRun(home, Prompts.NONE, args);
    run.exitCode(Duration.ofSeconds(60));
    return run;
  }

  public int exitCode(Duration timeout) {
    try {
      return exit.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      throw new AssertionError(
          "portkeep did not exit within " + timeout + "; stderr:\n" + err(), e);
    }
  }

  public int exitCode() {
    return exitCode(Duration.ofSeconds(60));
  }

  /** Waits until stdout contains {@code text}, or fails with what was printed. */
  public String awaitOut(String text, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (out().contains(text)) {
        return out();
      }
      if (exit.isDone()) {
        break;
      }
      Thread.sleep(20);
    }
    throw new AssertionError(
        "expected '" + text + "' on stdout; stdout:\n" + out() + "\nstderr:\n" + err());
  }

  public int stop() {
    stop.request("test");
    return exitCode(Duration.ofSeconds(30));
  }

  /** As SIGHUP would: portkeep up reloads. */
  public void hangup() {
    stop.hangup();
  }

  public boolean isRunning() {
    return !exit.isDone();
  }

  public String out() {
    return out.toString(StandardCharsets.UTF_8);
  }

  public String err() {
    return err.toString(StandardCharsets.UTF_8);
  }
}
