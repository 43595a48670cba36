package dev.portkeep.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PublicKey;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.config.keys.writer.openssh.OpenSSHKeyEncryptionContext;
import org.apache.sshd.common.config.keys.writer.openssh.OpenSSHKeyPairResourceWriter;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.util.net.SshdSocketAddress;
import org.apache.sshd.common.util.security.SecurityUtils;
import org.apache.sshd.core.CoreModuleProperties;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.auth.keyboard.InteractiveChallenge;
import org.apache.sshd.server.auth.keyboard.KeyboardInteractiveAuthenticator;
import org.apache.sshd.server.forward.ForwardingFilter;
import org.apache.sshd.server.forward.RejectAllForwardingFilter;
import org.apache.sshd.server.forward.TcpForwardingFilter;
import org.apache.sshd.server.keyprovider.SimpleGeneratorHostKeyProvider;
import org.apache.sshd.server.session.ServerSession;

/**
 * An in-process Apache MINA SSHD server on 127.0.0.1 that only authenticates and forwards TCP, for
 * fast tests; forwarding can be refused and windows shrunk for backpressure.
 */
public final class MinaSshServer implements SshTestServer {
  public static final String HOST = "127.0.0.1";

  /** Key types of {@code clientKeyType}, mapped to MINA's key type names. */
  private static final Map<String, String> KEY_TYPES =
      Map.of("ecdsa", "ecdsa-sha2-nistp256", "rsa", "ssh-rsa", "ed25519", "ssh-ed25519");

  private final Builder spec;
  private final Path tempDir;
  private final SimpleGeneratorHostKeyProvider hostKeys;
  private final PublicKey hostKey;
  private final KeyPair clientKeys;
  private final Path clientKey;
  private final List<String> directTcpipTargets = new CopyOnWriteArrayList<>();
  private final AtomicBoolean closed = new AtomicBoolean();

  /** What {@link Builder#stallDirectTcpip} holds opens on; released when the server stops. */
  private final java.util.concurrent.CountDownLatch stallEnds =
      new java.util.concurrent.CountDownLatch(1);

  private volatile SshServer server;
  private volatile int port;

  private MinaSshServer(Builder spec, Path tempDir) throws IOException, GeneralSecurityException {
    this.spec = spec;
    this.tempDir = tempDir;
    hostKeys = new SimpleGeneratorHostKeyProvider(tempDir.resolve("host_key.ser"));
    hostKeys.setAlgorithm(KeyUtils.EC_ALGORITHM);
    hostKeys.setKeySize(256);
    hostKey = hostKeys.loadKeys(null).get(0).getPublic();
    String type = KEY_TYPES.get(spec.clientKeyType);
    clientKeys = KeyUtils.generateKeyPair(type, type.equals("ssh-rsa") ? 3072 : 256);
    clientKey = tempDir.resolve("id_" + spec.clientKeyType);
    writeClientKey();
  }

  /**
   * Starts a server with an ecdsa client key, public-key auth only and all TCP forwarding allowed.
   */
  public static MinaSshServer start() {
    return builder().start();
  }

  public static Builder builder() {
    return new Builder();
  }

  @Override
  public String host() {
    return HOST;
  }

  @Override
  public int port() {
    return port;
  }

  /** The client's private key in OpenSSH format, mode 0600. */
  @Override
  public Path clientKey() {
    return clientKey;
  }

  @Override
  public Path clientPublicKey() {
    return Path.of(clientKey + ".pub");
  }

  public KeyPair clientKeyPair() {
    return clientKeys;
  }

  /** The host key as {@code "ecdsa-sha2-nistp256 <base64>"}. */
  @Override
  public String hostKeyPublicLine() {
    return PublicKeyEntry.toString(hostKey);
  }

  /** A known_hosts file holding {@code [127.0.0.1]:port <host key>}. */
  @Override
  public Path knownHostsFile() {
    return tempDir.resolve("known_hosts");
  }

  /** The only user the client key authenticates; defaults to the OS user. */
  @Override
  public String user() {
    return spec.user;
  }

  @Override
  public Path tempDir() {
    return tempDir;
  }

  /** The {@code host:port} targets of every direct-tcpip request so far, allowed or refused. */
  public List<String> directTcpipTargets() {
    return List.copyOf(directTcpipTargets);
  }

  public int activeSessionCount() {
    return server.getActiveSessions().size();
  }

  /** The running MINA server, for the rare test that needs more than this fixture offers. */
  public SshServer sshServer() {
    return server;
  }

  /** Crash: closes the listener and every session at once, without an SSH disconnect message. */
  @Override
  public synchronized void kill() {
    stallEnds.countDown();
    try {
      server.stop(true);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot stop MINA server on " + HOST + ":" + port, e);
    }
  }

