package dev.portkeep.smb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.portkeep.cli.CliRun;
import dev.portkeep.testing.Command;
import dev.portkeep.testing.NetNamespace;
import dev.portkeep.testing.OpenSshServer;
import dev.portkeep.testing.Payloads;
import dev.portkeep.testing.SambaServer;
import dev.portkeep.testing.TargetServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * SMB over SSH end to end: real Samba as the file server, a real OpenSSH sshd as the gateway, the
 * real smbclient as the client, and {@code portkeep smb} in between.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 240, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class SmbTunnelIT {
  private static final Pattern LISTEN = Pattern.compile("forwarding (\\S+):(\\d+) -> ");

  @TempDir Path home;
  @TempDir Path files;
  SambaServer samba;
  OpenSshServer gateway;
  NetNamespace fileServerHost;

  /**
   * As root the file server is a host of its own (a network namespace), reached only through the
   * gateway's routes.
   */
  @BeforeAll
  void start() {
    if (NetNamespace.available()) {
      fileServerHost = NetNamespace.create();
      samba = SambaServer.builder().inNamespace(fileServerHost).start();
    } else {
      samba = SambaServer.start();
    }
    gateway = OpenSshServer.start();
  }

  @AfterAll
  void stop() {
    gateway.close();
    samba.close();
    if (fileServerHost != null) {
      fileServerHost.close();
    }
  }

  private String[] args(String... extra) {
    List<String> a = new ArrayList<>(List.of("smb"));
    a.addAll(List.of(extra));
    a.addAll(
        List.of(
            "-p",
            String.valueOf(gateway.port()),
            "-i",
            gateway.clientKey().toString(),
            "-o",
            "UserKnownHostsFile=" + gateway.knownHostsFile(),
            gateway.user() + "@127.0.0.1"));
    return a.toArray(String[]::new);
  }

  private String[] argsTo(String fileServer, String... extra) {
    List<String> a = new ArrayList<>(List.of(args(extra)));
    a.add(fileServer);
    return a.toArray(String[]::new);
  }

  private String sambaTarget() {
    return samba.host() + ":" + samba.port();
  }

  /** The tunnel's SMB address and port from portkeep's output. */
  private static String[] listener(String out) {
    Matcher m = LISTEN.matcher(out);
    assertThat(m.find()).as(out).isTrue();
    return new String[] {m.group(1), m.group(2)};
  }

  private Path file(String name, long size, long seed) throws IOException {
    Path f = files.resolve(name);
    try (OutputStream out = Files.newOutputStream(f)) {
      Payloads.write(out, size, seed);
    }
    return f;
  }

  /** Waits until {@code file} holds at least {@code size} bytes, while {@code copy} still runs. */
  private static void awaitSize(Path file, long size, Future<?> copy) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (!Files.exists(file) || Files.size(file) < size) {
      assertThat(copy.isDone()).as("the copy ended before " + size + " bytes landed").isFalse();
      assertThat(System.nanoTime())
          .as("waiting for " + size + " bytes in " + file)
          .isLessThan(deadline);
      Thread.sleep(5);
    }
  }

  private static String sha256(Path f) throws IOException {
    try (InputStream in = Files.newInputStream(f)) {
      return Payloads.sha256(in).sha256();
    }
  }

  @Test
  void smb_putAndGet256MiB_hashesEqualBothWays() throws Exception {
    CliRun run = CliRun.start(home, argsTo(sambaTarget()));
    String out = run.awaitOut("(file managers", Duration.ofSeconds(30));
    assertThat(out).contains("smb: the file server answers through the tunnel: SMB 3");
    String[] at = listener(out);
    Path big = file("big.bin", 256L << 20, 1);
    Path back = files.resolve("big.back");
    samba
        .smbclient(at[0], Integer.parseInt(at[1]), "put " + big + " big.bin", "get big.bin " + back)
        .orThrow();
    assertThat(sha256(samba.shareDir().resolve("big.bin"))).isEqualTo(sha256(big));
    assertThat(sha256(back)).isEqualTo(sha256(big));
    assertThat(run.stop()).isZero();
  }

  @Test
  void smb_eightParallelSessionsOf32MiB_allIntact() throws Exception {
    CliRun run = CliRun.start(home, argsTo(sambaTarget()));
    String[] at = listener(run.awaitOut("(file managers", Duration.ofSeconds(30)));
    try (ExecutorService pool = Executors.newFixedThreadPool(8)) {
      List<Future<Command.Result>> copies = new ArrayList<>();
      List<Path> sources = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        Path src = file("p" + i, 32L << 20, 100 + i);
        sources.add(src);
        Path dst = files.resolve("p" + i + ".back");
        int n = i;
        copies.add(
            pool.submit(
                () ->
                    samba.smbclient(
                        at[0],
                        Integer.parseInt(at[1]),
                        "put " + src + " p" + n,
                        "get p" + n + " " + dst)));
      }
      for (int i = 0; i < 8; i++) {
        Command.Result r = copies.get(i).get();
        assertThat(r.exitCode()).as(r.stderr() + r.stdout()).isZero();
        assertThat(sha256(files.resolve("p" + i + ".back"))).isEqualTo(sha256(sources.get(i)));
      }
    }
    assertThat(run.stop()).isZero();
  }

  @Test
  void smb_gatewayKilledMidCopyAndRestarted_tunnelComesBackAndTheCopyCompletes() throws Exception {
    CliRun run = CliRun.start(home, argsTo(sambaTarget()));
    String[] at = listener(run.awaitOut("(file managers", Duration.ofSeconds(30)));
    Path big = file("mid.bin", 256L << 20, 7);
    try (ExecutorService pool = Executors.newSingleThreadExecutor()) {
      Future<Command.Result> copy =
          pool.submit(
              () -> samba.smbclient(at[0], Integer.parseInt(at[1]), "put " + big + " mid.bin"));
      // Mid-copy for certain: the share already holds a part of the file, far from all of it.
      Path landed = samba.shareDir().resolve("mid.bin");
      awaitSize(landed, 32L << 20, copy);
      gateway.kill();
      Command.Result cut = copy.get();
      assertThat(cut.exitCode()).as("the copy cut by the crash fails").isNotZero();
      assertThat(Files.size(landed)).isLessThan(Files.size(big));
      gateway.restart();
    }
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    Command.Result again;
    do {
      again = samba.smbclient(at[0], Integer.parseInt(at[1]), "put " + big + " mid.bin");
    } while (again.exitCode() != 0 && System.nanoTime() < deadline);
    assertThat(again.exitCode()).as(again.stderr() + again.stdout()).isZero();
    assertThat(sha256(samba.shareDir().resolve("mid.bin"))).isEqualTo(sha256(big));
    assertThat(run.err()).contains("reconnected to");
    assertThat(run.stop()).isZero();
  }

  @Test
  void smbCheck_reportsTheDialectAndExits0() {
    CliRun run = CliRun.run(home, argsTo(sambaTarget(), "--check"));
    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out()).containsPattern("answers through the tunnel: SMB 3\\.\\d\\.?\\d*");
  }

  @Test
  void smbCheck_nothingListening_saysSoAndExits5() throws Exception {
    int closed;
    try (ServerSocket s = new ServerSocket(0)) {
      closed = s.getLocalPort();
    }
    CliRun run = CliRun.run(home, argsTo("127.0.0.1:" + closed, "--check"));
    assertThat(run.exitCode()).isEqualTo(5);
    assertThat(run.err())
        .contains("portkeep: nothing answers on 127.0.0.1:" + closed + " as seen from the gateway")
        .contains("connect failed")
        .contains("hint: check that smbd runs");
  }

  @Test
  void smbCheck_forwardForbiddenByTheGateway_saysAdministrativelyProhibited() throws Exception {
    try (OpenSshServer strict =
        OpenSshServer.builder().extraConfig("PermitOpen 127.0.0.1:1").start()) {
      CliRun run =
          CliRun.run(
              home,
              "smb",
              "--check",
              "-p",
              String.valueOf(strict.port()),
              "-i",
              strict.clientKey().toString(),
              "-o",
              "UserKnownHostsFile=" + strict.knownHostsFile(),
              "root@127.0.0.1",
              sambaTarget());
      assertThat(run.exitCode()).isEqualTo(5);
      assertThat(run.err())
          .contains(
              "the SSH server refused to forward to "
                  + sambaTarget()
                  + ": administratively prohibited")
          .contains("PermitOpen");
    }
  }

  @Test
  void smbCheck_peerIsNotSmb_saysWhatItSent() {
    CliRun run = CliRun.run(home, argsTo("127.0.0.1:" + gateway.port(), "--check"));
    assertThat(run.exitCode()).isEqualTo(5);
    assertThat(run.err()).containsIgnoringCase("not an SMB server");
  }

  @Test
  void smbCheck_silentPeer_timesOut() throws Exception {
    try (TargetServer silent =
        TargetServer.start("silent", socket -> socket.getInputStream().readAllBytes())) {
      CliRun run = CliRun.run(home, argsTo("127.0.0.1:" + silent.port(), "--check"));
      assertThat(run.exitCode()).isEqualTo(5);
      assertThat(run.err()).containsIgnoringCase("no answer");
    }
  }

  @Test
  void smb_localProcessHolds445OnEveryAddress_picksAHighPortAndSaysWhy() throws Exception {
    assumeTrue("root".equals(System.getProperty("user.name")), "binding 445 needs root");
    Process holder =
        new ProcessBuilder(
                "python3",
                "-c",
                "import socket,time\ns=socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)\n"
                    + "s.bind(('0.0.0.0',445)); s.listen(5); print('ready', flush=True); time.sleep(120)")
            .start();
    try {
      assertThat(new String(holder.getInputStream().readNBytes(6))).isEqualTo("ready\n");
      CliRun run = CliRun.start(home, argsTo(sambaTarget()));
      String out = run.awaitOut("(file managers", Duration.ofSeconds(30));
      assertThat(out)
          .contains("smb: port 445 is held on every address by python3 (pid " + holder.pid())
          .contains("so a high port is used");
      String[] at = listener(out);
      assertThat(at[1]).isNotEqualTo("445");
      assertThat(out).contains("smbclient //127.0.0.1/share -p " + at[1]);
      assertThat(run.stop()).isZero();
    } finally {
      holder.destroyForcibly().waitFor();
    }
  }

  @Test
  void smb_asRoot_bindsPort445OnAFreeLoopbackAddressSoClientsNeedNoPort() throws Exception {
    assumeTrue("root".equals(System.getProperty("user.name")), "binding 445 needs root");
    CliRun run = CliRun.start(home, argsTo(sambaTarget()));
    String out = run.awaitOut("(file managers", Duration.ofSeconds(30));
    String[] at = listener(out);
    assertThat(at[0]).startsWith("127.0.0.");
    assertThat(at[1]).isEqualTo("445");
    assertThat(out).contains("smbclient //" + at[0] + "/share -U");
    Path small = file("small.txt", 1000, 5);
    Command.Result r =
        Command.run(
            Duration.ofSeconds(60),
            SambaServer.SMBCLIENT.toString(),
            "//" + at[0] + "/" + samba.share(),
            "-U",
            samba.user() + "%" + samba.password(),
            "-c",
            "put " + small + " small.txt");
    assertThat(r.exitCode()).as(r.stderr() + r.stdout()).isZero();
    assertThat(run.stop()).isZero();
  }

  @Test
  void smb_wrongSmbPassword_smbclientsErrorPassesThroughAndTheTunnelStaysHealthy()
      throws Exception {
    CliRun run = CliRun.start(home, argsTo(sambaTarget()));
    String[] at = listener(run.awaitOut("(file managers", Duration.ofSeconds(30)));
    Command.Result bad =
        Command.run(
            Duration.ofSeconds(60),
            SambaServer.SMBCLIENT.toString(),
            "//" + at[0] + "/" + samba.share(),
            "-p",
            at[1],
            "-U",
            samba.user() + "%wrong",
            "-c",
            "ls");
    assertThat(bad.exitCode()).isNotZero();
    assertThat(bad.stdout() + bad.stderr()).contains("NT_STATUS_LOGON_FAILURE");
    Command.Result noShare =
        Command.run(
            Duration.ofSeconds(60),
            SambaServer.SMBCLIENT.toString(),
            "//" + at[0] + "/nosuchshare",
            "-p",
            at[1],
            "-U",
            samba.user() + "%" + samba.password(),
            "-c",
            "ls");
    assertThat(noShare.stdout() + noShare.stderr()).contains("NT_STATUS_BAD_NETWORK_NAME");
    samba.smbclient(at[0], Integer.parseInt(at[1]), "ls").orThrow();
    assertThat(run.isRunning()).isTrue();
    assertThat(run.stop()).isZero();
  }

  @Test
  void smb_unreachableGateway_exit4() throws Exception {
    int closed;
    try (ServerSocket s = new ServerSocket(0)) {
      closed = s.getLocalPort();
    }
    CliRun run =
        CliRun.run(
            home,
            "smb",
            "-p",
            String.valueOf(closed),
            "-i",
            gateway.clientKey().toString(),
            "127.0.0.1");
    assertThat(run.exitCode()).isEqualTo(4);
    assertThat(run.err()).contains("cannot reach ssh server 127.0.0.1:" + closed);
  }

  @Test
  void mountCifs_throughTheTunnel_whenTheKernelHasCifs() throws Exception {
    Command.Result probe =
        Command.run(
            Duration.ofSeconds(10), "sh", "-c", "grep -qw cifs /proc/filesystems || modprobe cifs");
    assumeTrue(
        probe.exitCode() == 0,
        "the kernel has no CIFS client (no cifs in /proc/filesystems and modprobe cifs failed): mount test skipped");
    CliRun run = CliRun.start(home, argsTo(sambaTarget()));
    String[] at = listener(run.awaitOut("(file managers", Duration.ofSeconds(30)));
    Path mnt = Files.createTempDirectory("portkeep-mnt");
    Command.Result mount =
        Command.run(
            Duration.ofSeconds(30),
            "mount",
            "-t",
            "cifs",
            "//" + at[0] + "/" + samba.share(),
            mnt.toString(),
            "-o",
            "port=" + at[1] + ",username=" + samba.user() + ",password=" + samba.password());
    assumeTrue(
        mount.exitCode() == 0, "mount -t cifs is not permitted here: " + mount.stderr().strip());
    try {
      Files.writeString(mnt.resolve("via-mount.txt"), "through the tunnel");
      assertThat(Files.readString(samba.shareDir().resolve("via-mount.txt")))
          .isEqualTo("through the tunnel");
    } finally {
      Command.run(Duration.ofSeconds(30), "umount", mnt.toString());
      assertThat(run.stop()).isZero();
    }
  }
}
