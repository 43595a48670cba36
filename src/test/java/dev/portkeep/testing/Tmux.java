package dev.portkeep.testing;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A command on a real terminal: a detached tmux session whose screen a test reads and into which it
 * types, for prompts that only appear on a terminal. The command's exit code is printed as {@code
 * exit=N} when it ends.
 */
public final class Tmux implements AutoCloseable {
  private final String session = "pk-test-" + ThreadLocalRandom.current().nextInt(1 << 20);

  private Tmux(String command) {
    Command.run(
            Duration.ofSeconds(10),
            "tmux",
            "new-session",
            "-d",
            "-s",
            session,
            "-x",
            "220",
            "-y",
            "50",
            command + "; echo exit=$?; sleep 60")
        .orThrow();
  }

  /** Runs {@code command} (a shell command line) on a new terminal. */
  public static Tmux start(String command) {
    return new Tmux(command);
  }

  public String screen() {
    return Command.run(Duration.ofSeconds(10), "tmux", "capture-pane", "-p", "-J", "-t", session)
        .stdout();
  }

  /** Waits until the screen shows {@code text}; fails with the screen if it never does. */
  public String await(String text, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      String s = screen();
      if (s.contains(text)) {
        return s;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("expected '" + text + "' on the terminal:\n" + screen());
  }

  /** Types {@code keys} and Enter. */
  public void type(String keys) {
    Command.run(Duration.ofSeconds(10), "tmux", "send-keys", "-t", session, "-l", keys).orThrow();
    Command.run(Duration.ofSeconds(10), "tmux", "send-keys", "-t", session, "Enter").orThrow();
  }

  @Override
  public void close() {
    Command.run(Duration.ofSeconds(10), "tmux", "kill-session", "-t", session);
  }
}
