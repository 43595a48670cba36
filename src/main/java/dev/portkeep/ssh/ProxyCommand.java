package dev.portkeep.ssh;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One run of a ProxyCommand, as OpenSSH runs it: through {@code /bin/sh -c} ({@code cmd.exe /c} on
 * Windows), its standard input and output carrying the SSH connection, each line of its standard
 * error in portkeep's log. A new one for every connection attempt; {@link #close} ends it and every
 * process it started, and a shutdown hook ends whatever is left when portkeep exits.
 */
final class ProxyCommand implements LoopbackBridge.Carrier, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ProxyCommand.class);
  private static final boolean WINDOWS = java.io.File.separatorChar == '\\';
  private static final Duration GRACE = Duration.ofSeconds(1);
  private static final Set<ProxyCommand> LIVE = ConcurrentHashMap.newKeySet();

  static {
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(() -> List.copyOf(LIVE).forEach(ProxyCommand::close), "pk-proxy-reaper"));
  }

  private final String command;
  private final Process process;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final Thread errors;
  private volatile String lastError = "";

  private ProxyCommand(String command, Process process) {
    this.command = command;
    this.process = process;
    this.errors = Thread.ofVirtual().name("pk-proxy-stderr").unstarted(this::logErrors);
  }

  static ProxyCommand start(String command) throws IOException {
    List<String> argv =
        WINDOWS ? List.of("cmd.exe", "/c", command) : List.of("/bin/sh", "-c", command);
    ProxyCommand proxy = new ProxyCommand(command, new ProcessBuilder(argv).start());
    LIVE.add(proxy);
    log.debug("ProxyCommand started (pid {}): {}", proxy.process.pid(), command);
    proxy.errors.start();
    return proxy;
  }

  String command() {
    return command;
  }

  private void logErrors() {
    try (BufferedReader err =
        new BufferedReader(
            new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
      for (String line = err.readLine(); line != null; line = err.readLine()) {
        if (!line.isBlank()) {
          lastError = line.length() > 300 ? line.substring(0, 300) + "..." : line.strip();
          log.warn("ProxyCommand: {}", line);
        }
      }
    } catch (IOException ended) {
      // The process is gone; what it said is logged.
    }
  }

  /** Copies the socket to the command's input and its output back, until its output ends. */
  @Override
  public void carry(SocketChannel socket) throws Exception {
    Thread up =
        Thread.ofVirtual()
            .name("pk-proxy-up")
            .start(() -> copy(Channels.newInputStream(socket), process.getOutputStream()));
    try {
      copy(process.getInputStream(), Channels.newOutputStream(socket));
    } finally {
      socket.close();
      up.join(GRACE);
    }
  }

  private static void copy(InputStream in, OutputStream out) {
    byte[] buffer = new byte[32 * 1024];
    try (out) {
      for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
        out.write(buffer, 0, n);
        out.flush();
      }
    } catch (IOException ended) {
      // One side closed; the other direction ends with it.
    }
  }

  /**
   * What went wrong, when the command has exited (within {@code wait}): its exit status and the
   * last line it wrote to standard error.
   */
  Optional<String> exited(Duration wait) {
    try {
      if (!process.waitFor(wait.toMillis(), TimeUnit.MILLISECONDS)) {
        return Optional.empty();
      }
      errors.join(GRACE); // its last line may still be in the pipe
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
    return Optional.of(
        "exited with status "
            + process.exitValue()
            + (lastError.isEmpty() ? "" : ": " + lastError));
  }

  long pid() {
    return process.pid();
  }

  /** Ends the command and every process it started: SIGTERM, then SIGKILL after a second. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    LIVE.remove(this);
    List<ProcessHandle> tree = new ArrayList<>(process.descendants().toList());
    tree.add(process.toHandle());
    tree.forEach(ProcessHandle::destroy);
    long deadline = System.nanoTime() + GRACE.toNanos();
    for (ProcessHandle p : tree) {
      try {
        long left = Math.max(0, deadline - System.nanoTime());
        p.onExit().get(left, TimeUnit.NANOSECONDS);
      } catch (Exception stillAlive) {
        p.destroyForcibly();
      }
    }
  }
}
