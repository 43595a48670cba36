package dev.portkeep.testing;

import dev.portkeep.smb.ProbeResult;
import dev.portkeep.smb.Smb2Probe;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;

/**
 * A real Samba {@code smbd} on a loopback port (or inside a {@link NetNamespace}) with its own
 * smb.conf, state directories, password database, share and log in a temporary directory, started
 * in a session of its own so that stopping it cannot signal the test JVM. It is ready once it
 * answers an SMB2 NEGOTIATE. Needs root.
 */
public final class SambaServer implements AutoCloseable {
  public static final Path SMBD = Path.of("/usr/sbin/smbd");
  public static final Path SMBCLIENT = Path.of("/usr/bin/smbclient");
  private static final Path SMBPASSWD = Path.of("/usr/bin/smbpasswd");
  private static final Path SETSID = Path.of("/usr/bin/setsid");
  private static final Path USERADD = Path.of("/usr/sbin/useradd");
  private static final String DEFAULT_USER = "portkeep-smb";
  private static final Duration GRACE = Duration.ofSeconds(5);
  private static final Duration CLIENT_TIMEOUT = Duration.ofSeconds(60);
  private static final int START_ATTEMPTS = 3;
  private static final Set<SambaServer> LIVE = ConcurrentHashMap.newKeySet();

  static {
    Runtime.getRuntime()
        .addShutdownHook(new Thread(() -> LIVE.forEach(SambaServer::close), "smbd-reaper"));
  }

  private final Builder spec;
  private final Path tempDir;
  private final AtomicBoolean closed = new AtomicBoolean();
  private volatile int port;
  private Process process; // guarded by this

  private SambaServer(Builder spec, Path tempDir) {
    this.spec = spec;
    this.tempDir = tempDir;
  }

