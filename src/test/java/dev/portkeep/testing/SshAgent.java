package dev.portkeep.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A private OpenSSH {@code ssh-agent} in the foreground on a socket in its own temporary directory,
 * with keys added by {@code ssh-add}. Without {@code SSH_ASKPASS} a key added with {@code -c} is
 * refused at every use, as when nobody confirms it.
 */
public final class SshAgent implements AutoCloseable {
  private static final Path SSH_AGENT = Path.of("/usr/bin/ssh-agent");
  private static final Duration START_TIMEOUT = Duration.ofSeconds(10);

  private final Path dir;
  private final Path socket;
  private final Process process;

  private SshAgent(Path dir, Path socket, Process process) {
    this.dir = dir;
    this.socket = socket;
    this.process = process;
  }

  public static SshAgent start() {
    if (!Files.isExecutable(SSH_AGENT)) {
      throw new IllegalStateException(
          SSH_AGENT + " not found: install openssh-client; CI installs it, tests never skip");
    }
    Path dir = TestFiles.tempDir("portkeep-agent-");
    Path socket = dir.resolve("agent.sock");
    try {
      Process process =
          new ProcessBuilder(SSH_AGENT.toString(), "-D", "-a", socket.toString())
              .redirectErrorStream(true)
              .redirectOutput(dir.resolve("agent.log").toFile())
              .start();
      SshAgent agent = new SshAgent(dir, socket, process);
      long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
      while (!Files.exists(socket)) {
        if (!process.isAlive() || System.nanoTime() > deadline) {
          agent.close();
          throw new IllegalStateException("ssh-agent did not create " + socket);
        }
        ProcessTree.sleep(10);
      }
      return agent;
    } catch (IOException e) {
      TestFiles.deleteTree(dir);
      throw new UncheckedIOException(e);
    }
  }

  /** The agent's socket, for SSH_AUTH_SOCK or IdentityAgent. */
  public Path socket() {
    return socket;
  }

  /** Adds a private key (with {@code -c}: every use needs a confirmation nobody gives). */
  public void add(Path privateKey, String... options) {
    List<String> argv = new ArrayList<>(List.of("ssh-add", "-q"));
    argv.addAll(List.of(options));
    argv.add(privateKey.toString());
    run(argv);
  }

  /** {@code ssh-add -L}: the public keys (and certificates) the agent holds, one per line. */
  public List<String> publicKeys() {
    return List.of(run(List.of("ssh-add", "-L")).strip().split("\n"));
  }

  private String run(List<String> argv) {
    try {
      ProcessBuilder builder = new ProcessBuilder(argv).redirectErrorStream(true);
      builder.environment().put("SSH_AUTH_SOCK", socket.toString());
      builder.environment().remove("SSH_ASKPASS");
      builder.environment().remove("DISPLAY");
      Process p =
          builder
              .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
              .start();
      String out = new String(p.getInputStream().readAllBytes());
      if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IllegalStateException(argv + " failed: " + out);
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Stops the agent (by its pid) and deletes its directory. Idempotent. */
  @Override
  public void close() {
    process.destroy();
    ProcessTree.waitFor(process, Duration.ofSeconds(5));
    if (process.isAlive()) {
      process.destroyForcibly();
      ProcessTree.waitFor(process, Duration.ofSeconds(5));
    }
    TestFiles.deleteTree(dir);
  }
}
