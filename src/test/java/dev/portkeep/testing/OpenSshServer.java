package dev.portkeep.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A real OpenSSH {@code sshd} on a loopback port with its own temporary config, host key, client
 * key and known_hosts, which tests can stop, crash, restart and re-key.
 */
public final class OpenSshServer implements SshTestServer {
  /** Where Debian's openssh-server puts the daemon; sshd insists on an absolute path. */
  public static final Path SSHD = Path.of("/usr/sbin/sshd");

  private static final Path SSH_KEYGEN = Path.of("/usr/bin/ssh-keygen");
  private static final Duration START_TIMEOUT = Duration.ofSeconds(10);
  private static final Duration REBIND_TIMEOUT = Duration.ofSeconds(5);
  private static final Duration GRACE = Duration.ofSeconds(5);
  private static final Set<OpenSshServer> LIVE = ConcurrentHashMap.newKeySet();

  static {
    Runtime.getRuntime()
        .addShutdownHook(new Thread(() -> LIVE.forEach(OpenSshServer::close), "sshd-reaper"));
  }

  private final Builder spec;
  private final Path tempDir;
  private final Path hostKey;
  private final Path clientKey;
  private final Path log;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final Set<Long> orphans =
      ConcurrentHashMap.newKeySet(); // sessions outliving stopListener()
  private volatile int port;
  private Process process; // guarded by this

  private OpenSshServer(Builder spec, Path tempDir) {
    this.spec = spec;
    this.tempDir = tempDir;
    this.hostKey = tempDir.resolve("ssh_host_" + spec.hostKeyType + "_key");
    this.clientKey = tempDir.resolve("id_" + spec.clientKeyType);
    this.log = tempDir.resolve("sshd.log");
  }

  /** Starts sshd on 127.0.0.1 with the default config and ed25519 keys. */
  public static OpenSshServer start() {
    return builder().start();
  }

  public static Builder builder() {
    return new Builder();
  }

  @Override
  public String host() {
    return spec.listenAddress;
  }

  @Override
  public int port() {
    return port;
  }

  /** The client's private key (mode 0600), authorized for {@link #user()}. */
  @Override
  public Path clientKey() {
    return clientKey;
  }

  @Override
  public Path clientPublicKey() {
    return Path.of(clientKey + ".pub");
  }

  /** The passphrase of {@link #clientKey()}, empty when it is not encrypted. */
  public String clientKeyPassphrase() {
    return spec.clientKeyPassphrase;
  }

  /** The current host key as {@code "<type> <base64>"}. */
  @Override
  public String hostKeyPublicLine() {
    String[] fields = TestFiles.read(Path.of(hostKey + ".pub")).trim().split("\\s+");
    return fields[0] + " " + fields[1];
  }

  /** {@code "[host]:port <type> <base64>"} for the current host key. */
  public String knownHostsLine() {
    return "[" + host() + "]:" + port + " " + hostKeyPublicLine();
  }

  /**
   * A known_hosts file with the host key as it was at start; {@link #changeHostKey()} leaves it
   * stale.
   */
  @Override
  public Path knownHostsFile() {
    return tempDir.resolve("known_hosts");
  }

  /** The login name whose authorized_keys holds the client key: the OS user running the tests. */
  @Override
  public String user() {
    return System.getProperty("user.name");
  }

  /** Everything sshd has written to stderr so far, across restarts. */
  public String log() {
    return Files.exists(log) ? TestFiles.read(log) : "";
  }

  @Override
  public Path tempDir() {
    return tempDir;
  }

  public Path configFile() {
    return tempDir.resolve("sshd_config");
  }

  /** The pid of the listening sshd master process. */
  public synchronized long pid() {
    return process.pid();
  }

  public synchronized boolean isRunning() {
    return process != null && process.isAlive();
  }