  /** Starts a new server on the same port with the same host key, retrying the bind for 5 s. */
  @Override
  public synchronized void restart() {
    if (closed.get()) {
      throw new IllegalStateException("MINA server on " + HOST + ":" + port + " is closed");
    }
    kill();
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (true) {
      try {
        listen(port);
        return;
      } catch (UncheckedIOException e) {
        if (System.nanoTime() > deadline) {
          throw e;
        }
        ProcessTree.sleep(100);
      }
    }
  }

  /** Stops the server and deletes its temporary directory. Idempotent. */
  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      stallEnds.countDown();
      try {
        if (server != null) {
          server.stop(true);
        }
      } catch (IOException ignored) {
        // closing anyway
      } finally {
        TestFiles.deleteTree(tempDir);
      }
    }
  }

  @Override
  public String toString() {
    return "MINA sshd "
        + HOST
        + ":"
        + port
        + " (sessions="
        + (server == null ? 0 : activeSessionCount())
        + ", direct-tcpip requests="
        + directTcpipTargets.size()
        + ")";
  }

  private void listen(int wantedPort) {
    SshServer sshd = SshServer.setUpDefaultServer();
    sshd.setHost(HOST);
    sshd.setPort(wantedPort);
    sshd.setKeyPairProvider(hostKeys);
    sshd.setPublickeyAuthenticator(
        (user, key, session) ->
            user.equals(spec.user) && KeyUtils.compareKeys(key, clientKeys.getPublic()));
    sshd.setPasswordAuthenticator(
        spec.passwordUser == null
            ? null
            : (user, password, session) ->
                user.equals(spec.passwordUser) && password.equals(spec.password));
    sshd.setKeyboardInteractiveAuthenticator(spec.challenge == null ? null : spec.challenge);
    sshd.setForwardingFilter(
        ForwardingFilter.asForwardingFilter(
            RejectAllForwardingFilter.INSTANCE, RejectAllForwardingFilter.INSTANCE, new Filter()));
    if (spec.windowSize > 0) {
      CoreModuleProperties.WINDOW_SIZE.set(sshd, spec.windowSize);
    }
    if (spec.maxPacketSize > 0) {
      CoreModuleProperties.MAX_PACKET_SIZE.set(sshd, spec.maxPacketSize);
    }
    try {
      sshd.start();
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot start MINA server on " + HOST + ":" + wantedPort + ": " + e.getMessage(), e);
    }
    server = sshd;
    port = sshd.getPort();
  }

  private void writeClientKey() throws IOException, GeneralSecurityException {
    OpenSSHKeyEncryptionContext encryption = null;
    if (!spec.clientKeyPassphrase.isEmpty()) {
      encryption = new OpenSSHKeyEncryptionContext();
      encryption.setPassword(spec.clientKeyPassphrase);
      encryption.setCipherName("AES");
      encryption.setCipherMode("CTR");
      encryption.setCipherType("256");
    }
    try (OutputStream out = TestFiles.createPrivate(clientKey)) {
      OpenSSHKeyPairResourceWriter.INSTANCE.writePrivateKey(
          clientKeys, "portkeep-test", encryption, out);
    }
    TestFiles.write(
        clientPublicKey(), PublicKeyEntry.toString(clientKeys.getPublic()) + " portkeep-test\n");
  }

  /** Allows or refuses TCP forwarding as configured and records direct-tcpip targets. */
  private final class Filter implements TcpForwardingFilter {
    @Override
    public boolean canListen(SshdSocketAddress address, Session session) {
      return !spec.refuseTcpipForward;
    }

    @Override
    public boolean canConnect(Type type, SshdSocketAddress address, Session session) {
      if (type == Type.Direct) {
        directTcpipTargets.add(address.getHostName() + ":" + address.getPort());
        if (spec.stallDirectTcpip) {
          // On the session's I/O thread: the server answers nothing on this session meanwhile.
          try {
            stallEnds.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          return false;
        }
        return !spec.refuseDirectTcpip;
      }
      return true;
    }
  }

  /** Options for {@link MinaSshServer}; each setter validates its value. */
  public static final class Builder {
    private String user = System.getProperty("user.name");
    private String clientKeyType = "ecdsa";
    private String clientKeyPassphrase = "";
    private String passwordUser;
    private String password;
    private boolean refuseDirectTcpip;
    private boolean refuseTcpipForward;
    private boolean stallDirectTcpip;
    private long windowSize;
    private long maxPacketSize;
    private Challenge challenge;

    private Builder() {}

    /** The user the client key authenticates; default the OS user. */
    public Builder user(String name) {
      user = name;
      return this;
    }

    /**
     * ecdsa (nistp256, default), rsa (3072) or ed25519 (needs an EdDSA provider on the classpath).
     */
    public Builder clientKeyType(String type) {
      if (!KEY_TYPES.containsKey(type)) {
        throw new IllegalArgumentException(
            "key type must be one of " + KEY_TYPES.keySet() + ", not '" + type + "'");
      }
      if (type.equals("ed25519") && !SecurityUtils.isEDDSACurveSupported()) {
        throw new IllegalStateException(
            "MINA SSHD cannot make or read ed25519 keys without an EdDSA provider "
                + "(net.i2p.crypto:eddsa or org.bouncycastle:bcprov) on the test classpath; use ecdsa or rsa");
      }
      clientKeyType = type;
      return this;
    }

    /**
     * Encrypts the client key file with {@code passphrase} (OpenSSH format, aes256-ctr, bcrypt
     * KDF).
     */
    public Builder clientKeyPassphrase(String passphrase) {
      if (passphrase.isEmpty()) {
        throw new IllegalArgumentException(
            "passphrase must not be empty; leave it unset for a plain key");
      }
      clientKeyPassphrase = passphrase;
      return this;
    }

    /** Also accepts password authentication for {@code user} with {@code password}. */
    public Builder password(String user, String password) {
      this.passwordUser = user;
      this.password = password;
      return this;
    }

    /**
     * Also accepts keyboard-interactive for {@code user}: one round of two questions, the first
     * marked to be shown as typed ({@code shownPrompt}, answered by {@code shownAnswer}), the
     * second hidden, as a one-time-code login asks for a name and then a code.
     */
    public Builder keyboardInteractive(
        String user, String shownPrompt, String shownAnswer, String hiddenPrompt, String hidden) {
      challenge = new Challenge(user, shownPrompt, shownAnswer, hiddenPrompt, hidden);
      return this;
    }

    /**
     * Refuses every direct-tcpip channel (what {@code ssh -L} opens), as {@code AllowTcpForwarding
     * remote} would.
     */
    public Builder refuseDirectTcpip() {
      refuseDirectTcpip = true;
      return this;
    }

    /**
     * Answers no direct-tcpip open until the server stops, as a server whose connection to the
     * target hangs would; the session's other messages wait too.
     */
    public Builder stallDirectTcpip() {
      stallDirectTcpip = true;
      return this;
    }

    /**
     * Refuses every tcpip-forward request (what {@code ssh -R} sends), as {@code AllowTcpForwarding
     * local} would.
     */
    public Builder refuseTcpipForward() {
      refuseTcpipForward = true;
      return this;
    }

    /**
     * The server's channel window in bytes (MINA default 2 MiB); small values exercise
     * backpressure.
     */
    public Builder windowSize(long bytes) {
      windowSize = positive("window size", bytes);
      return this;
    }

    /** The server's maximum channel packet in bytes (MINA default 32 KiB). */
    public Builder maxPacketSize(long bytes) {
      maxPacketSize = positive("max packet size", bytes);
      return this;
    }

    /** Generates the keys and listens on a free port of 127.0.0.1. */
    public MinaSshServer start() {
      Path tempDir = TestFiles.tempDir("portkeep-mina-");
      MinaSshServer server;
      try {
        server = new MinaSshServer(snapshot(), tempDir);
      } catch (IOException | GeneralSecurityException e) {
        TestFiles.deleteTree(tempDir);
        throw new IllegalStateException(
            "cannot create keys for MINA server in " + tempDir + ": " + e, e);
      }
      try {
        server.listen(0);
        TestFiles.write(
            server.knownHostsFile(),
            "[" + HOST + "]:" + server.port + " " + server.hostKeyPublicLine() + "\n");
        return server;
      } catch (RuntimeException e) {
        server.close();
        throw e;
      }
    }

    /** A private copy, so changing this builder later cannot change a running server. */
    private Builder snapshot() {
      Builder copy = new Builder();
      copy.user = user;
      copy.clientKeyType = clientKeyType;
      copy.clientKeyPassphrase = clientKeyPassphrase;
      copy.passwordUser = passwordUser;
      copy.password = password;
      copy.refuseDirectTcpip = refuseDirectTcpip;
      copy.refuseTcpipForward = refuseTcpipForward;
      copy.stallDirectTcpip = stallDirectTcpip;
      copy.windowSize = windowSize;
      copy.maxPacketSize = maxPacketSize;
      copy.challenge = challenge;
      return copy;
    }

    /** The keyboard-interactive round of {@link #keyboardInteractive}. */
    private record Challenge(
        String user, String shownPrompt, String shownAnswer, String hiddenPrompt, String hidden)
        implements KeyboardInteractiveAuthenticator {
      @Override
      public InteractiveChallenge generateChallenge(
          ServerSession session, String username, String lang, String subMethods) {
        InteractiveChallenge c = new InteractiveChallenge();
        c.setInteractionName("");
        c.setInteractionInstruction("");
        c.setLanguageTag("");
        c.addPrompt(shownPrompt, true);
        c.addPrompt(hiddenPrompt, false);
        return c;
      }

      @Override
      public boolean authenticate(ServerSession session, String username, List<String> responses) {
        return username.equals(user) && responses.equals(List.of(shownAnswer, hidden));
      }
    }

    private static long positive(String what, long bytes) {
      if (bytes <= 0) {
        throw new IllegalArgumentException(what + " must be positive, not " + bytes);
      }
      return bytes;
    }
  }
}
