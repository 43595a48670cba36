package dev.portkeep.faults;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portkeep.testing.Await;
import dev.portkeep.testing.EchoServer;
import dev.portkeep.testing.OpenSshServer;
import dev.portkeep.testing.Payloads;
import dev.portkeep.testing.PortkeepProcess;
import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A thousand connections open at once through one tunnel, each echoing 64 KiB: a thousand channels
 * on one SSH session, each with its own window, none starved or mixed up with another.
 */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ConcurrentConnectionsIT {
  private static final int CONNECTIONS = 1_000;
  private static final int SIZE = 64 * 1024;
  private static final int BATCH = 100;

  /**
   * The test JVM holds both ends of every connection but portkeep's (clients and the echo server),
   * sshd and portkeep one socket each; with the JVM's own files, 2,500 leaves room.
   */
  private static final long FILES_NEEDED = 2 * CONNECTIONS + 500;

  @Test
  void thousandConnectionsAtOnce_64KiBEchoedOnEach_allIntact() throws Exception {
    long limit = openFilesLimit();
    Assumptions.assumeTrue(
        limit >= FILES_NEEDED,
        "needs an open-files limit of at least "
            + FILES_NEEDED
            + " (ulimit -n); this process has "
            + limit);
    try (OpenSshServer sshd = OpenSshServer.start();
        EchoServer echo = EchoServer.start();
        PortkeepProcess portkeep =
            PortkeepProcess.start(
                PortkeepProcess.args(
                    sshd, sshd.port(), "-L", "127.0.0.1:0:127.0.0.1:" + echo.port()));
        ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      List<Socket> sockets = new ArrayList<>();
      try {
        long start = System.nanoTime();
        openThroughTheTunnel(portkeep.port(), echo, sockets);
        long openMs = (System.nanoTime() - start) / 1_000_000;
        int openAtOnce = echo.openConnectionCount();

        List<Future<?>> results = new ArrayList<>();
        for (int i = 0; i < CONNECTIONS; i++) {
          Socket s = sockets.get(i);
          long seed = 1000L + i;
          results.add(pool.submit(() -> echo64KiB(s, seed, pool)));
        }
        List<String> failures = new ArrayList<>();
        for (Future<?> r : results) {
          try {
            r.get(90, TimeUnit.SECONDS);
          } catch (ExecutionException e) {
            failures.add(e.getCause().toString());
          }
        }
        long echoMs = (System.nanoTime() - start) / 1_000_000 - openMs;
        System.out.printf(
            "1000 connections: all open end to end after %d ms (%d at the echo server at once),"
                + " 64 KiB echoed on each, all at once, in %d ms%n",
            openMs, openAtOnce, echoMs);
        assertThat(openAtOnce).isEqualTo(CONNECTIONS);
        assertThat(failures).as(() -> echo + "\nportkeep:\n" + portkeep.err()).isEmpty();
        assertThat(echo.openConnectionCount()).isEqualTo(CONNECTIONS);
        assertThat(portkeep.err()).doesNotContain("cannot reach").doesNotContain("accept failed");
      } finally {
        for (Socket s : sockets) {
          s.close();
        }
      }
    }
  }

  /**
   * Opens the connections a hundred at a time, each hundred only once the echo server has accepted
   * the previous ones: a burst of a thousand SYNs at once would overflow the listen queues (128 at
   * portkeep, as at OpenSSH's ssh, and the echo server's) and test the kernel's SYN cookies instead
   * of the tunnel. All of them stay open.
   */
  private static void openThroughTheTunnel(int port, EchoServer echo, List<Socket> sockets)
      throws IOException {
    while (sockets.size() < CONNECTIONS) {
      for (int i = 0; i < BATCH; i++) {
        Socket s = new Socket("127.0.0.1", port);
        s.setSoTimeout(60_000);
        sockets.add(s);
      }
      Await.until(
          "the echo server to accept " + sockets.size() + " connections",
          Duration.ofSeconds(30),
          () -> echo.connectionCount() >= sockets.size(),
          echo::toString);
    }
  }

  /** Sends 64 KiB of its own seed and reads the echo back, the connection staying open. */
  private static Void echo64KiB(Socket s, long seed, ExecutorService pool) throws Exception {
    byte[] payload = Payloads.bytes(SIZE, seed);
    Future<?> writer =
        pool.submit(
            () -> {
              s.getOutputStream().write(payload);
              return null;
            });
    byte[] back = s.getInputStream().readNBytes(SIZE);
    writer.get(60, TimeUnit.SECONDS);
    if (!Arrays.equals(back, payload)) {
      throw new AssertionError(
          "connection from port "
              + s.getLocalPort()
              + ": "
              + back.length
              + " bytes back, first difference at "
              + Arrays.mismatch(back, payload));
    }
    return null;
  }

  /** The soft limit on open files of this process, from /proc/self/limits. */
  static long openFilesLimit() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/self/limits"))) {
      if (line.startsWith("Max open files")) {
        String soft = line.substring("Max open files".length()).trim().split("\\s+")[0];
        return soft.equals("unlimited") ? Long.MAX_VALUE : Long.parseLong(soft);
      }
    }
    throw new IllegalStateException("no 'Max open files' line in /proc/self/limits");
  }
}
