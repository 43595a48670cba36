package dev.portkeep.faults;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portkeep.bind.BindProbe;
import dev.portkeep.testing.Await;
import dev.portkeep.testing.EchoServer;
import dev.portkeep.testing.OpenSshServer;
import dev.portkeep.testing.Payloads;
import dev.portkeep.testing.PortkeepProcess;
import dev.portkeep.testing.ProcessTree;
import dev.portkeep.testing.TargetServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A server that stops answering in the middle of a transfer: its session processes are frozen with
 * SIGSTOP, so the TCP connection stays up and nothing comes back, neither data nor keepalive
 * replies. Only the keepalive can tell; the listener must stay bound through the loss and data must
 * flow again once the server answers.
 */
@Timeout(value = 90, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ServerStoppedIT {
  private static final int INTERVAL = 1;
  private static final int COUNT_MAX = 2;

  /** ServerAliveInterval x (ServerAliveCountMax + 1) + 2 s. */
  private static final Duration DETECTION_BOUND =
      Duration.ofSeconds(INTERVAL * (COUNT_MAX + 1) + 2);

  @Test
  void sessionProcessesStoppedMidTransfer_lostWithinKeepaliveBound_listenerKept_dataFlowsAfterCont()
      throws Exception {
    try (OpenSshServer sshd = OpenSshServer.start();
        EchoServer echo = EchoServer.start();
        PortkeepProcess portkeep =
            PortkeepProcess.start(
                PortkeepProcess.args(
                    sshd,
                    sshd.port(),
                    "-o",
                    "ServerAliveInterval=" + INTERVAL,
                    "-o",
                    "ServerAliveCountMax=" + COUNT_MAX,
                    "-L",
                    "127.0.0.1:0:127.0.0.1:" + echo.port()));
        ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();
        Socket transfer = new Socket("127.0.0.1", portkeep.port())) {
      int port = portkeep.port();
      transfer.setSoTimeout(30_000);
      AtomicLong echoed = new AtomicLong();
      Future<?> upload =
          pool.submit(
              () -> {
                Payloads.write(transfer.getOutputStream(), 1L << 30, 3);
                return null;
              });
      Future<Long> download = pool.submit(() -> readUntilEnd(transfer.getInputStream(), echoed));
      Await.until(
          "8 MiB echoed", Duration.ofSeconds(30), () -> echoed.get() >= 8L << 20, echoed::toString);

      List<Long> session = sshd.sessionPids();
      assertThat(session).as("sshd session processes").isNotEmpty();
      long stopped = System.nanoTime();
      ProcessTree.signal("STOP", session);
      try {
        PortkeepProcess.Line lost =
            portkeep.awaitErrAfter(
                stopped, l -> l.contains("lost the session"), DETECTION_BOUND.plusSeconds(10));
        Duration detection = Duration.ofNanos(lost.nanoTime() - stopped);
        // The connection that was moving data ends instead of hanging on a dead session.
        long got = download.get(10, TimeUnit.SECONDS);
        String bind = BindProbe.otherProcessBinds("127.0.0.1", port, "reuseaddr", 0);
        System.out.printf(
            "server stopped: declared dead after %d ms (bound %d ms); the transfer had echoed %d"
                + " MiB; another bind on the port: %s%n",
            detection.toMillis(), DETECTION_BOUND.toMillis(), got >> 20, bind);
        assertThat(detection).isLessThan(DETECTION_BOUND);
        assertThat(lost.text()).contains("the server stopped answering keepalives");
        assertThat(bind).as("another process binding the listener's port").isEqualTo("EADDRINUSE");
      } finally {
        ProcessTree.signal("CONT", session);
      }
      upload.cancel(true);

      Await.until(
          "a byte echoed through the tunnel again",
          Duration.ofSeconds(30),
          () -> EchoServer.echoesThrough(port, Duration.ofSeconds(2)),
          portkeep::err);
      assertThat(portkeep.err()).contains("reconnected to");
      // The frozen session, thawed, finds its client gone and ends: nothing of it lingers.
      assertThat(ProcessTree.awaitDeath(session, Duration.ofSeconds(20))).isTrue();
      assertThat(portkeep.stop()).as("exit code after SIGTERM").isZero();
    }
  }

  /**
   * The link dies just after the server started a key exchange (RekeyLimit 1M, during an upload):
   * MINA sends and counts no keepalive while an exchange runs, so before ssh/KexWatch this session
   * was never declared dead (7 of 12 SIGSTOPs under RekeyLimit 1M hung for good).
   */
  @Test
  void linkDiesDuringKeyExchange_lostWithinKeepaliveBound_thenReconnects() throws Exception {
    try (OpenSshServer sshd =
            OpenSshServer.builder()
                .extraConfig("RekeyLimit 1M", "Ciphers aes128-gcm@openssh.com")
                .start();
        TargetServer sink = TargetServer.sha256Sink();
        SshRelay relay =
            new SshRelay(sshd.host(), sshd.port(), new SshRelay.FreezeAtRekey(256 << 10), 16)) {
      Files.writeString(
          sshd.knownHostsFile(),
          "[127.0.0.1]:" + relay.port() + " " + sshd.hostKeyPublicLine() + "\n",
          StandardOpenOption.APPEND);
      try (PortkeepProcess portkeep =
              PortkeepProcess.start(
                  PortkeepProcess.args(
                      sshd,
                      relay.port(),
                      "-o",
                      "ServerAliveInterval=" + INTERVAL,
                      "-o",
                      "ServerAliveCountMax=" + COUNT_MAX,
                      "-L",
                      "127.0.0.1:0:127.0.0.1:" + sink.port()));
          ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();
          Socket upload = new Socket("127.0.0.1", portkeep.port())) {
        Future<?> writer =
            pool.submit(
                () -> {
                  Payloads.write(upload.getOutputStream(), 1L << 30, 5);
                  return null;
                });
        Await.until(
            "the relay to freeze at a key exchange",
            Duration.ofSeconds(30),
            () -> relay.faultAt() >= 0,
            portkeep::err);
        PortkeepProcess.Line lost =
            portkeep.awaitErrAfter(
                relay.faultNanos(),
                l -> l.contains("lost the session"),
                DETECTION_BOUND.plusSeconds(10));
        Duration detection = Duration.ofNanos(lost.nanoTime() - relay.faultNanos());
        System.out.printf(
            "link died during a key exchange: declared dead after %d ms (bound %d ms): %s%n",
            detection.toMillis(), DETECTION_BOUND.toMillis(), lost.text());
        assertThat(detection).isLessThan(DETECTION_BOUND);
        assertThat(lost.text()).contains("the server stopped answering keepalives");
        writer.cancel(true);

        int port = portkeep.port();
        Await.until(
            "the whole of a new upload hashed by the sink",
            Duration.ofSeconds(30),
            () -> uploadsThrough(port),
            portkeep::err);
        assertThat(relay.connections()).isGreaterThanOrEqualTo(2);
        assertThat(portkeep.stop()).as("exit code after SIGTERM").isZero();
      }
    }
  }

  /** Whether 1 MiB sent through {@code port} to the SHA-256 sink comes back as its hash. */
  private static boolean uploadsThrough(int port) {
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(5_000);
      Payloads.write(s.getOutputStream(), 1 << 20, 6);
      s.shutdownOutput();
      String reply = new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
      return reply.strip().equals(Payloads.sha256(1 << 20, 6));
    } catch (IOException e) {
      return false;
    }
  }

  /** Reads until the end of the stream or a reset, counting; returns the count. */
  private static long readUntilEnd(InputStream in, AtomicLong count) {
    byte[] buf = new byte[64 * 1024];
    try {
      for (int n; (n = in.read(buf)) >= 0; ) {
        count.addAndGet(n);
      }
    } catch (IOException reset) {
      // a reset ends the transfer as well as an end of stream does
    }
    return count.get();
  }
}
