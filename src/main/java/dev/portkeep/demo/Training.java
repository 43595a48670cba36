package dev.portkeep.demo;

import dev.portkeep.bind.Listeners;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The workload the launcher trains its start-up cache on ({@code portkeep demo --train}, JDK 25+).
 * The cache keeps the method profiles of this run, so a new tunnel's JIT compiles the paths of a
 * connection and of a packet early instead of after thousands of connections. The workload is
 * therefore what tunnels do all day: short connections, one long stream both ways, and parallel
 * streams, through a demo tunnel for each of the two ciphers tunnels use. The demo's server runs in
 * this JVM too, so MINA's shared code gets a server's profiles as well as a client's; a trained
 * cache measured better for a fresh tunnel than one trained against OpenSSH in another process
 * (bench/README, stage 6).
 */
public final class Training {
  /**
   * The ciphers trained: AES-128-GCM, which portkeep asks for first, and ChaCha20-Poly1305, which a
   * tunnel gets from a server that offers no AES-GCM.
   */
  static final List<String> CIPHERS =
      List.of("aes128-gcm@openssh.com", "chacha20-poly1305@openssh.com");

  /**
   * How much one cipher's round moves: {@code connections} of one echoed byte each, one stream of
   * {@code streamBytes}, then {@code parallel} streams of {@code parallelBytes} at once.
   */
  record Workload(int connections, int streamBytes, int parallel, int parallelBytes) {
    /** The launcher's: about half a minute on a 2-core machine, both ciphers. */
    static final Workload LAUNCHER = new Workload(1500, 32 << 20, 8, 4 << 20);
  }

  private Training() {}

  /** What one cipher's round moved. */
  public record Round(String cipher, int connections, long bytesEchoed, Duration took) {}

  /** Runs the launcher's workload once per cipher. */
  public static List<Round> run(Listeners listeners) throws IOException {
    return run(listeners, Workload.LAUNCHER);
  }

  /** Runs {@code work} once per cipher; a connection that fails or comes back short fails it. */
  static List<Round> run(Listeners listeners, Workload work) throws IOException {
    List<Round> rounds = new ArrayList<>();
    for (String cipher : CIPHERS) {
      long start = System.nanoTime();
      try (Demo demo = Demo.start(listeners, Optional.of(cipher))) {
        String negotiated = demo.tunnel().session().cipher();
        if (!negotiated.equals(cipher)) {
          throw new IOException("training asked for " + cipher + " and got " + negotiated);
        }
        InetSocketAddress via = demo.tunnel().bound().get(0).address();
        long bytes = 0;
        for (int i = 0; i < work.connections(); i++) {
          bytes += echo(via, 1);
        }
        bytes += echo(via, work.streamBytes()) + parallel(via, work);
        rounds.add(
            new Round(
                cipher, work.connections(), bytes, Duration.ofNanos(System.nanoTime() - start)));
      }
    }
    return rounds;
  }

  private static long parallel(InetSocketAddress via, Workload work) throws IOException {
    try (ExecutorService streams = Executors.newVirtualThreadPerTaskExecutor()) {
      List<Future<Long>> done = new ArrayList<>();
      for (int i = 0; i < work.parallel(); i++) {
        done.add(streams.submit(() -> echo(via, work.parallelBytes())));
      }
      long bytes = 0;
      for (Future<Long> f : done) {
        bytes += f.get();
      }
      return bytes;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("training interrupted", e);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
    }
  }

  /**
   * One connection through the tunnel to the echo service: {@code bytes} sent while the echo is
   * read back ({@link Demo#bulk}), then closed. Returns the bytes that came back, which must be all
   * of them, unchanged.
   */
  private static long echo(InetSocketAddress via, int bytes) throws IOException {
    try (Socket socket = new Socket(via.getAddress(), via.getPort())) {
      socket.setTcpNoDelay(true);
      socket.setSoTimeout(30_000);
      if (!Demo.bulk(socket, new byte[bytes])) {
        throw new IOException(bytes + " bytes did not come back intact through " + via);
      }
      return bytes;
    }
  }
}
