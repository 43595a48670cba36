package dev.portkeep.fleet;

import dev.portkeep.status.StateChange;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Runs the user's {@code on_change} commands, one at a time and in order, on a thread of their own:
 * a tunnel only queues the change and goes on. Each command runs through the shell with the change
 * in its environment ({@code PORTKEEP_TUNNEL}, {@code PORTKEEP_STATE}, {@code PORTKEEP_PREVIOUS},
 * {@code PORTKEEP_REASON}), its output goes to the log line by line, and it is killed with its
 * children after the time limit.
 */
final class HookRunner implements AutoCloseable {
  /** Changes waiting for their hook; beyond this a burst loses the oldest news, logged. */
  static final int QUEUE = 64;

  /** Output lines logged per run; the rest is counted, not printed. */
  static final int MAX_LINES = 50;

  private record Job(String command, StateChange change) {}

  private final Duration timeout;
  private final Consumer<String> log;
  private final BlockingQueue<Job> queue = new ArrayBlockingQueue<>(QUEUE);
  private final Thread worker;

  HookRunner(Duration timeout, Consumer<String> log) {
    this.timeout = timeout;
    this.log = log;
    this.worker = Thread.ofPlatform().daemon().name("pk-hooks").start(this::work);
  }

  /** Queues {@code command} for {@code change}; never blocks. */
  void submit(String command, StateChange change) {
    if (!queue.offer(new Job(command, change))) {
      log.accept(
          "hook for "
              + change.tunnel()
              + ": "
              + QUEUE
              + " changes already wait for their hooks; this one ("
              + change.current().label()
              + ") is dropped");
    }
  }

  private void work() {
    try {
      while (true) {
        Job job = queue.take();
        run(job.command(), job.change());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The shell command line for {@code command} on this OS. */
  static List<String> shell(String command, String osName) {
    return osName.toLowerCase(Locale.ROOT).startsWith("windows")
        ? List.of("cmd.exe", "/c", command)
        : List.of("/bin/sh", "-c", command);
  }

  private void run(String command, StateChange change) throws InterruptedException {
    String who = "hook for " + change.tunnel();
    ProcessBuilder builder =
        new ProcessBuilder(shell(command, System.getProperty("os.name")))
            .redirectErrorStream(true)
            .redirectInput(ProcessBuilder.Redirect.from(nullDevice()));
    Map<String, String> env = builder.environment();
    env.put("PORTKEEP_TUNNEL", change.tunnel());
    env.put("PORTKEEP_STATE", change.current().label());
    env.put("PORTKEEP_PREVIOUS", change.previous().label());
    env.put("PORTKEEP_REASON", change.reason());
    env.put("PORTKEEP_SINCE", change.at().toString());
    Process process;
    try {
      process = builder.start();
    } catch (IOException e) {
      log.accept(who + ": cannot run '" + command + "': " + e.getMessage());
      return;
    }
    Thread reader = Thread.ofVirtual().start(() -> copyOutput(process, who));
    boolean finished = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    if (!finished) {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
      process.waitFor(5, TimeUnit.SECONDS);
    }
    // Its output first, then the verdict (a child that keeps the pipe open gets 5 s more).
    reader.join(Duration.ofSeconds(5));
    if (!finished) {
      log.accept(who + ": '" + command + "' killed after " + timeout.toMillis() / 1000.0 + " s");
    } else if (process.exitValue() != 0) {
      log.accept(who + ": '" + command + "' exited with " + process.exitValue());
    }
  }

  /** Longest output line logged; the rest of a longer one is cut. */
  static final int MAX_LINE = 1000;

  private void copyOutput(Process process, String who) {
    try (Reader out = new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8)) {
      StringBuilder line = new StringBuilder();
      int lines = 0;
      boolean cut = false;
      for (int c; (c = out.read()) >= 0; ) {
        if (c == '\n') {
          lines = emit(who, line, lines, cut);
          line.setLength(0);
          cut = false;
        } else if (line.length() < MAX_LINE) {
          line.append((char) c);
        } else {
          cut = true;
        }
      }
      if (!line.isEmpty()) {
        lines = emit(who, line, lines, cut);
      }
      if (lines > MAX_LINES) {
        log.accept(who + ": (" + (lines - MAX_LINES) + " more lines not logged)");
      }
    } catch (IOException e) {
      // The process was killed or its pipe closed: what it printed so far is logged.
    }
  }

  private int emit(String who, StringBuilder line, int lines, boolean cut) {
    if (lines < MAX_LINES) {
      log.accept(who + ": " + line + (cut ? " (cut)" : ""));
    }
    return lines + 1;
  }

  private static java.io.File nullDevice() {
    return new java.io.File(
        System.getProperty("os.name").toLowerCase(Locale.ROOT).startsWith("windows")
            ? "NUL"
            : "/dev/null");
  }

  @Override
  public void close() {
    worker.interrupt();
  }
}
