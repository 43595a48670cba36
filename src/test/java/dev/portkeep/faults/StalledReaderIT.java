package dev.portkeep.faults;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portkeep.testing.EchoServer;
import dev.portkeep.testing.OpenSshServer;
import dev.portkeep.testing.Payloads;
import dev.portkeep.testing.PortkeepProcess;
import dev.portkeep.testing.TargetServer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.SequenceInputStream;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A local client that stops reading while a target sends it 1 GiB: the SSH channel's window is what
 * stops the server, so portkeep holds at most one window of that connection's data, and the other
 * channels of the session go on.
 *
 * <p>portkeep runs as a process of its own, so the test's buffers do not count, and its heap is the
 * live bytes after a full collection ({@code jcmd GC.class_histogram}). The bound is absolute: the
 * whole live heap, not its growth, stays below the window plus 8 MiB. The window's bytes themselves
 * mostly sit in the direct buffers of ssh/ReceiveBuffers (at most 2 MiB, off the heap); anything
 * portkeep queued beyond them would be heap arrays, which is what the bound catches.
 */
@Timeout(value = 180, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class StalledReaderIT {
  private static final long SIZE = 1L << 30;
  private static final long SEED = 23;

  /** The window portkeep announces for each channel (ssh/MinaSettings: WINDOW_SIZE). */
  private static final long WINDOW = 2L << 20;

  private static final long HEAP_BOUND = WINDOW + (8L << 20);

  @Test
  void clientStopsReading1GiB_heapStaysBelowWindowPlus8MiB_otherConnectionMovesData()
      throws Exception {
    AtomicLong written = new AtomicLong();
    try (OpenSshServer sshd = OpenSshServer.start();
        TargetServer source = TargetServer.start("source", s -> send(s, written));
        EchoServer echo = EchoServer.start();
        PortkeepProcess portkeep =
            PortkeepProcess.start(
                PortkeepProcess.args(
                    sshd,
                    sshd.port(),
                    "-L",
                    "127.0.0.1:0:127.0.0.1:" + source.port(),
                    "-L",
                    "127.0.0.1:0:127.0.0.1:" + echo.port()));
        ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();
        Socket stalled = new Socket("127.0.0.1", portkeep.ports(2).get(0))) {
      stalled.setSoTimeout(60_000);
      long idleHeap = portkeep.liveHeapBytes();
      InputStream in = stalled.getInputStream();
      byte[] head = in.readNBytes(16 << 20);
      assertThat(Payloads.sha256(head)).isEqualTo(Payloads.sha256(head.length, SEED));

      long sentWhenStalled =
          awaitNoProgress(written, Duration.ofSeconds(1), Duration.ofSeconds(30));
      long stalledHeap = portkeep.liveHeapBytes();
      Duration otherTook = echo64MiB(portkeep.ports(2).get(1), pool);
      long afterOtherHeap = portkeep.liveHeapBytes();
      System.out.printf(
          "stalled reader: live heap idle %d KiB, stalled %d KiB, after the other connection %d KiB"
              + " (bound %d KiB); the source had written %d MiB when it stalled; 64 MiB echoed"
              + " beside it in %d ms%n",
          idleHeap >> 10,
          stalledHeap >> 10,
          afterOtherHeap >> 10,
          HEAP_BOUND >> 10,
          sentWhenStalled >> 20,
          otherTook.toMillis());

      assertThat(sentWhenStalled - head.length)
          .as("bytes the source got rid of beyond what the client read")
          .isLessThan(64L << 20);
      assertThat(stalledHeap).as("live heap while stalled").isLessThan(HEAP_BOUND);
      assertThat(afterOtherHeap).as("live heap after the other transfer").isLessThan(HEAP_BOUND);

      // Reading again, the client gets the whole stream, nothing lost or repeated.
      Payloads.Digest whole =
          Payloads.sha256(new SequenceInputStream(new ByteArrayInputStream(head), in));
      assertThat(whole).isEqualTo(new Payloads.Digest(SIZE, Payloads.sha256(SIZE, SEED)));
    }
  }

  private static void send(Socket socket, AtomicLong written) throws IOException {
    OutputStream out = socket.getOutputStream();
    byte[] buf = new byte[64 * 1024];
    for (long position = 0; position < SIZE; position += buf.length) {
      Payloads.fill(buf, 0, buf.length, position, SEED);
      out.write(buf);
      written.addAndGet(buf.length);
    }
    socket.shutdownOutput();
  }

  /**
   * Waits until {@code counter} has not moved for {@code quiet}, and returns its value then: the
   * condition a stall is, not a guess at how long one takes.
   */
  private static long awaitNoProgress(AtomicLong counter, Duration quiet, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    long last = -1;
    long since = System.nanoTime();
    while (System.nanoTime() < deadline) {
      long now = counter.get();
      if (now != last) {
        last = now;
        since = System.nanoTime();
      } else if (now > 0 && System.nanoTime() - since >= quiet.toNanos()) {
        return now;
      }
      Thread.sleep(50);
    }
    throw new AssertionError("the source never stalled; it had written " + last + " bytes");
  }

  /** 64 MiB up and back through the echo forward at once; returns how long it took. */
  private static Duration echo64MiB(int port, ExecutorService pool) throws Exception {
    long size = 64L << 20;
    long start = System.nanoTime();
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(30_000);
      Future<?> upload =
          pool.submit(
              () -> {
                Payloads.write(s.getOutputStream(), size, 29);
                s.shutdownOutput();
                return null;
              });
      Payloads.Digest back = Payloads.sha256(s.getInputStream());
      upload.get(30, TimeUnit.SECONDS);
      assertThat(back).isEqualTo(new Payloads.Digest(size, Payloads.sha256(size, 29)));
    }
    return Duration.ofNanos(System.nanoTime() - start);
  }
}
