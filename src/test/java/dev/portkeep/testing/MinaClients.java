package dev.portkeep.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.channel.ChannelDirectTcpip;
import org.apache.sshd.client.keyverifier.KnownHostsServerKeyVerifier;
import org.apache.sshd.client.keyverifier.RejectAllServerKeyVerifier;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.NamedResource;
import org.apache.sshd.common.config.keys.FilePasswordProvider;
import org.apache.sshd.common.util.net.SshdSocketAddress;
import org.apache.sshd.common.util.security.SecurityUtils;

/**
 * A MINA SSH client set up the strict way (known_hosts or nothing), for the fixtures' self-tests.
 */
final class MinaClients {
  static final Duration TIMEOUT = Duration.ofSeconds(10);

  private MinaClients() {}

  /** A started client that accepts only host keys listed in {@code knownHosts}. */
  static SshClient strictClient(Path knownHosts) {
    SshClient client = SshClient.setUpDefaultClient();
    client.setServerKeyVerifier(
        new KnownHostsServerKeyVerifier(RejectAllServerKeyVerifier.INSTANCE, knownHosts));
    client.start();
    return client;
  }

  /** Connects and authenticates with the server's client key; the caller closes the session. */
  static ClientSession login(SshClient client, SshTestServer server, String passphrase)
      throws Exception {
    ClientSession session =
        client.connect(server.user(), server.host(), server.port()).verify(TIMEOUT).getSession();
    try {
      session.addPublicKeyIdentity(loadKey(server.clientKey(), passphrase));
      session.auth().verify(TIMEOUT);
      return session;
    } catch (Exception e) {
      session.close(true);
      throw e;
    }
  }

  static ClientSession login(SshClient client, SshTestServer server) throws Exception {
    return login(client, server, null);
  }

  static KeyPair loadKey(Path file, String passphrase)
      throws IOException, GeneralSecurityException {
    try (InputStream in = Files.newInputStream(file)) {
      return SecurityUtils.loadKeyPairIdentities(
              null,
              NamedResource.ofName(file.toString()),
              in,
              passphrase == null ? null : FilePasswordProvider.of(passphrase))
          .iterator()
          .next();
    }
  }

  static ChannelDirectTcpip openDirectTcpip(ClientSession session, String host, int port)
      throws IOException {
    ChannelDirectTcpip channel =
        session.createDirectTcpipChannel(
            new SshdSocketAddress("127.0.0.1", 0), new SshdSocketAddress(host, port));
    channel.open().verify(TIMEOUT);
    return channel;
  }

  /**
   * Sends {@code bytes} payload bytes of {@code seed} through the channel while reading the echo;
   * returns its digest.
   */
  static Payloads.Digest echo(ChannelDirectTcpip channel, long bytes, long seed) throws Exception {
    OutputStream out = channel.getInvertedIn();
    InputStream in = channel.getInvertedOut();
    CompletableFuture<Void> writer =
        CompletableFuture.runAsync(
            () -> {
              try {
                Payloads.write(out, bytes, seed);
                out.close(); // SSH_MSG_CHANNEL_EOF: the echo target then closes its side
              } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
              }
            });
    Payloads.Digest digest = Payloads.sha256(in);
    writer.get(TIMEOUT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);
    return digest;
  }
}
