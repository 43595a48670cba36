package dev.portkeep.faults;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portkeep.testing.OpenSshServer;
import dev.portkeep.testing.Payloads;
import dev.portkeep.testing.PortkeepProcess;
import dev.portkeep.testing.TargetServer;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Key re-exchange while data streams both ways: an sshd with {@code RekeyLimit 1M 1s} starts a new
 * key exchange every megabyte, so MINA must hold back and release channel data around each one, on
 * a session with strict key exchange. Keepalives are short (2 s x 2): over two thousand exchanges
 * that each finish must never add up to one that looks stuck (ssh/KexWatch gives a single exchange
 * 6 s here).
 */
@Timeout(value = 240, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class RekeyUnderLoadIT {
  private static final long SIZE = 1L << 30;

  @Test
  void sshdRekeysEveryMegabyte_1GiBEachWayAtOnce_sha256EqualOnBothEnds() throws Exception {
    String expectedDown = Payloads.sha256(SIZE, 41);
    String expectedUp = Payloads.sha256(SIZE, 42);
    try (OpenSshServer sshd =
            OpenSshServer.builder().extraConfig("RekeyLimit 1M 1s", "LogLevel DEBUG1").start();
        TargetServer target = TargetServer.duplexHash(SIZE, 41);
        PortkeepProcess portkeep =
            PortkeepProcess.start(
                PortkeepProcess.args(
                    sshd,
                    sshd.port(),
                    "-o",
                    "ServerAliveInterval=2",
                    "-o",
                    "ServerAliveCountMax=2",
                    "-L",
                    "127.0.0.1:0:127.0.0.1:" + target.port()));
        ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();
        Socket s = new Socket("127.0.0.1", portkeep.port())) {
      s.setSoTimeout(60_000);
      long start = System.nanoTime();
      Future<?> upload =
          pool.submit(
              () -> {
                Payloads.write(s.getOutputStream(), SIZE, 42);
                s.shutdownOutput();
                return null;
              });
      Payloads.Digest down = Payloads.sha256(s.getInputStream());
      upload.get(120, TimeUnit.SECONDS);
      String up = target.awaitReceivedHash(Duration.ofSeconds(60));
      Duration took = Duration.ofNanos(System.nanoTime() - start);

      assertThat(down)
          .as(() -> diagnostics(portkeep, sshd, target, down))
          .isEqualTo(new Payloads.Digest(SIZE, expectedDown));
      assertThat(up).isEqualTo(expectedUp);
      long rekeys = sshd.log().lines().filter(l -> l.contains("SSH2_MSG_KEXINIT sent")).count();
      System.out.printf(
          "rekey under load: 2 x 1 GiB in %d ms, %d key exchanges%n", took.toMillis(), rekeys);
      // RekeyLimit took effect: about one key exchange per megabyte each way, not one in all.
      assertThat(rekeys).as("key exchanges (KEXINIT sent by sshd)").isGreaterThan(500);
      assertThat(portkeep.err()).doesNotContain("lost the session");
    }
  }

  /** What a failed transfer leaves to look at: which side ended it and how. */
  private static String diagnostics(
      PortkeepProcess portkeep, OpenSshServer sshd, TargetServer target, Payloads.Digest down) {
    List<String> log =
        sshd.log().lines().filter(l -> !l.startsWith("debug") || l.contains("channel")).toList();
    return "the bytes received are the stream's first "
        + down.bytes()
        + ": "
        + Payloads.sha256(down.bytes(), 41).equals(down.sha256())
        + "\n"
        + target
        + " "
        + target.errors()
        + "\nportkeep stderr:\n"
        + portkeep.err()
        + "\nsshd log, less the key exchanges' debug lines:\n"
        + String.join("\n", log.subList(Math.max(0, log.size() - 40), log.size()));
  }
}