  /**
   * The per-connection sshd processes alive now: those below the master and those orphaned by
   * {@link #stopListener()}.
   */
  public synchronized List<Long> sessionPids() {
    List<Long> pids =
        new ArrayList<>(process == null ? List.of() : ProcessTree.descendants(process.pid()));
    orphans.removeIf(pid -> !isSshd(pid));
    pids.addAll(orphans);
    return pids;
  }

  /**
   * Adds a public key line (e.g. one a test generated) to authorized_keys; sshd reads it per login.
   */
  public void authorize(String publicKeyLine) {
    TestFiles.write(
        tempDir.resolve("authorized_keys"),
        publicKeyLine.strip() + "\n",
        StandardOpenOption.APPEND);
  }

  /**
   * Crash: SIGKILLs sshd and every session process, orphans included; connections drop without SSH
   * goodbye.
   */
  @Override
  public synchronized void kill() {
    List<Long> killed = new ArrayList<>();
    if (process != null) {
      killed.addAll(ProcessTree.killTree(process.pid()));
      ProcessTree.waitFor(process, GRACE);
    }
    orphans.stream()
        .filter(OpenSshServer::isSshd)
        .forEach(pid -> killed.addAll(ProcessTree.killTree(pid)));
    orphans.clear();
    ProcessTree.awaitDeath(killed, GRACE);
  }

  /** Shutdown: SIGTERMs sshd and every session process, then SIGKILLs what outlives a 5 s grace. */
  public synchronized void stop() {
    if (process != null) {
      ProcessTree.terminateTree(process.pid(), GRACE);
      ProcessTree.waitFor(process, GRACE);
    }
    orphans.stream()
        .filter(OpenSshServer::isSshd)
        .forEach(pid -> ProcessTree.terminateTree(pid, GRACE));
    orphans.clear();
  }

  /**
   * SIGTERMs only the listening master, as {@code systemctl restart ssh} does: sessions live on.
   */
  public synchronized void stopListener() {
    if (process != null && process.isAlive()) {
      orphans.addAll(ProcessTree.descendants(process.pid()));
      process.destroy();
      if (!ProcessTree.waitFor(process, GRACE)) {
        process.destroyForcibly();
        ProcessTree.waitFor(process, GRACE);
      }
    }
  }

  /**
   * Starts sshd again on the same port with the same keys, retrying the bind for 5 s; a running
   * master is first stopped with {@link #stopListener()}, so its sessions survive.
   */
  @Override
  public synchronized void restart() {
    if (closed.get()) {
      throw new IllegalStateException("sshd on " + host() + ":" + port + " is closed");
    }
    stopListener();
    long deadline = System.nanoTime() + REBIND_TIMEOUT.toNanos();
    while (!launch()) {
      if (System.nanoTime() > deadline) {
        throw failure(
            "cannot restart sshd on "
                + host()
                + ":"
                + port
                + ": port still taken after "
                + REBIND_TIMEOUT.toSeconds()
                + " s");
      }
      ProcessTree.sleep(100);
    }
  }

  /**
   * Replaces the host key files with a new key. sshd 9.2 re-executes itself per connection and so
   * serves the new key to new connections at once; {@link #knownHostsFile()} keeps the old one.
   */
  public synchronized void changeHostKey() {
    TestFiles.delete(hostKey);
    TestFiles.delete(Path.of(hostKey + ".pub"));
    keygen(hostKey, spec.hostKeyType, "");
  }

