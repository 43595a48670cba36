package dev.portkeep.forward;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portkeep.cli.RunningTunnel;
import dev.portkeep.testing.Payloads;
import dev.portkeep.testing.SshTestServer;
import dev.portkeep.testing.TargetServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What a local forward must do, whatever the SSH server: integrity both ways, half-close, resets,
 * concurrency, short connections, and no sockets left behind. Subclasses name the server.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(180)
abstract class LocalForwardContract {
  @TempDir Path home;
  private final List<AutoCloseable> cleanup = new ArrayList<>();
  private SshTestServer server;

  abstract SshTestServer startServer();

  /** How many sequential short connections to make (fewer on the slower in-process server). */
  abstract int shortConnections();

  private SshTestServer server() {
    if (server == null) {
      server = startServer();
      cleanup.add(server);
    }
    return server;
  }

  private int tunnelTo(TargetServer target) throws InterruptedException {
    cleanup.add(target);
    RunningTunnel tunnel =
        RunningTunnel.start(home, server(), "-L", "127.0.0.1:0:127.0.0.1:" + target.port());
    cleanup.add(0, tunnel);
    return tunnel.port();
  }

  @AfterAll
  void closeAll() throws Exception {
    for (AutoCloseable c : cleanup) {
      if (c instanceof RunningTunnel t && !t.run().err().isEmpty()) {
        System.err.println("portkeep stderr:\n" + t.run().err());
      }
      c.close();
    }
  }

  private static Socket connect(int port) throws IOException {
    Socket s = new Socket("127.0.0.1", port);
    s.setSoTimeout(60_000);
    return s;
  }

