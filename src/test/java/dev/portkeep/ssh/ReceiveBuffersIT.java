package dev.portkeep.ssh;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portkeep.cli.RunningTunnel;
import dev.portkeep.testing.Await;
import dev.portkeep.testing.OpenSshServer;
import dev.portkeep.testing.Payloads;
import dev.portkeep.testing.TargetServer;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shared direct buffers for received data: downloads stay intact when there are more packets in
 * flight than buffers (the heap fallback), and every buffer comes back once the connections are
 * over, whether they read to the end or were reset with data still queued.
 */
@Timeout(120)
class ReceiveBuffersIT {
  private static final long SIZE = 8L << 20;
  private static final int STALLED = 16;

  private static int inUse() {
    return ReceiveBuffers.made() - ReceiveBuffers.free();
  }

  @TempDir Path home;

  @Test
  void parallelDownloads_intact_andEveryBufferReturns_evenFromResetConnections() throws Exception {
    int inUseBefore = inUse();
    try (OpenSshServer sshd = OpenSshServer.start();
        TargetServer source = TargetServer.source(SIZE, 42);
        RunningTunnel tunnel =
            RunningTunnel.start(home, sshd, "-L", "127.0.0.1:0:127.0.0.1:" + source.port());
        ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      String expected = Payloads.sha256(SIZE, 42);
      // First the resets: each reads 1 MiB, then stops reading, so the socket fills and packets
      // queue up in its channel; they reset only once every one of them holds queued buffers.
      CountDownLatch stalled = new CountDownLatch(STALLED);
      CountDownLatch release = new CountDownLatch(1);
      List<Future<Long>> reset = new ArrayList<>();
      for (int i = 0; i < STALLED; i++) {
        reset.add(
            pool.submit(
                () -> {
                  try (Socket s = new Socket()) {
                    s.setReceiveBufferSize(16 * 1024);
                    s.connect(new InetSocketAddress("127.0.0.1", tunnel.port()));
                    s.setSoTimeout(60_000);
                    long got = s.getInputStream().readNBytes(1 << 20).length;
                    stalled.countDown();
                    release.await();
                    s.setSoLinger(true, 0);
                    return got;
                  }
                }));
      }
      assertThat(stalled.await(60, TimeUnit.SECONDS)).isTrue();
      // Each stalled channel holds at least the packet its pump is blocked on.
      Await.until(
          "every stalled channel holding a received buffer",
          () -> inUse() >= inUseBefore + STALLED);
      // Then downloads that must stay intact while the stalled ones hold their buffers (16 channels
      // of up to 8 queued packets each can take all 64 shared ones: the heap fallback serves).
      List<Future<String>> complete = new ArrayList<>();
      for (int i = 0; i < 16; i++) {
        complete.add(
            pool.submit(
                () -> {
                  try (Socket s = new Socket("127.0.0.1", tunnel.port())) {
                    s.setSoTimeout(60_000);
                    return Payloads.sha256(s.getInputStream()).sha256();
                  }
                }));
      }
      for (Future<String> f : complete) {
        assertThat(f.get()).isEqualTo(expected);
      }
      release.countDown();
      for (Future<Long> f : reset) {
        assertThat(f.get()).isEqualTo(1L << 20);
      }
      assertThat(ReceiveBuffers.made())
          .as("direct buffers made")
          .isPositive()
          .isLessThanOrEqualTo(ReceiveBuffers.MAX);
      Await.until("every buffer back", () -> inUse() <= inUseBefore);
    }
  }
}
