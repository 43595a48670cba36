package dev.portkeep.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The real OpenSSH client running {@code ssh -N -L} against an {@link SshTestServer}: the baseline
 * portkeep copies.
 */
public final class OpenSshClient implements AutoCloseable {
  /** Where Debian's openssh-client puts ssh. */
  public static final Path SSH = Path.of("/usr/bin/ssh");

  private static final Duration READY_TIMEOUT = Duration.ofSeconds(10);

  private final Process process;
  private final Path stderr;
  private final int localPort;
  private final AtomicBoolean closed = new AtomicBoolean();

  private OpenSshClient(Process process, Path stderr, int localPort) {
    this.process = process;
    this.stderr = stderr;
    this.localPort = localPort;
  }

  /**
   * Runs {@code ssh -N -L 127.0.0.1:<free port>:<targetHost>:<targetPort>} with the server's client
   * key and strict known_hosts, and returns once ssh listens on the local port. {@code options} are
   * extra {@code -o} values such as {@code "ServerAliveInterval=1"}.
   */
  public static OpenSshClient forwardLocal(
      SshTestServer server, String targetHost, int targetPort, String... options) {
    for (int attempt = 1; ; attempt++) {
      int localPort = FreePort.pick();
      OpenSshClient client =
          launch(server, localPort + ":" + targetHost + ":" + targetPort, localPort, options);
      if (client.awaitListening()) {
        return client;
      }
      String why = client.stderr();
      client.close();
      if (!why.contains("Address already in use") || attempt == 3) {
        throw new IllegalStateException(
            "ssh -L 127.0.0.1:"
                + localPort
                + ":"
                + targetHost
                + ":"
                + targetPort
                + " via "
                + server
                + " did not start listening: "
                + why.strip());
      }
    }
  }

  /**
   * Runs ssh with strict host key checking for a login that only opens a session (no -L); see
   * {@link #stderr()}.
   */
  public static OpenSshClient connect(SshTestServer server, String... options) {
    return launch(server, null, 0, options);
  }

  public int localPort() {
    return localPort;
  }

  public Process process() {
    return process;
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** Waits for ssh to exit; false if it is still running after {@code timeout}. */
  public boolean awaitExit(Duration timeout) {
    return ProcessTree.waitFor(process, timeout);
  }

  /** What ssh has written to stderr so far. */
  public String stderr() {
    try {
      return Files.exists(stderr) ? Files.readString(stderr) : "";
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Kills ssh and deletes its stderr file. Idempotent. */
  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      ProcessTree.killTree(process.pid());
      awaitExit(Duration.ofSeconds(5));
      try {
        Files.deleteIfExists(stderr);
      } catch (IOException ignored) {
        // a leftover temp file is harmless
      }
    }
  }

  private static OpenSshClient launch(
      SshTestServer server, String forward, int localPort, String... options) {
    List<String> argv = new ArrayList<>(List.of(SSH.toString(), "-F", "/dev/null", "-N"));
    if (forward != null) {
      argv.addAll(List.of("-L", "127.0.0.1:" + forward, "-o", "ExitOnForwardFailure=yes"));
    }
    argv.addAll(
        List.of(
            "-p",
            Integer.toString(server.port()),
            "-i",
            server.clientKey().toString(),
            "-o",
            "IdentitiesOnly=yes",
            "-o",
            "BatchMode=yes",
            "-o",
            "StrictHostKeyChecking=yes",
            "-o",
            "UserKnownHostsFile=" + server.knownHostsFile(),
            "-o",
            "GlobalKnownHostsFile=/dev/null",
            "-o",
            "ConnectTimeout=5"));
    for (String option : options) {
      argv.addAll(List.of("-o", option));
    }
    argv.add(server.user() + "@" + server.host());
    try {
      Path stderr = Files.createTempFile("portkeep-ssh-", ".err");
      Process process =
          new ProcessBuilder(argv)
              .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .redirectError(stderr.toFile())
              .start();
      return new OpenSshClient(process, stderr, localPort);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run " + argv + ": " + e.getMessage(), e);
    }
  }

  private boolean awaitListening() {
    long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline && process.isAlive()) {
      if (ProcessTree.listensOn(process.pid(), localPort)) {
        return true;
      }
      ProcessTree.sleep(20);
    }
    return false;
  }
}
