package dev.portkeep.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.portkeep.bind.Listeners;
import dev.portkeep.config.Environment;
import dev.portkeep.config.Flags;
import dev.portkeep.config.Plans;
import dev.portkeep.smb.ProbeResult;
import dev.portkeep.smb.Smb2Probe;
import dev.portkeep.status.ChannelFailure;
import dev.portkeep.status.ForwardSnapshot;
import dev.portkeep.status.ProbeOutcome;
import dev.portkeep.status.Problem;
import dev.portkeep.status.StateChange;
import dev.portkeep.status.TunnelEvents;
import dev.portkeep.status.TunnelSnapshot;
import dev.portkeep.status.TunnelState;
import dev.portkeep.testing.Await;
import dev.portkeep.testing.EchoServer;
import dev.portkeep.testing.FreePort;
import dev.portkeep.testing.OpenSshServer;
import dev.portkeep.testing.Payloads;
import dev.portkeep.testing.SambaServer;
import dev.portkeep.testing.TargetServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Many named tunnels in one process against two real sshds: each lives, fails, stops and reloads on
 * its own while the others carry data.
 */
@Timeout(value = 180, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class FleetIT {
  @TempDir Path home;
  private OpenSshServer first;
  private OpenSshServer second;
  private EchoServer echo;
  private Fleet fleet;
  private final List<StateChange> changes = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() {
    first = OpenSshServer.start();
    second = OpenSshServer.start();
    echo = EchoServer.start();
    fleet =
        new Fleet(
            Clock.systemUTC(),
            changes::add,
            (hook, change) -> {},
            name -> TunnelEvents.NONE,
            Listeners::system);
  }

  @AfterEach
  void stop() {
    fleet.close(Duration.ZERO);
    echo.close();
    second.close();
    first.close();
  }

  private Environment env() {
    return new Environment(home, "tester", false);
  }

  /** A tunnel to {@code sshd} forwarding a fixed local port to {@code target}. */
  private Definition tunnel(String name, OpenSshServer sshd, int port, int target, String... more) {
    return tunnel(name, sshd, port, "127.0.0.1:" + target, more);
  }

  /** A tunnel to {@code sshd} forwarding a fixed local port to {@code target}, as host:port. */
  private Definition tunnel(
      String name, OpenSshServer sshd, int port, String target, String... more) {
    List<String> options = new ArrayList<>(List.of("UserKnownHostsFile=" + sshd.knownHostsFile()));
    options.addAll(List.of(more));
    options.add("IdentityFile=" + sshd.clientKey());
    options.add("Port=" + sshd.port());
    List<String> forwards = List.of("127.0.0.1:" + port + ":" + target);
    Flags flags = Flags.of(sshd.user() + "@127.0.0.1", forwards, options);
    return planned(name, flags, List.of(flags, more.length));
  }

  /** An enabled, unprobed tunnel planned from {@code flags}, as a tunnels-file table would be. */
  private Definition planned(String name, Flags flags, Object identity) {
    return new Definition(
        name,
        true,
        () -> Plans.fromFlags(flags, env()),
        new Definition.Probe.Off(),
        Optional.empty(),
        Optional.empty(),
        identity);
  }

  private static Definition probed(Definition d, Duration every) {
    return probed(d, new Definition.Probe.Channel(every));
  }

  private static Definition probed(Definition d, Definition.Probe probe) {
    return new Definition(d.name(), d.enabled(), d.planner(), probe, d.smb(), d.onChange(), d);
  }

  private TunnelSnapshot status(String name) {
    return fleet.status().stream().filter(t -> t.name().equals(name)).findFirst().orElseThrow();
  }

  private void awaitState(String name, TunnelState state) {
    Await.until(
        name + " " + state.label(),
        Duration.ofSeconds(40),
        () -> status(name).state() == state,
        () -> "status: " + status(name));
  }

  @Test
  void threeTunnelsTwoServers_oneServerKilled_onlyItsTunnelReconnectsAndComesBack()
      throws Exception {
    int a = FreePort.pick();
    int b = FreePort.pick();
    int c = FreePort.pick();
    fleet.load(
        List.of(
            tunnel("a", first, a, echo.port(), "ServerAliveInterval=1", "ServerAliveCountMax=2"),
            tunnel("b", second, b, echo.port()),
            tunnel("c", second, c, echo.port())),
        Set.of());
    for (String name : List.of("a", "b", "c")) {
      awaitState(name, TunnelState.UP);
    }
    assertThat(EchoServer.echoesThrough(a, Duration.ofSeconds(5))).isTrue();
    assertThat(EchoServer.echoesThrough(b, Duration.ofSeconds(5))).isTrue();
    assertThat(EchoServer.echoesThrough(c, Duration.ofSeconds(5))).isTrue();

    first.kill();
    awaitState("a", TunnelState.RECONNECTING);
    assertThat(status("a").lastLoss()).isPresent();
    assertThat(status("a").lastError()).map(Problem::kind).isNotEmpty();
    assertThat(status("b").state()).isEqualTo(TunnelState.UP);
    assertThat(EchoServer.echoesThrough(b, Duration.ofSeconds(5))).isTrue();
    assertThat(EchoServer.echoesThrough(c, Duration.ofSeconds(5))).isTrue();
    assertThat(EchoServer.echoesThrough(a, Duration.ofSeconds(2))).isFalse();

    first.restart();
    awaitState("a", TunnelState.UP);
    assertThat(status("a").reconnects()).isEqualTo(1);
    assertThat(EchoServer.echoesThrough(a, Duration.ofSeconds(5))).isTrue();
    assertThat(changes)
        .filteredOn(ch -> ch.tunnel().equals("b"))
        .extracting(StateChange::current)
        .containsExactly(TunnelState.CONNECTING, TunnelState.UP);
  }

  @Test
  void wrongKey_thatTunnelFailsWithAuthentication_theOthersServe() throws Exception {
    int good = FreePort.pick();
    int bad = FreePort.pick();
    Flags strangerFlags =
        Flags.of(
            first.user() + "@127.0.0.1",
            List.of("127.0.0.1:" + bad + ":127.0.0.1:" + echo.port()),
            List.of(
                "UserKnownHostsFile=" + first.knownHostsFile(),
                "Port=" + first.port(),
                "IdentityFile=" + newKey()));
    Definition wrong =
        new Definition(
            "bad",
            true,
            () -> Plans.fromFlags(strangerFlags, env()),
            new Definition.Probe.Off(),
            Optional.empty(),
            Optional.empty(),
            strangerFlags);
    fleet.load(List.of(tunnel("good", first, good, echo.port()), wrong), Set.of());

    awaitState("good", TunnelState.UP);
    awaitState("bad", TunnelState.FAILED);
    assertThat(status("bad").lastError()).map(Problem::kind).contains(Problem.Kind.AUTHENTICATION);
    assertThat(EchoServer.echoesThrough(good, Duration.ofSeconds(5))).isTrue();
    // A fatal failure releases the listener and stays until the user acts.
    Await.until("the failed tunnel's port free", () -> FreePort.unused(bad));
  }

  private Path newKey() throws IOException, InterruptedException {
    Path key = home.resolve("other_ed25519");
    Process p =
        new ProcessBuilder("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", key.toString())
            .start();
    assertThat(p.waitFor()).isZero();
    return key;
  }

  @Test
  void stopStartRestart_actOnOneTunnelAndFreeOrRetakeItsPort() throws Exception {
    int a = FreePort.pick();
    int b = FreePort.pick();
    fleet.load(
        List.of(tunnel("a", first, a, echo.port()), tunnel("b", first, b, echo.port())), Set.of());
    awaitState("a", TunnelState.UP);
    awaitState("b", TunnelState.UP);

    fleet.stop(List.of("a"));
    assertThat(status("a").state()).isEqualTo(TunnelState.STOPPED);
    assertThat(FreePort.unused(a)).isTrue();
    assertThat(EchoServer.echoesThrough(b, Duration.ofSeconds(5))).isTrue();

    fleet.start(List.of("a"));
    awaitState("a", TunnelState.UP);
    assertThat(EchoServer.echoesThrough(a, Duration.ofSeconds(5))).isTrue();

    fleet.restart(List.of("b"));
    awaitState("b", TunnelState.UP);
    assertThat(EchoServer.echoesThrough(b, Duration.ofSeconds(5))).isTrue();
    assertThat(changes)
        .filteredOn(ch -> ch.tunnel().equals("b"))
        .extracting(StateChange::current)
        .containsExactly(
            TunnelState.CONNECTING,
            TunnelState.UP,
            TunnelState.STOPPED,
            TunnelState.CONNECTING,
            TunnelState.UP);
  }

  @Test
  void heldPort_tunnelFailsWithTheHolderAndBindsOnceThePortIsFree() throws Exception {
    int port = FreePort.pick();
    java.net.ServerSocket holder = new java.net.ServerSocket();
    holder.bind(new java.net.InetSocketAddress("127.0.0.1", port));
    fleet.load(List.of(tunnel("held", first, port, echo.port())), Set.of());

    awaitState("held", TunnelState.FAILED);
    Problem problem = status("held").lastError().orElseThrow();
    assertThat(problem.kind()).isEqualTo(Problem.Kind.BIND);
    assertThat(problem.bind().orElseThrow().holders())
        .anySatisfy(h -> assertThat(h.pid()).contains(ProcessHandle.current().pid()));
    assertThat(status("held").nextTry()).isPresent();

    holder.close();
    awaitState("held", TunnelState.UP);
    assertThat(EchoServer.echoesThrough(port, Duration.ofSeconds(5))).isTrue();
  }

  @Test
  void probe_targetDown_forwardDegradedWithTheReason_thenActiveWhenItAnswers() throws Exception {
    int port = FreePort.pick();
    int target = FreePort.pick(); // nothing listens there yet
    fleet.load(List.of(probed(tunnel("p", first, port, target), Duration.ofMillis(300))), Set.of());
    awaitState("p", TunnelState.UP);

    Await.until(
        "the forward degraded",
        Duration.ofSeconds(20),
        () -> status("p").forwards().get(0).state() == ForwardSnapshot.ForwardState.DEGRADED,
        () -> status("p").toString());
    ForwardSnapshot degraded = status("p").forwards().get(0);
    assertThat(degraded.lastError()).map(Problem::kind).contains(Problem.Kind.PROBE);
    assertThat(degraded.lastError().orElseThrow().message()).contains("connect failed");
    assertThat(status("p").state()).isEqualTo(TunnelState.UP);

    try (java.net.ServerSocket answering = new java.net.ServerSocket()) {
      answering.bind(new java.net.InetSocketAddress("127.0.0.1", target));
      Await.until(
          "the forward active again",
          Duration.ofSeconds(20),
          () -> status("p").forwards().get(0).state() == ForwardSnapshot.ForwardState.ACTIVE,
          () -> status("p").toString());
    }
    assertThat(status("p").forwards().get(0).probe().orElseThrow().outcome())
        .isInstanceOf(ProbeOutcome.Answered.class);
  }

  /**
   * The SMB probe goes through the forward's listener to Samba, but status counts only what clients
   * do: after several answered probes the forward has served no connection and moved no byte, and a
   * client's NEGOTIATE afterwards is counted as the one connection.
   */
  @Test
  void smbProbe_throughTheListener_isNotCounted_whileAClientIs() throws Exception {
    assumeTrue(SambaServer.missing().isEmpty(), () -> SambaServer.missing().orElseThrow());
    try (SambaServer samba = SambaServer.start()) {
      int port = FreePort.pick();
      Definition files = tunnel("files", first, port, samba.host() + ":" + samba.port());
      fleet.load(
          List.of(probed(files, new Definition.Probe.Smb(Duration.ofMillis(200)))), Set.of());
      awaitState("files", TunnelState.UP);

      Set<Instant> answered = new HashSet<>();
      Await.until(
          "three SMB probes answered",
          Duration.ofSeconds(30),
          () -> {
            status("files")
                .forwards()
                .get(0)
                .probe()
                .filter(p -> p.outcome() instanceof ProbeOutcome.Answered)
                .ifPresent(p -> answered.add(p.at()));
            return answered.size() >= 3;
          },
          () -> status("files").toString());
      ForwardSnapshot probedOnly = status("files").forwards().get(0);
      assertThat(probedOnly.total()).contains(0L);
      assertThat(probedOnly.bytesUp()).contains(0L);
      assertThat(probedOnly.bytesDown()).contains(0L);

      ProbeResult client =
          Smb2Probe.probe(new InetSocketAddress("127.0.0.1", port), Duration.ofSeconds(10));
      assertThat(client).isInstanceOf(ProbeResult.Answered.class);
      Await.until(
          "the client's connection counted and closed",
          Duration.ofSeconds(20),
          () -> {
            ForwardSnapshot f = status("files").forwards().get(0);
            return f.total().equals(Optional.of(1L)) && f.open().equals(Optional.of(0L));
          },
          () -> status("files").toString());
      assertThat(status("files").forwards().get(0).bytesUp())
          .hasValueSatisfying(n -> assertThat(n).isPositive());
    }
  }

  /** A tunnel to the ssh_config's Host {@code alias}, forwarding a fixed local port to echo. */
  private Definition aliased(String name, String alias, int port) {
    List<String> options =
        List.of(
            "UserKnownHostsFile=" + first.knownHostsFile() + " " + second.knownHostsFile(),
            "IdentityFile=" + first.clientKey(),
            "IdentityFile=" + second.clientKey());
    Flags flags =
        Flags.of(
            first.user() + "@" + alias,
            List.of("127.0.0.1:" + port + ":127.0.0.1:" + echo.port()),
            options);
    return planned(name, flags, flags);
  }

  /**
   * Host alpha for the first sshd, with {@code alphaLines} before its own, and Host beta for the
   * second.
   */
  private void writeSshConfig(String... alphaLines) throws IOException {
    Path config = home.resolve(".ssh/config");
    Files.createDirectories(config.getParent());
    List<String> lines = new ArrayList<>();
    lines.add("Host alpha");
    Arrays.stream(alphaLines).map(l -> "  " + l).forEach(lines::add); // first, so they win
    lines.addAll(List.of("  HostName 127.0.0.1", "  Port " + first.port()));
    lines.addAll(List.of("Host beta", "  HostName 127.0.0.1", "  Port " + second.port()));
    Files.write(config, lines);
  }

  /**
   * The tunnels file is the same, but the ssh_config block of one tunnel's host changed: a reload
   * restarts that tunnel and no other. A block that no longer reads leaves its running tunnel as it
   * is, and the reload says why.
   */
  @Test
  void reload_sshConfigChangedForOneHost_restartsOnlyItsTunnel_andAnUnreadableOneIsKept()
      throws Exception {
    writeSshConfig("ServerAliveInterval 30");
    int a = FreePort.pick();
    int b = FreePort.pick();
    fleet.load(List.of(aliased("a", "alpha", a), aliased("b", "beta", b)), Set.of());
    awaitState("a", TunnelState.UP);
    awaitState("b", TunnelState.UP);
    int before = changes.size();

    writeSshConfig("ServerAliveInterval 7");
    Fleet.ReloadResult result =
        fleet.reload(List.of(aliased("a", "alpha", a), aliased("b", "beta", b)));

    assertThat(result.changed()).containsExactly("a");
    assertThat(result.unchanged()).containsExactly("b");
    assertThat(result.kept()).isEmpty();
    awaitState("a", TunnelState.UP);
    List<StateChange> after = List.copyOf(changes.subList(before, changes.size()));
    assertThat(after).noneMatch(ch -> ch.tunnel().equals("b"));
    assertThat(after)
        .filteredOn(ch -> ch.current() == TunnelState.STOPPED)
        .extracting(StateChange::tunnel, StateChange::reason)
        .containsExactly(tuple("a", "its settings from the ssh_config changed"));
    assertThat(EchoServer.echoesThrough(a, Duration.ofSeconds(5))).isTrue();

    int beforeBroken = changes.size();
    writeSshConfig("ServerAliveInterval 7", "Port notaport");
    Fleet.ReloadResult broken =
        fleet.reload(List.of(aliased("a", "alpha", a), aliased("b", "beta", b)));

    assertThat(broken.unchanged()).containsExactly("a", "b");
    assertThat(broken.kept()).extracting(Fleet.Kept::tunnel).containsExactly("a");
    assertThat(broken.kept().get(0).why().getMessage()).contains("notaport");
    assertThat(changes.subList(beforeBroken, changes.size())).isEmpty();
    assertThat(status("a").state()).isEqualTo(TunnelState.UP);
  }

  /**
   * A tunnel that failed because its ssh_config block did not read stays failed through a reload
   * while the block is unchanged, and starts at the reload after it is mended.
   */
  @Test
  void reload_afterTheSshConfigIsMended_startsTheTunnelThatFailedOnIt() throws Exception {
    writeSshConfig("Port notaport");
    int a = FreePort.pick();
    fleet.load(List.of(aliased("a", "alpha", a)), Set.of());
    awaitState("a", TunnelState.FAILED);
    assertThat(status("a").lastError().orElseThrow().message()).contains("notaport");

    Fleet.ReloadResult still = fleet.reload(List.of(aliased("a", "alpha", a)));
    assertThat(still.unchanged()).containsExactly("a");
    assertThat(still.kept()).as("only a running tunnel is kept").isEmpty();
    assertThat(status("a").state()).isEqualTo(TunnelState.FAILED);

    writeSshConfig();
    Fleet.ReloadResult mended = fleet.reload(List.of(aliased("a", "alpha", a)));
    assertThat(mended.changed()).containsExactly("a");
    awaitState("a", TunnelState.UP);
    assertThat(EchoServer.echoesThrough(a, Duration.ofSeconds(5))).isTrue();
  }

  /** The forward of tunnel {@code name} whose spec starts with {@code spec}. */
  private ForwardSnapshot forward(String name, String spec) {
    return status(name).forwards().stream()
        .filter(f -> f.spec().startsWith(spec))
        .findFirst()
        .orElseThrow();
  }

  /**
   * The connections the server sends back for a {@code -R} forward are counted as a local
   * forward's, up being from the client to the target: an upload to a hashing sink, a 5 MiB
   * download (past the server's first window, so the bytes from the target are read off several
   * window adjusts), and a target that is down, as a connect failure.
   */
  @Test
  void remoteForward_connectionsAndBytesCounted_andADownTargetAsAConnectFailure() throws Exception {
    int download = 5 << 20;
    try (TargetServer sink = TargetServer.sha256Sink();
        TargetServer source = TargetServer.source(download, 3)) {
      int sinkPort = FreePort.pick(); // where sshd listens for each -R forward
      int sourcePort = FreePort.pick();
      int deadPort = FreePort.pick();
      String toSink = "127.0.0.1:" + sinkPort;
      String toSource = "127.0.0.1:" + sourcePort;
      String toDead = "127.0.0.1:" + deadPort;
      int dead = FreePort.pick(); // nothing listens there
      fleet.load(
          List.of(
              tunnel(
                  "r",
                  first,
                  FreePort.pick(),
                  echo.port(),
                  "RemoteForward=" + toSink + " 127.0.0.1:" + sink.port(),
                  "RemoteForward=" + toSource + " 127.0.0.1:" + source.port(),
                  "RemoteForward=" + toDead + " 127.0.0.1:" + dead)),
          Set.of());
      awaitState("r", TunnelState.UP);
      Await.until(
          "the -R forwards active",
          Duration.ofSeconds(20),
          () ->
              Set.of(toSink, toSource, toDead).stream()
                  .allMatch(
                      spec -> forward("r", spec).state() == ForwardSnapshot.ForwardState.ACTIVE),
          () -> status("r").toString());
      assertThat(forward("r", toSink).total()).contains(0L);

      byte[] upload = new byte[300_000];
      Payloads.fill(upload, 0, upload.length, 0, 11);
      byte[] answer;
      try (Socket s = connect(sinkPort)) {
        s.getOutputStream().write(upload);
        s.shutdownOutput();
        answer = s.getInputStream().readAllBytes();
      }
      assertThat(answer).hasSize(65); // the hex SHA-256 and a newline
      try (Socket s = connect(sourcePort)) {
        assertThat(s.getInputStream().readAllBytes()).hasSize(download);
      }
      awaitEnded("r", toSink);
      awaitEnded("r", toSource);
      assertThat(forward("r", toSink).bytesUp()).contains((long) upload.length);
      assertThat(forward("r", toSink).bytesDown()).contains((long) answer.length);
      assertThat(forward("r", toSource).bytesUp()).contains(0L);
      assertThat(forward("r", toSource).bytesDown()).contains((long) download);

      try (Socket s = connect(deadPort)) {
        assertThat(s.getInputStream().read())
            .as("sshd closes what it cannot forward")
            .isEqualTo(-1);
      }
      Await.until(
          "the down target counted as a connect failure",
          Duration.ofSeconds(20),
          () ->
              forward("r", toDead).failures().getOrDefault(ChannelFailure.CONNECT_FAILED, 0L) == 1,
          () -> status("r").toString());
      assertThat(forward("r", toDead).total()).contains(0L);
      assertThat(forward("r", toSink).failures().values()).allMatch(n -> n == 0);
    }
  }

  private static Socket connect(int port) throws IOException {
    Socket s = new Socket("127.0.0.1", port);
    s.setSoTimeout(30_000);
    return s;
  }

  /** Waits until forward {@code spec} of {@code name} has served one connection, now ended. */
  private void awaitEnded(String name, String spec) {
    Await.until(
        spec + ": one connection, ended",
        Duration.ofSeconds(20),
        () ->
            forward(name, spec).total().equals(Optional.of(1L))
                && forward(name, spec).open().equals(Optional.of(0L)),
        () -> status(name).toString());
  }

  /**
   * A reload that adds, removes and changes other tunnels leaves an unchanged one alone: a
   * connection streams through it all along, and every byte arrives.
   */
  @Test
  void reload_unchangedTunnelKeepsStreamingWhileOthersAreAddedRemovedAndChanged() throws Exception {
    int keep = FreePort.pick();
    int gone = FreePort.pick();
    int changed = FreePort.pick();
    int added = FreePort.pick();
    Definition kept = tunnel("keep", first, keep, echo.port());
    fleet.load(
        List.of(
            kept,
            tunnel("gone", second, gone, echo.port()),
            tunnel("chg", second, changed, echo.port())),
        Set.of());
    for (String name : List.of("keep", "gone", "chg")) {
      awaitState(name, TunnelState.UP);
    }
    Fleet.ReloadResult same =
        fleet.reload(
            List.of(
                kept,
                tunnel("gone", second, gone, echo.port()),
                tunnel("chg", second, changed, echo.port())));
    assertThat(same.unchanged()).containsExactly("keep", "gone", "chg");
    // Stream through "keep" while the reload happens.
    try (Socket s = new Socket("127.0.0.1", keep);
        ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      s.setSoTimeout(60_000);
      AtomicBoolean reloaded = new AtomicBoolean();
      MessageDigest sent = MessageDigest.getInstance("SHA-256");
      MessageDigest received = MessageDigest.getInstance("SHA-256");
      Future<Long> writer =
          pool.submit(
              () -> {
                OutputStream out = s.getOutputStream();
                byte[] chunk = new byte[16 * 1024];
                long total = 0;
                // Until the reload is over, then 64 chunks more.
                for (int after = 0; after < 64; ) {
                  Payloads.fill(chunk, 0, chunk.length, total, 7);
                  sent.update(chunk);
                  out.write(chunk);
                  total += chunk.length;
                  if (reloaded.get()) {
                    after++;
                  }
                }
                s.shutdownOutput();
                return total;
              });
      Future<Long> reader =
          pool.submit(
              () -> {
                InputStream in = s.getInputStream();
                byte[] buf = new byte[32 * 1024];
                long total = 0;
                for (int n; (n = in.read(buf)) > 0; ) {
                  received.update(buf, 0, n);
                  total += n;
                }
                return total;
              });
      Await.until("bytes flowing", () -> echo.bytesReceived() > 1 << 20);
      Fleet.ReloadResult result =
          fleet.reload(
              List.of(
                  kept,
                  tunnel("chg", second, changed, echo.port(), "ServerAliveInterval=7"),
                  tunnel("new", first, added, echo.port())));
      reloaded.set(true);
      assertThat(result.unchanged()).containsExactly("keep");
      assertThat(result.removed()).containsExactly("gone");
      assertThat(result.changed()).containsExactly("chg");
      assertThat(result.added()).containsExactly("new");
      long wrote = writer.get();
      assertThat(reader.get()).isEqualTo(wrote);
      assertThat(HexFormat.of().formatHex(received.digest()))
          .isEqualTo(HexFormat.of().formatHex(sent.digest()));
    }
    awaitState("new", TunnelState.UP);
    awaitState("chg", TunnelState.UP);
    assertThat(fleet.status())
        .extracting(TunnelSnapshot::name)
        .containsExactly("keep", "chg", "new");
    assertThat(FreePort.unused(gone)).isTrue();
    assertThat(changes)
        .filteredOn(ch -> ch.tunnel().equals("keep"))
        .extracting(StateChange::current)
        .containsExactly(TunnelState.CONNECTING, TunnelState.UP);
  }
}
