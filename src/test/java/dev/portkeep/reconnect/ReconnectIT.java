package dev.portkeep.reconnect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portkeep.bind.BindProbe;
import dev.portkeep.cli.CliRun;
import dev.portkeep.testing.Await;
import dev.portkeep.testing.EchoServer;
import dev.portkeep.testing.FaultProxy;
import dev.portkeep.testing.FreePort;
import dev.portkeep.testing.NetNamespace;
import dev.portkeep.testing.OpenSshServer;
import dev.portkeep.testing.Payloads;
import dev.portkeep.testing.TargetServer;
import java.io.IOException;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Tunnels that stay up, against a real OpenSSH sshd that crashes, vanishes or changes its key. */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ReconnectIT {
  @TempDir Path home;

  private static String[] args(OpenSshServer sshd, int sshPort, String... extra) {
    List<String> a = new ArrayList<>(List.of(extra));
    a.addAll(
        List.of(
            "-p",
            String.valueOf(sshPort),
            "-i",
            sshd.clientKey().toString(),
            "-o",
            "UserKnownHostsFile=" + sshd.knownHostsFile(),
            sshd.user() + "@127.0.0.1"));
    return a.toArray(String[]::new);
  }

  /** The proxy's port is a different known_hosts name; trust the server's key under it too. */
  private static void trustThrough(OpenSshServer sshd, FaultProxy proxy) throws IOException {
    java.nio.file.Files.writeString(
        sshd.knownHostsFile(),
        "[127.0.0.1]:" + proxy.port() + " " + sshd.hostKeyPublicLine() + "\n",
        java.nio.file.StandardOpenOption.APPEND);
  }

  @Test
  void serverKilledAndRestartedAfter2s_firstByteWithin5sAndThePortNeverFree() throws Exception {
    try (OpenSshServer sshd = OpenSshServer.start();
        EchoServer echo = EchoServer.start()) {
      int port = FreePort.pick();
      CliRun run =
          CliRun.start(
              home,
              args(sshd, sshd.port(), "-L", "127.0.0.1:" + port + ":127.0.0.1:" + echo.port()));
      run.awaitOut("forwarding", Duration.ofSeconds(20));
      Socket open = new Socket("127.0.0.1", port);
      open.getOutputStream().write(1);
      assertThat(open.getInputStream().read()).isEqualTo(1);

      sshd.kill();
      long killed = System.nanoTime();
      // The connection open at the crash ends promptly instead of hanging.
      open.setSoTimeout(5_000);
      try {
        assertThat(open.getInputStream().read()).isEqualTo(-1);
      } catch (SocketException reset) {
        assertThat(reset.getMessage()).containsIgnoringCase("reset");
      }
      assertThat(Duration.ofNanos(System.nanoTime() - killed)).isLessThan(Duration.ofSeconds(3));
      open.close();

      // During the whole outage nobody else can take the port.
      long outageEnd = System.nanoTime() + Duration.ofSeconds(2).toNanos();
      while (System.nanoTime() < outageEnd) {
        assertThat(BindProbe.otherProcessBinds("127.0.0.1", port, "reuseaddr", 0))
            .isEqualTo("EADDRINUSE");
        assertThat(EchoServer.echoesThrough(port, Duration.ofSeconds(2))).isFalse();
      }
      sshd.restart();
      long accepting = System.nanoTime();
      while (!EchoServer.echoesThrough(port, Duration.ofSeconds(2))) {
        assertThat(Duration.ofNanos(System.nanoTime() - accepting))
            .isLessThan(Duration.ofSeconds(5));
        Thread.sleep(50);
      }
      assertThat(run.err()).contains("lost the session to").contains("reconnected to");
      assertThat(run.stop()).isZero();
    }
  }

  @Test
  void peerBlackHoled_declaredDeadWithinKeepaliveBudgetThenReconnects() throws Exception {
    try (OpenSshServer sshd = OpenSshServer.start();
        EchoServer echo = EchoServer.start();
        FaultProxy proxy = FaultProxy.to("127.0.0.1", sshd.port())) {
      trustThrough(sshd, proxy);
      int port = FreePort.pick();
      CliRun run =
          CliRun.start(
              home,
              args(
                  sshd,
                  proxy.port(),
                  "-o",
                  "ServerAliveInterval=1",
                  "-o",
                  "ServerAliveCountMax=2",
                  "-L",
                  "127.0.0.1:" + port + ":127.0.0.1:" + echo.port()));
      run.awaitOut("forwarding", Duration.ofSeconds(20));
      assertThat(EchoServer.echoesThrough(port, Duration.ofSeconds(2))).isTrue();
      proxy.blackHoleExisting();
      long cut = System.nanoTime();
      while (!run.err().contains("lost the session")) {
        assertThat(Duration.ofNanos(System.nanoTime() - cut))
            .isLessThan(Duration.ofSeconds(1 * (2 + 1) + 2));
        Thread.sleep(50);
      }
      long reconnectDeadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (!EchoServer.echoesThrough(port, Duration.ofSeconds(2))) {
        assertThat(System.nanoTime()).isLessThan(reconnectDeadline);
        Thread.sleep(100);
      }
      assertThat(proxy.connections()).isGreaterThanOrEqualTo(2);
      assertThat(run.stop()).isZero();
    }
  }

  private static boolean bannerThrough(int port) {
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(3_000);
      return new String(
              s.getInputStream().readNBytes(8), java.nio.charset.StandardCharsets.US_ASCII)
          .equals("SSH-2.0-");
    } catch (IOException e) {
      return false;
    }
  }

  @Test
  void linkCutInANetworkNamespace_peerDeclaredDeadThenBackWhenTheLinkHeals() throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(
        NetNamespace.available(), "needs root to create network namespaces");
    try (NetNamespace ns = NetNamespace.create();
        OpenSshServer sshd = OpenSshServer.builder().inNamespace(ns).start()) {
      int port = FreePort.pick();
      // The forward's target is the namespace's own sshd, the one service that lives there.
      CliRun run =
          CliRun.start(
              home,
              "-o",
              "ServerAliveInterval=1",
              "-o",
              "ServerAliveCountMax=2",
              "-L",
              "127.0.0.1:" + port + ":" + ns.innerAddress() + ":" + sshd.port(),
              "-p",
              String.valueOf(sshd.port()),
              "-i",
              sshd.clientKey().toString(),
              "-o",
              "UserKnownHostsFile=" + sshd.knownHostsFile(),
              "root@" + ns.innerAddress());
      run.awaitOut("forwarding", Duration.ofSeconds(20));
      assertThat(bannerThrough(port)).isTrue();
      ns.cut();
      long cut = System.nanoTime();
      while (!run.err().contains("lost the session")) {
        assertThat(Duration.ofNanos(System.nanoTime() - cut))
            .isLessThan(Duration.ofSeconds(1 * (2 + 1) + 2));
        Thread.sleep(50);
      }
      assertThat(bannerThrough(port)).isFalse();
      ns.heal();
      long healed = System.nanoTime();
      while (!bannerThrough(port)) {
        assertThat(Duration.ofNanos(System.nanoTime() - healed))
            .as(run.err())
            .isLessThan(Duration.ofSeconds(40));
        Thread.sleep(200);
      }
      assertThat(run.stop()).isZero();
    }
  }

  @Test
  void linkCutShorterThanKeepaliveBudget_transferCompletesWithoutReconnect() throws Exception {
    long size = 64L << 20;
    try (OpenSshServer sshd = OpenSshServer.start();
        TargetServer sink = TargetServer.sha256Sink();
        FaultProxy proxy = FaultProxy.to("127.0.0.1", sshd.port())) {
      trustThrough(sshd, proxy);
      int port = FreePort.pick();
      CliRun run =
          CliRun.start(
              home,
              args(
                  sshd,
                  proxy.port(),
                  "-o",
                  "ServerAliveInterval=5",
                  "-o",
                  "ServerAliveCountMax=3",
                  "-L",
                  "127.0.0.1:" + port + ":127.0.0.1:" + sink.port()));
      run.awaitOut("forwarding", Duration.ofSeconds(20));
      try (Socket s = new Socket("127.0.0.1", port);
          ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
        s.setSoTimeout(60_000);
        Future<?> upload =
            pool.submit(
                () -> {
                  Payloads.write(s.getOutputStream(), size, 21);
                  s.shutdownOutput();
                  return null;
                });
        // The cut falls mid-transfer: a quarter has passed, and the rest waits behind the cut.
        long relayedBefore = proxy.bytesToServer();
        Await.until("a quarter relayed", () -> proxy.bytesToServer() - relayedBefore >= size / 4);
        proxy.pause();
        assertThat(upload.isDone()).as("the upload is still running at the cut").isFalse();
        Thread.sleep(10_000); // the link stays cut for 10 s: the fault this test is about
        assertThat(upload.isDone()).as("nothing passes a cut link").isFalse();
        proxy.resume();
        upload.get(60, TimeUnit.SECONDS);
        String reply = new String(s.getInputStream().readAllBytes()).strip();
        assertThat(reply).isEqualTo(Payloads.sha256(size, 21));
      }
      assertThat(run.err()).doesNotContain("lost the session");
      assertThat(proxy.connections()).isEqualTo(1);
      assertThat(run.stop()).isZero();
    }
  }

  @Test
  void staleRemoteForward_newSessionGetsThePortOnceTheServerReapsTheOldOne() throws Exception {
    try (OpenSshServer sshd =
            OpenSshServer.builder()
                .extraConfig("ClientAliveInterval 2", "ClientAliveCountMax 2")
                .start();
        EchoServer echo = EchoServer.start();
        FaultProxy proxy = FaultProxy.to("127.0.0.1", sshd.port())) {
      trustThrough(sshd, proxy);
      int remotePort = FreePort.pick();
      CliRun run =
          CliRun.start(
              home,
              args(
                  sshd,
                  proxy.port(),
                  "-o",
                  "ServerAliveInterval=1",
                  "-o",
                  "ServerAliveCountMax=1",
                  "-R",
                  "127.0.0.1:" + remotePort + ":127.0.0.1:" + echo.port()));
      run.awaitOut("forwarding remote 127.0.0.1:" + remotePort, Duration.ofSeconds(20));
      assertThat(EchoServer.echoesThrough(remotePort, Duration.ofSeconds(2))).isTrue();
      proxy.blackHoleExisting();
      long deadline = System.nanoTime() + Duration.ofSeconds(40).toNanos();
      while (!run.err().contains("is up again")) {
        assertThat(System.nanoTime()).as(run.err()).isLessThan(deadline);
        Thread.sleep(100);
      }
      assertThat(run.err()).contains("the server refused -R 127.0.0.1:" + remotePort);
      assertThat(EchoServer.echoesThrough(remotePort, Duration.ofSeconds(2))).isTrue();
      assertThat(run.stop()).isZero();
    }
  }

  @Test
  void hostKeyChangedWhileReconnecting_stopsWithExit3AndNoRetryLoop() throws Exception {
    try (OpenSshServer sshd = OpenSshServer.start()) {
      CliRun run = CliRun.start(home, args(sshd, sshd.port(), "-L", "127.0.0.1:0:127.0.0.1:1"));
      run.awaitOut("forwarding", Duration.ofSeconds(20));
      sshd.kill();
      sshd.changeHostKey();
      sshd.restart();
      assertThat(run.exitCode(Duration.ofSeconds(30))).as(run.err()).isEqualTo(3);
      assertThat(run.err()).contains("HOST KEY CHANGED for [127.0.0.1]:" + sshd.port());
      assertThat(run.err().lines().filter(l -> l.contains("HOST KEY CHANGED")).count())
          .isEqualTo(1);
    }
  }

  @Test
  void reconnectNo_lossEndsTheTunnelWithExit4() throws Exception {
    try (OpenSshServer sshd = OpenSshServer.start()) {
      CliRun run =
          CliRun.start(
              home, args(sshd, sshd.port(), "-o", "Reconnect=no", "-L", "127.0.0.1:0:127.0.0.1:1"));
      run.awaitOut("forwarding", Duration.ofSeconds(20));
      sshd.kill();
      assertThat(run.exitCode(Duration.ofSeconds(20))).isEqualTo(4);
      assertThat(run.err()).contains("portkeep: lost the connection to");
    }
  }

  @Test
  void reconnectHold_connectionDuringOutageWaitsForTheNewSession() throws Exception {
    try (OpenSshServer sshd = OpenSshServer.start();
        EchoServer echo = EchoServer.start()) {
      int port = FreePort.pick();
      CliRun run =
          CliRun.start(
              home,
              args(
                  sshd,
                  sshd.port(),
                  "-o",
                  "ReconnectHold=20",
                  "-L",
                  "127.0.0.1:" + port + ":127.0.0.1:" + echo.port()));
      run.awaitOut("forwarding", Duration.ofSeconds(20));
      sshd.kill();
      Await.until("the loss reported", () -> run.err().contains("lost the session"));
      try (Socket held = new Socket("127.0.0.1", port)) {
        held.getOutputStream().write(5);
        // Held, not refused: the connection stays open with no answer while the server is down.
        held.setSoTimeout(1_500);
        assertThatThrownBy(() -> held.getInputStream().read())
            .isInstanceOf(SocketTimeoutException.class);
        sshd.restart();
        held.setSoTimeout(20_000);
        assertThat(held.getInputStream().read()).isEqualTo(5);
      }
      assertThat(run.stop()).isZero();
    }
  }
}
