package dev.portkeep.ssh;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portkeep.cli.RunningTunnel;
import dev.portkeep.testing.OpenSshServer;
import dev.portkeep.testing.Payloads;
import dev.portkeep.testing.TargetServer;
import java.net.Socket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
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

  @TempDir Path home;

  @Test
  void parallelDownloads_intact_andEveryBufferReturns_evenFromResetConnections() throws Exception {
    int inUseBefore = ReceiveBuffers.made() - ReceiveBuffers.free();
    try (OpenSshServer sshd = OpenSshServer.start();
        TargetServer source = TargetServer.source(SIZE, 42);
        RunningTunnel tunnel =
            RunningTunnel.start(home, sshd, "-L", "127.0.0.1:0:127.0.0.1:" + source.port());
        ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      String expected = Payloads.sha256(SIZE, 42);
      List<Future<String>> complete = new ArrayList<>();
      List<Future<Long>> reset = new ArrayList<>();
      for (int i = 0; i < 16; i++) {
        complete.add(
            pool.submit(
                () -> {
                  try (Socket s = new Socket("127.0.0.1", tunnel.port())) {
                    s.setSoTimeout(60_000);
                    return Payloads.sha256(s.getInputStream()).sha256();
                  }
                }));
        // Reads 1 MiB, stops reading until the socket is full and packets queue up in the channel,
        // then resets: the pump fails with those packets still queued.
        reset.add(
            pool.submit(
                () -> {
                  try (Socket s = new Socket()) {
                    s.setReceiveBufferSize(16 * 1024);
                    s.connect(new java.net.InetSocketAddress("127.0.0.1", tunnel.port()));
                    s.setSoTimeout(60_000);
                    long got = s.getInputStream().readNBytes(1 << 20).length;
                    Thread.sleep(1000);
                    s.setSoLinger(true, 0);
                    return got;
                  }
                }));
      }
      for (Future<String> f : complete) {
        assertThat(f.get()).isEqualTo(expected);
      }
      for (Future<Long> f : reset) {
        assertThat(f.get()).isEqualTo(1L << 20);
      }
      assertThat(ReceiveBuffers.made())
          .as("direct buffers made")
          .isPositive()
          .isLessThanOrEqualTo(ReceiveBuffers.MAX);
      long deadline = System.nanoTime() + 20_000_000_000L;
      while (ReceiveBuffers.made() - ReceiveBuffers.free() > inUseBefore
          && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      assertThat(ReceiveBuffers.made() - ReceiveBuffers.free())
          .as("buffers still out after every connection closed")
          .isLessThanOrEqualTo(inUseBefore);
    }
  }
}
