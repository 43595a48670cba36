package dev.portkeep.ssh;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PublicKey;
import java.util.List;
import java.util.Optional;
import org.apache.sshd.common.cipher.BuiltinCiphers;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.config.keys.writer.openssh.OpenSSHKeyPairResourceWriter;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.common.util.net.SshdSocketAddress;
import org.apache.sshd.core.CoreModuleProperties;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.forward.TcpForwardingFilter;

/**
 * The demo's embedded SSH server: 127.0.0.1 on an ephemeral port, a throwaway host key, one
 * throwaway client key, and nothing but {@code direct-tcpip} to one allowed target. No shell, no
 * commands, no subsystems, no listening on the server's side.
 */
public final class DemoServer implements AutoCloseable {
  private final SshServer server;
  private final Path clientKey;
  private final Path knownHosts;
  private final PublicKey hostKey;

  private DemoServer(SshServer server, Path clientKey, Path knownHosts, PublicKey hostKey) {
    this.server = server;
    this.clientKey = clientKey;
    this.knownHosts = knownHosts;
    this.hostKey = hostKey;
  }

  /** Starts the server; keys and the known_hosts file are written under {@code dir}. */
  public static DemoServer start(Path dir, InetSocketAddress allowedTarget) throws IOException {
    return start(dir, allowedTarget, Optional.empty());
  }

  /**
   * Starts the server offering only {@code cipher} (an SSH name such as {@code
   * chacha20-poly1305@openssh.com}) when one is given, so that a client negotiates that one.
   */
  public static DemoServer start(Path dir, InetSocketAddress allowedTarget, Optional<String> cipher)
      throws IOException {
    try {
      KeyPair hostKey = KeyUtils.generateKeyPair(KeyPairProvider.SSH_ED25519, 256);
      KeyPair userKey = KeyUtils.generateKeyPair(KeyPairProvider.SSH_ED25519, 256);
      SshServer server = SshServer.setUpDefaultServer();
      server.setHost("127.0.0.1");
      server.setPort(0);
      server.setKeyPairProvider(KeyPairProvider.wrap(hostKey));
      server.setPublickeyAuthenticator(
          (user, key, session) -> KeyUtils.compareKeys(key, userKey.getPublic()));
      server.setPasswordAuthenticator(null);
      server.setKeyboardInteractiveAuthenticator(null);
      server.setForwardingFilter(onlyTo(allowedTarget));
      if (cipher.isPresent()) {
        BuiltinCiphers only = BuiltinCiphers.fromFactoryName(cipher.get());
        if (only == null || !only.isSupported()) {
          throw new IllegalArgumentException("not a cipher this server has: " + cipher.get());
        }
        server.setCipherFactories(List.of(only));
      }
      CoreModuleProperties.TCP_NODELAY.set(server, true);
      server.start();
      int port = server.getPort();
      Path clientKey = writePrivateKey(dir.resolve("demo_ed25519"), userKey);
      Path knownHosts = dir.resolve("known_hosts");
      Files.writeString(
          knownHosts,
          "[127.0.0.1]:" + port + " " + PublicKeyEntry.toString(hostKey.getPublic()) + "\n");
      return new DemoServer(server, clientKey, knownHosts, hostKey.getPublic());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot generate the demo keys", e);
    }
  }

  private static org.apache.sshd.server.forward.ForwardingFilter onlyTo(InetSocketAddress target) {
    TcpForwardingFilter tcp =
        new TcpForwardingFilter() {
          @Override
          public boolean canListen(
              SshdSocketAddress address, org.apache.sshd.common.session.Session session) {
            return false;
          }

          @Override
          public boolean canConnect(
              Type type,
              SshdSocketAddress address,
              org.apache.sshd.common.session.Session session) {
            return type == Type.Direct
                && address.getPort() == target.getPort()
                && (address.getHostName().equals("127.0.0.1")
                    || address.getHostName().equals("localhost"));
          }
        };
    return org.apache.sshd.server.forward.ForwardingFilter.asForwardingFilter(null, null, tcp);
  }

  private static Path writePrivateKey(Path file, KeyPair key)
      throws IOException, GeneralSecurityException {
    Files.createFile(
        file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    try (OutputStream out = Files.newOutputStream(file)) {
      OpenSSHKeyPairResourceWriter.INSTANCE.writePrivateKey(key, "portkeep-demo", null, out);
    }
    return file;
  }

  public int port() {
    return server.getPort();
  }

  public Path clientKey() {
    return clientKey;
  }

  public Path knownHosts() {
    return knownHosts;
  }

  /** The host key's SHA256 fingerprint, as users compare it. */
  public String hostKeyFingerprint() {
    return KnownHosts.keyType(hostKey) + " " + KnownHosts.fingerprint(hostKey);
  }

  @Override
  public void close() throws IOException {
    server.stop(true);
  }
}