  /** Kills sshd and all its sessions and deletes the temporary directory. Idempotent. */
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
    return "sshd " + host() + ":" + port + " (" + tempDir + ")";
  }

  private void prepare() {
    keygen(hostKey, spec.hostKeyType, "");
    keygen(clientKey, spec.clientKeyType, spec.clientKeyPassphrase);
    TestFiles.write(tempDir.resolve("authorized_keys"), TestFiles.read(clientPublicKey()));
  }

  private void writeConfig() {
    List<String> head = new ArrayList<>();
    List<String> matchBlocks = new ArrayList<>();
    for (String line : spec.extraConfig) {
      (matchBlocks.isEmpty() && !line.strip().regionMatches(true, 0, "Match ", 0, 6)
              ? head
              : matchBlocks)
          .add(line);
    }
    List<String> lines = new ArrayList<>();
    lines.add(
        "# sshd uses the FIRST value of each keyword: extra lines come first to override the defaults.");
    lines.addAll(head);
    lines.addAll(
        List.of(
            "Port " + port,
            "ListenAddress " + spec.listenAddress,
            "HostKey " + hostKey,
            "AuthorizedKeysFile " + tempDir.resolve("authorized_keys"),
            "PasswordAuthentication no",
            "KbdInteractiveAuthentication no",
            "PermitRootLogin prohibit-password",
            "StrictModes no",
            "UsePAM no",
            "PidFile " + tempDir.resolve("sshd.pid"),
            "AllowTcpForwarding yes"));
    lines.addAll(matchBlocks);
    TestFiles.write(configFile(), String.join("\n", lines) + "\n");
  }

  /** Launches sshd and waits for its banner; false if it exited because the port was taken. */
  private synchronized boolean launch() {
    int logStart = log().length();
    try {
      Files.createDirectories(Path.of("/run/sshd")); // privilege separation directory
      List<String> argv = new ArrayList<>();
      if (spec.namespace != null) {
        argv.addAll(List.of(spec.namespace.exec()));
      }
      argv.addAll(List.of(spec.sshd.toString(), "-D", "-e", "-f", configFile().toString()));
      process =
          new ProcessBuilder(argv)
              .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
              .start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run " + spec.sshd + ": " + e.getMessage(), e);
    }
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        ProcessTree.waitFor(process, GRACE);
        if (log().substring(logStart).contains("Address already in use")) {
          return false;
        }
        throw failure(
            "sshd exited with code "
                + process.exitValue()
                + " before listening on "
                + host()
                + ":"
                + port);
      }
      if (ProcessTree.listensOn(process.pid(), port) && answersBanner()) {
        return true;
      }
      ProcessTree.sleep(25);
    }
    ProcessTree.killTree(process.pid());
    throw failure(
        "sshd gave no SSH-2.0- banner on "
            + host()
            + ":"
            + port
            + " within "
            + START_TIMEOUT.toSeconds()
            + " s");
  }

  private boolean answersBanner() {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(host(), port), 1000);
      socket.setSoTimeout(2000);
      var in =
          new BufferedReader(
              new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
      String banner = in.readLine();
      return banner != null && banner.startsWith("SSH-2.0-");
    } catch (IOException e) {
      return false;
    }
  }

  private IllegalStateException failure(String what) {
    return new IllegalStateException(
        what + "\nconfig " + configFile() + "\n--- sshd log ---\n" + log().strip());
  }

  private static void keygen(Path file, String type, String passphrase) {
    Command.run(
            Duration.ofSeconds(30),
            SSH_KEYGEN.toString(),
            "-q",
            "-t",
            type,
            "-N",
            passphrase,
            "-C",
            "portkeep-test",
            "-f",
            file.toString())
        .orThrow();
    TestFiles.makePrivate(file);
  }

  /** Guards against signalling a recycled pid: only live sshd processes count. */
  private static boolean isSshd(long pid) {
    try {
      return ProcessTree.isAlive(pid)
          && Files.readString(Path.of("/proc", Long.toString(pid), "comm")).strip().equals("sshd");
    } catch (IOException e) {
      return false;
    }
  }

  /** Options for {@link OpenSshServer}; each setter validates its value. */
  public static final class Builder {
    private static final Set<String> KEY_TYPES = Set.of("ed25519", "ecdsa", "rsa");
    private String listenAddress = "127.0.0.1";
    private final List<String> extraConfig = new ArrayList<>();
    private String clientKeyType = "ed25519";
    private String hostKeyType = "ed25519";
    private String clientKeyPassphrase = "";
    private Path sshd = SSHD;
    private NetNamespace namespace;

    private Builder() {}

    /**
     * Runs sshd inside {@code ns}, listening on its inner address (a second host for link-cut
     * tests).
     */
    public Builder inNamespace(NetNamespace ns) {
      namespace = ns;
      listenAddress = ns.innerAddress();
      return this;
    }

    /** A loopback address to listen on; default 127.0.0.1. */
    public Builder listenAddress(String address) {
      if (!address.startsWith("127.") && !address.equals("::1")) {
        throw new IllegalArgumentException(
            "test sshd listens on loopback only, not '" + address + "'");
      }
      listenAddress = address;
      return this;
    }

    /**
     * sshd_config lines; they precede the defaults (first value wins) and {@code Match} blocks go
     * last.
     */
    public Builder extraConfig(String... lines) {
      extraConfig.addAll(List.of(lines));
      return this;
    }

    /** ed25519 (default), ecdsa or rsa. MINA SSHD reads ed25519 only with an EdDSA provider. */
    public Builder clientKeyType(String type) {
      clientKeyType = keyType(type);
      return this;
    }

    /**
     * ed25519 (default), ecdsa or rsa. A MINA client negotiates ed25519 only with an EdDSA
     * provider.
     */
    public Builder hostKeyType(String type) {
      hostKeyType = keyType(type);
      return this;
    }

    /** Encrypts the client key with {@code passphrase} (OpenSSH format, bcrypt KDF). */
    public Builder clientKeyPassphrase(String passphrase) {
      if (passphrase.isEmpty()) {
        throw new IllegalArgumentException(
            "passphrase must not be empty; leave it unset for a plain key");
      }
      clientKeyPassphrase = passphrase;
      return this;
    }

    Builder sshdBinary(Path binary) {
      sshd = binary;
      return this;
    }

    /**
     * Generates the keys, writes the config and starts sshd on a free port (up to 5 port tries).
     */
    public OpenSshServer start() {
      requireInstalled(sshd, "openssh-server");
      requireInstalled(SSH_KEYGEN, "openssh-client");
      OpenSshServer server = new OpenSshServer(snapshot(), TestFiles.tempDir("portkeep-sshd-"));
      LIVE.add(server);
      try {
        server.prepare();
        for (int attempt = 1; ; attempt++) {
          server.port = FreePort.pick();
          server.writeConfig();
          TestFiles.write(server.knownHostsFile(), server.knownHostsLine() + "\n");
          if (server.launch()) {
            return server;
          }
          if (attempt == 5) {
            throw server.failure("sshd lost the bind race 5 times in a row");
          }
        }
      } catch (RuntimeException e) {
        server.close();
        throw e;
      }
    }

    /** A private copy, so changing this builder later cannot change a running server. */
    private Builder snapshot() {
      Builder copy = new Builder();
      copy.listenAddress = listenAddress;
      copy.extraConfig.addAll(extraConfig);
      copy.clientKeyType = clientKeyType;
      copy.hostKeyType = hostKeyType;
      copy.clientKeyPassphrase = clientKeyPassphrase;
      copy.sshd = sshd;
      copy.namespace = namespace;
      return copy;
    }

    private static String keyType(String type) {
      if (!KEY_TYPES.contains(type)) {
        throw new IllegalArgumentException(
            "key type must be one of " + KEY_TYPES + ", not '" + type + "'");
      }
      return type;
    }

    private static void requireInstalled(Path binary, String debianPackage) {
      if (!Files.isExecutable(binary)) {
        throw new IllegalStateException(
            binary
                + " not found: install the Debian package "
                + debianPackage
                + " (apt-get install -y "
                + debianPackage
                + "); CI installs it, tests never skip without it");
      }
    }
  }
}