  /**
   * Starts smbd on a free port of 127.0.0.1 with share {@code files} and user {@code portkeep-smb}.
   */
  public static SambaServer start() {
    return builder().start();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Why Samba tests cannot run here, or empty when they can. */
  public static Optional<String> missing() {
    for (Path tool : List.of(SMBD, SMBPASSWD, SMBCLIENT, SETSID, USERADD)) {
      if (!Files.isExecutable(tool)) {
        return Optional.of("needs " + tool + " (Debian packages samba and smbclient)");
      }
    }
    return isRoot()
        ? Optional.empty()
        : Optional.of("needs root to run smbd and add the system user");
  }

  public String host() {
    return spec.listenAddress;
  }

  public int port() {
    return port;
  }

  public InetSocketAddress address() {
    return new InetSocketAddress(host(), port);
  }

  public String share() {
    return spec.share;
  }

  public String user() {
    return spec.user;
  }

  public String password() {
    return spec.password;
  }

  /** The directory the share serves; files put over SMB land here, owned by root. */
  public Path shareDir() {
    return tempDir.resolve("share");
  }

  /** An smbclient config ({@code -s}) whose state stays in this server's temporary directory. */
  public Path clientConfigFile() {
    return tempDir.resolve("client.conf");
  }

  public Path configFile() {
    return tempDir.resolve("smb.conf");
  }

  public Path tempDir() {
    return tempDir;
  }

  public Path logFile() {
    return tempDir.resolve("smbd.log");
  }

  /** Everything smbd has logged so far, its stdout and stderr included. */
  public String log() {
    StringBuilder text = new StringBuilder();
    for (Path file : List.of(logFile(), tempDir.resolve("smbd.out"))) {
      if (Files.exists(file)) {
        text.append(TestFiles.read(file));
      }
    }
    return text.toString();
  }

  /** The pid of the smbd master process. */
  public synchronized long pid() {
    return process.pid();
  }

  public synchronized boolean isRunning() {
    return process != null && process.isAlive();
  }

  /**
   * Runs {@code smbclient} against this server with its user and password; see {@link
   * #smbclient(String, int, String...)}.
   */
  public Command.Result smbclient(String... commands) {
    return smbclient(host(), port, commands);
  }

  /**
   * Runs the real {@code smbclient //host/share -p port -U user%password -c 'a; b'} against any
   * address, such as a tunnel's local end, with a client config of its own. Local paths in the
   * commands should be absolute. The caller checks the result (e.g. {@code orThrow()}).
   */
  public Command.Result smbclient(String host, int port, String... commands) {
    if (commands.length == 0) {
      throw new IllegalArgumentException("give smbclient at least one command, e.g. \"ls\"");
    }
    return Command.run(
        CLIENT_TIMEOUT,
        SMBCLIENT.toString(),
        "//" + host + "/" + spec.share,
        "-p",
        Integer.toString(port),
        "-U",
        spec.user + "%" + spec.password,
        "-s",
        clientConfigFile().toString(),
        "-c",
        String.join("; ", commands));
  }

  /**
   * Crash: SIGKILLs smbd, its children, and every helper started with this server's config, such as
   * samba-dcerpcd, which smbd spawns on demand and which detaches into a session of its own.
   */
  public synchronized void kill() {
    List<Long> killed = new ArrayList<>();
    if (process != null) {
      killed.addAll(ProcessTree.killTree(process.pid()));
      ProcessTree.waitFor(process, GRACE);
    }
    for (long pid : processesUsing(configFile())) {
      killed.addAll(ProcessTree.killTree(pid));
    }
    ProcessTree.awaitDeath(killed, GRACE);
  }

  /** Kills smbd and its helpers and deletes the temporary directory. Idempotent. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    LIVE.remove(this);
    kill();
    TestFiles.deleteTree(tempDir);
  }

  @Override
  public String toString() {
    return "smbd " + host() + ":" + port + " share '" + spec.share + "' (" + tempDir + ")";
  }

  private void prepare() {
    for (String dir :
        List.of("private", "lock", "state", "cache", "pid", "ncalrpc", "share", "client")) {
      try {
        Files.createDirectories(tempDir.resolve(dir));
      } catch (IOException e) {
        throw new UncheckedIOException("cannot create " + tempDir.resolve(dir), e);
      }
    }
    ensureSystemUser(spec.user);
    Path client = tempDir.resolve("client");
    TestFiles.write(
        clientConfigFile(),
        String.join(
                "\n",
                "[global]",
                "  cache directory = " + client,
                "  lock directory = " + client,
                "  state directory = " + client,
                "  private dir = " + client,
                "")
            + "\n");
  }

  private void writeConfig() {
    List<String> lines =
        new ArrayList<>(
            List.of(
                "[global]",
                "  server role = standalone server",
                "  smb ports = " + port,
                // An address without a mask must be configured on an interface, or smbd finds no
                // interface
                // and panics; with /8, any 127.0.0.0/8 address binds as itself.
                "  interfaces = "
                    + (spec.listenAddress.contains(":")
                        ? spec.listenAddress
                        : spec.listenAddress + "/8"),
                "  bind interfaces only = yes",
                "  disable netbios = yes",
                "  server min protocol = SMB2",
                "  private dir = " + tempDir.resolve("private"),
                "  lock directory = " + tempDir.resolve("lock"),
                "  state directory = " + tempDir.resolve("state"),
                "  cache directory = " + tempDir.resolve("cache"),
                "  pid directory = " + tempDir.resolve("pid"),
                "  ncalrpc dir = " + tempDir.resolve("ncalrpc"),
                "  log file = " + logFile(),
                "  max log size = 0",
                "  log level = 1",
                "  passdb backend = tdbsam:" + tempDir.resolve("private/passdb.tdb"),
                "  map to guest = never",
                "  unix password sync = no",
                "  load printers = no",
                "  printing = bsd",
                "  printcap name = /dev/null",
                "  disable spoolss = yes"));
    spec.extraConfig.forEach(line -> lines.add("  " + line.strip()));
    lines.addAll(
        List.of(
            "[" + spec.share + "]",
            "  path = " + shareDir(),
            "  read only = no",
            "  force user = root"));
    TestFiles.write(configFile(), String.join("\n", lines) + "\n");
  }

  private void setPassword() {
    Command.Result result =
        runWithInput(
            spec.password + "\n" + spec.password + "\n",
            SMBPASSWD.toString(),
            "-c",
            configFile().toString(),
            "-s",
            "-a",
            spec.user);
    if (result.exitCode() != 0) {
      throw failure(
          "smbpasswd could not add "
              + spec.user
              + ": exit "
              + result.exitCode()
              + ": "
              + result.stderr().strip());
    }
  }

  /** Launches smbd and waits until it answers SMB2; false if it died because the port was taken. */
  private synchronized boolean launch() {
    try {
      List<String> argv = new ArrayList<>();
      if (spec.namespace != null) {
        argv.addAll(List.of(spec.namespace.exec()));
      }
      argv.addAll(
          List.of(
              SETSID.toString(),
              SMBD.toString(),
              "-s",
              configFile().toString(),
              "-F",
              "--no-process-group"));
      process =
          new ProcessBuilder(argv)
              .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
              .redirectErrorStream(true)
              .redirectOutput(
                  ProcessBuilder.Redirect.appendTo(tempDir.resolve("smbd.out").toFile()))
              .start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run " + SMBD + ": " + e.getMessage(), e);
    }
    long deadline = System.nanoTime() + spec.startTimeout.toNanos();
    ProbeResult last = null;
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        ProcessTree.waitFor(process, GRACE);
        kill(); // a panicking smbd may leave children behind
        if (log().contains("Address already in use")) {
          return false;
        }
        throw failure(
            "smbd exited with code "
                + process.exitValue()
                + " before answering on "
                + host()
                + ":"
                + port);
      }
      last = Smb2Probe.probe(address(), Duration.ofSeconds(1));
      if (last instanceof ProbeResult.Answered) {
        return true;
      }
      ProcessTree.sleep(50);
    }
    kill();
    throw failure(
        "smbd gave no SMB2 answer on "
            + host()
            + ":"
            + port
            + " within "
            + spec.startTimeout.toMillis()
            + " ms; last probe: "
            + (last == null ? "none" : last.message()));
  }

  private IllegalStateException failure(String what) {
    return new IllegalStateException(
        what + "\nconfig " + configFile() + "\n--- smbd log ---\n" + tail(log(), 40));
  }

  private static String tail(String text, int lines) {
    String[] all = text.strip().split("\n");
    return String.join("\n", List.of(all).subList(Math.max(0, all.length - lines), all.length));
  }

  /**
   * Adds {@code name} as a system user without home or shell, once; it is left in place for later
   * runs.
   */
  private static synchronized void ensureSystemUser(String name) {
    if (TestFiles.read(Path.of("/etc/passwd")).lines().anyMatch(l -> l.startsWith(name + ":"))) {
      return;
    }
    Command.Result result =
        Command.run(
            Duration.ofSeconds(30), USERADD.toString(), "-M", "-s", "/usr/sbin/nologin", name);
    if (result.exitCode() != 0 && result.exitCode() != 9) { // 9: another process added it meanwhile
      result.orThrow();
    }
  }

  /**
   * Pids of live processes whose command line mentions {@code config}: smbd and every helper it
   * started.
   */
  private static List<Long> processesUsing(Path config) {
    List<Long> pids = new ArrayList<>();
    String needle = config.toString();
    try (DirectoryStream<Path> proc = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
      for (Path dir : proc) {
        try {
          String cmdline =
              new String(Files.readAllBytes(dir.resolve("cmdline")), StandardCharsets.UTF_8);
          long pid = Long.parseLong(dir.getFileName().toString());
          if (cmdline.contains(needle)
              && pid != ProcessHandle.current().pid()
              && ProcessTree.isAlive(pid)) {
            pids.add(pid);
          }
        } catch (IOException e) {
          // the process has gone
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list /proc", e);
    }
    return pids;
  }

  private static Command.Result runWithInput(String input, String... argv) {
    try {
      Process p = new ProcessBuilder(argv).redirectErrorStream(false).start();
      try (OutputStream in = p.getOutputStream()) {
        in.write(input.getBytes(StandardCharsets.UTF_8));
      }
      byte[] out = p.getInputStream().readAllBytes();
      byte[] err = p.getErrorStream().readAllBytes();
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException("timed out: " + List.of(argv));
      }
      return new Command.Result(
          List.of(argv),
          p.exitValue(),
          new String(out, StandardCharsets.UTF_8),
          new String(err, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run " + List.of(argv), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted running " + List.of(argv), e);
    }
  }

  private static boolean isRoot() {
    try {
      return Files.readAllLines(Path.of("/proc/self/status")).stream()
          .filter(l -> l.startsWith("Uid:"))
          .anyMatch(l -> l.split("\\s+")[2].equals("0")); // effective uid
    } catch (IOException e) {
      return false;
    }
  }

  /** Options for {@link SambaServer}; each setter validates its value. */
  public static final class Builder {
    private static final Pattern SHARE = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    private static final Pattern USER = Pattern.compile("portkeep-[a-z0-9-]{1,22}");
    private static final Set<String> RESERVED_SHARES =
        Set.of("global", "homes", "printers", "ipc$");
    private String listenAddress = "127.0.0.1";
    private int port; // 0: pick a free one
    private String share = "files";
    private String user = DEFAULT_USER;
    private String password = "portkeep-Smb-1";
    private Duration startTimeout = Duration.ofSeconds(20);
    private final List<String> extraConfig = new ArrayList<>();
    private NetNamespace namespace;

    private Builder() {}

    /** Runs smbd inside {@code ns}, on its inner address: the file server as a host of its own. */
    public Builder inNamespace(NetNamespace ns) {
      namespace = ns;
      listenAddress = ns.innerAddress();
      return this;
    }

    /** A fixed port (e.g. 445, as root); default: a free port below the ephemeral range. */
    public Builder port(int port) {
      if (port < 1 || port > 65535) {
        throw new IllegalArgumentException("port must be 1-65535, not " + port);
      }
      this.port = port;
      return this;
    }

    /**
     * A loopback address: any 127.x.y.z (Linux needs no alias for those) or ::1; default 127.0.0.1.
     */
    public Builder listenAddress(String address) {
      if (!address.matches("127\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}") && !address.equals("::1")) {
        throw new IllegalArgumentException(
            "test smbd listens on a loopback address only, not '" + address + "'");
      }
      listenAddress = address;
      return this;
    }

    public Builder share(String name) {
      if (!SHARE.matcher(name).matches()
          || RESERVED_SHARES.contains(name.toLowerCase(Locale.ROOT))) {
        throw new IllegalArgumentException(
            "share name must be 1-64 of [A-Za-z0-9_-] and not reserved, not '" + name + "'");
      }
      share = name;
      return this;
    }

    /** The SMB user; also added as a system user if missing, so it must start with "portkeep-". */
    public Builder user(String name) {
      if (!USER.matcher(name).matches()) {
        throw new IllegalArgumentException(
            "user must match " + USER + " (it becomes a system user), not '" + name + "'");
      }
      user = name;
      return this;
    }

    public Builder password(String password) {
      if (password.isEmpty() || password.contains("\n")) {
        throw new IllegalArgumentException("password must be non-empty and on one line");
      }
      this.password = password;
      return this;
    }

    /** How long start() waits for smbd's first SMB2 answer; default 20 s. */
    public Builder startTimeout(Duration timeout) {
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("start timeout must be positive, not " + timeout);
      }
      startTimeout = timeout;
      return this;
    }

    /** [global] lines after the defaults, which they override (Samba keeps the last value). */
    public Builder extraConfig(String... lines) {
      extraConfig.addAll(List.of(lines));
      return this;
    }

    /** Writes the config, adds the user, starts smbd and waits for its SMB2 answer. */
    public SambaServer start() {
      missing()
          .ifPresent(
              reason -> {
                throw new IllegalStateException("cannot start Samba: " + reason);
              });
      SambaServer server = new SambaServer(this, TestFiles.tempDir("portkeep-smbd-"));
      LIVE.add(server);
      try {
        server.prepare();
        for (int attempt = 1; ; attempt++) {
          server.port = port != 0 ? port : FreePort.pick();
          server.writeConfig();
          if (attempt == 1) {
            server.setPassword(); // the passdb path does not depend on the port
          }
          if (server.launch()) {
            return server;
          }
          if (port != 0 || attempt == START_ATTEMPTS) {
            throw server.failure(
                "smbd cannot bind "
                    + listenAddress
                    + ":"
                    + server.port
                    + ": address already in use");
          }
        }
      } catch (RuntimeException e) {
        server.close();
        throw e;
      }
    }
  }
}