  @Test
  void forward_64MiBEachWayAtOnceThroughEcho_sha256Equal() throws Exception {
    long size = 64L << 20;
    int port = tunnelToEcho();
    try (Socket s = connect(port);
        ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      Future<?> upload =
          pool.submit(
              () -> {
                Payloads.write(s.getOutputStream(), size, 13);
                return null;
              });
      Payloads.Digest received =
          Payloads.sha256(
              new java.io.FilterInputStream(s.getInputStream()) {
                long left = size;

                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                  if (left == 0) {
                    return -1;
                  }
                  int n = super.read(b, off, (int) Math.min(len, left));
                  left -= Math.max(n, 0);
                  return n;
                }
              });
      upload.get();
      assertThat(received).isEqualTo(new Payloads.Digest(size, Payloads.sha256(size, 13)));
    }
  }

  /**
   * Both ways at once with independent streams, where the target finishes sending first and
   * half-closes while the client is still uploading. Needs a server that carries half-close.
   */
  void both64MiBStreamsWithTargetFinishingFirst() throws Exception {
    long size = 64L << 20;
    TargetServer target = TargetServer.duplexHash(size, 7);
    int port = tunnelTo(target);
    try (Socket s = connect(port);
        ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      Future<?> upload =
          pool.submit(
              () -> {
                Payloads.write(s.getOutputStream(), size, 11);
                s.shutdownOutput();
                return null;
              });
      Payloads.Digest received = Payloads.sha256(s.getInputStream());
      upload.get();
      assertThat(received).isEqualTo(new Payloads.Digest(size, Payloads.sha256(size, 7)));
      assertThat(target.awaitReceivedHash(Duration.ofSeconds(60)))
          .isEqualTo(Payloads.sha256(size, 11));
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 3, 511, 4096, 32_767, 32_768, 65_537, 262_144, 1 << 20})
  void forward_writeSizeSweep_echoesEveryByteIntact(int writeSize) throws Exception {
    int port = tunnelToEcho();
    int total = Math.max(writeSize * 4, 64 * 1024);
    if (writeSize == 1) {
      total = 4096;
    }
    byte[] payload = Payloads.bytes(total, writeSize);
    try (Socket s = connect(port);
        ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      Future<?> writer =
          pool.submit(
              () -> {
                OutputStream out = s.getOutputStream();
                for (int off = 0; off < payload.length; off += writeSize) {
                  out.write(payload, off, Math.min(writeSize, payload.length - off));
                  out.flush();
                }
                return null;
              });
      byte[] back = s.getInputStream().readNBytes(payload.length);
      writer.get();
      assertThat(Payloads.sha256(back)).isEqualTo(Payloads.sha256(payload));
    }
  }

  private int echoPort = -1;

  private int tunnelToEcho() throws InterruptedException {
    if (echoPort < 0) {
      echoPort = tunnelTo(TargetServer.echo());
    }
    return echoPort;
  }

  @Test
  void forward_clientHalfCloses_targetRepliesAfterEofAndClientReadsIt() throws Exception {
    int port = tunnelTo(TargetServer.sha256Sink());
    byte[] payload = Payloads.bytes(300_000, 3);
    try (Socket s = connect(port)) {
      s.getOutputStream().write(payload);
      s.shutdownOutput();
      String reply =
          new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).strip();
      assertThat(reply).isEqualTo(Payloads.sha256(payload));
    }
  }

  @Test
  void forward_targetWritesThenCloses_everyByteArrivesBeforeEof() throws Exception {
    long size = 8L << 20;
    int port = tunnelTo(TargetServer.source(size, 5));
    try (Socket s = connect(port)) {
      assertThat(Payloads.sha256(s.getInputStream()))
          .isEqualTo(new Payloads.Digest(size, Payloads.sha256(size, 5)));
    }
  }

  @Test
  void forward_64ConcurrentConnections_allDataIntact() throws Exception {
    int port = tunnelToEcho();
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      List<Future<Boolean>> results = new ArrayList<>();
      for (int i = 0; i < 64; i++) {
        int seed = i;
        results.add(pool.submit(echoRoundTrip(port, 256 * 1024, seed)));
      }
      for (Future<Boolean> r : results) {
        assertThat(r.get()).isTrue();
      }
    }
  }

  private static Callable<Boolean> echoRoundTrip(int port, int size, long seed) {
    return () -> {
      byte[] payload = Payloads.bytes(size, seed);
      try (Socket s = connect(port)) {
        Thread writer =
            Thread.ofVirtual()
                .start(
                    () -> {
                      try {
                        s.getOutputStream().write(payload);
                      } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                      }
                    });
        byte[] back = s.getInputStream().readNBytes(size);
        writer.join();
        return java.util.Arrays.equals(back, payload);
      }
    };
  }

  @Test
  void forward_sequentialShortConnections_noneFails() throws Exception {
    int port = tunnelToEcho();
    int n = shortConnections();
    int ok = 0;
    for (int i = 0; i < n; i++) {
      try (Socket s = connect(port)) {
        s.setTcpNoDelay(true);
        s.getOutputStream().write(i & 0x7f);
        InputStream in = s.getInputStream();
        if (in.read() == (i & 0x7f)) {
          ok++;
        }
      }
    }
    assertThat(ok).isEqualTo(n);
  }

  @Test
  void forward_targetResets_clientConnectionEndsInsteadOfHanging() throws Exception {
    int port = tunnelTo(TargetServer.resetAfter(10));
    try (Socket s = connect(port)) {
      s.getOutputStream().write(new byte[10]);
      s.setSoTimeout(10_000);
      // The target's reset closes the channel; the client must see the end, not wait forever.
      int read = s.getInputStream().read();
      assertThat(read).isEqualTo(-1);
    } catch (java.net.SocketException reset) {
      assertThat(reset.getMessage()).containsIgnoringCase("reset");
    }
  }

  @Test
  void forward_afterConnectionsClose_noSocketLeftInCloseWait() throws Exception {
    int port = tunnelToEcho();
    for (int i = 0; i < 20; i++) {
      try (Socket s = connect(port)) {
        s.getOutputStream().write(1);
        s.getInputStream().read();
      }
    }
    try (Socket s = connect(port)) {
      s.getOutputStream().write(1);
      s.shutdownOutput();
      assertThat(s.getInputStream().readAllBytes()).hasSize(1);
    }
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    List<String> closeWait = closeWaitOn(port);
    while (!closeWait.isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(100);
      closeWait = closeWaitOn(port);
    }
    assertThat(closeWait).as("sockets in CLOSE_WAIT on port " + port).isEmpty();
  }

  /** Lines of /proc/net/tcp{,6} with local port {@code port} in state 08 (CLOSE_WAIT). */
  static List<String> closeWaitOn(int port) throws IOException {
    String hexPort = String.format(":%04X ", port);
    List<String> found = new ArrayList<>();
    for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
      for (String line : Files.readAllLines(Path.of(table))) {
        String[] f = line.trim().split("\\s+");
        if (f.length > 3 && (f[1] + " ").endsWith(hexPort) && f[3].equals("08")) {
          found.add(line.trim());
        }
      }
    }
    return found;
  }
}
