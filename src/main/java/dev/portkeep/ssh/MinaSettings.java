package dev.portkeep.ssh;

import java.time.Duration;
import java.util.List;
import org.apache.sshd.client.ClientBuilder;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.keyverifier.ServerKeyVerifier;
import org.apache.sshd.common.BaseBuilder;
import org.apache.sshd.common.NamedFactory;
import org.apache.sshd.common.cipher.BuiltinCiphers;
import org.apache.sshd.common.cipher.Cipher;
import org.apache.sshd.common.kex.BuiltinDHFactories;
import org.apache.sshd.common.mac.BuiltinMacs;
import org.apache.sshd.common.mac.Mac;
import org.apache.sshd.common.signature.BuiltinSignatures;
import org.apache.sshd.common.signature.Signature;
import org.apache.sshd.core.CoreModuleProperties;

/**
 * The only class that sets MINA SSHD's client algorithms and properties.
 *
 * <p>Algorithms: AES-GCM first, then ChaCha20-Poly1305 and AES-CTR; no CBC, no SHA-1 MACs, no SHA-1
 * signatures (ssh-rsa, ssh-dss), no SHA-1 key exchanges. Strict key exchange (the Terrapin
 * mitigation) is on in MINA since 2.12 whenever the server offers it.
 */
final class MinaSettings {
  static final List<BuiltinCiphers> CIPHERS =
      List.of(
          BuiltinCiphers.aes128gcm,
          BuiltinCiphers.aes256gcm,
          BuiltinCiphers.cc20p1305_openssh,
          BuiltinCiphers.aes128ctr,
          BuiltinCiphers.aes192ctr,
          BuiltinCiphers.aes256ctr);

  static final List<BuiltinMacs> MACS =
      List.of(
          BuiltinMacs.hmacsha256etm,
          BuiltinMacs.hmacsha512etm,
          BuiltinMacs.hmacsha256,
          BuiltinMacs.hmacsha512);

  static final List<BuiltinSignatures> SIGNATURES =
      List.of(
          BuiltinSignatures.ed25519,
          BuiltinSignatures.ed25519_cert,
          BuiltinSignatures.nistp256,
          BuiltinSignatures.nistp256_cert,
          BuiltinSignatures.nistp384,
          BuiltinSignatures.nistp384_cert,
          BuiltinSignatures.nistp521,
          BuiltinSignatures.nistp521_cert,
          BuiltinSignatures.rsaSHA512,
          BuiltinSignatures.rsaSHA512_cert,
          BuiltinSignatures.rsaSHA256,
          BuiltinSignatures.rsaSHA256_cert);

  /**
   * What carries the SSH socket: portkeep's event loops ({@link dev.portkeep.ssh.io.LoopIo}), or
   * MINA's NIO2 transport as before, kept for comparison ({@code -Dportkeep.io=nio2}, which
   * bench/ab passes through {@code PORTKEEP_JAVA_OPTS}).
   */
  enum SocketIo {
    LOOPS,
    NIO2;

    static final String PROPERTY = "portkeep.io";

    /** The system property's value; unset means loops. */
    static SocketIo of(@org.jspecify.annotations.Nullable String value) {
      if (value == null || value.equals("loops")) {
        return LOOPS;
      }
      if (value.equals("nio2")) {
        return NIO2;
      }
      throw new dev.portkeep.error.UsageException(
          "invalid value '" + value + "' for -D" + PROPERTY + ": expected loops or nio2",
          "set it in PORTKEEP_JAVA_OPTS as -D" + PROPERTY + "=loops or nio2, or leave it out");
    }
  }

  private MinaSettings() {}

  /** Key exchanges in MINA's preference order, less every SHA-1 one. */
  static List<BuiltinDHFactories> keyExchanges() {
    return BaseBuilder.DEFAULT_KEX_PREFERENCE.stream()
        .filter(BuiltinDHFactories::isSupported)
        .filter(k -> !k.getName().contains("sha1"))
        .toList();
  }

  /**
   * A client whose host-key algorithms put first host certificates when known_hosts trusts a CA for
   * the server ({@code certificates}), then those of the keys known_hosts already has for it
   * ({@code knownKeyTypes}, e.g. "ecdsa-sha2-nistp256"), as OpenSSH does; otherwise a server with a
   * newer key type would be met with its unknown key.
   */
  static SshClient newClient(
      ServerKeyVerifier verifier,
      dev.portkeep.config.Transport transport,
      java.util.Set<String> knownKeyTypes,
      boolean certificates) {
    Duration connectTimeout = transport.connectTimeout();
    List<NamedFactory<Cipher>> ciphers = new java.util.ArrayList<>();
    for (BuiltinCiphers c : supported(CIPHERS)) {
      // The same algorithm, on the JDK's vectorised ChaCha20 instead of MINA's plain-Java one.
      ciphers.add(c == BuiltinCiphers.cc20p1305_openssh ? JdkChaCha20Poly1305.FACTORY : c);
    }
    List<NamedFactory<Mac>> macs = List.copyOf(supported(MACS));
    List<NamedFactory<Signature>> signatures = new java.util.ArrayList<>(supported(SIGNATURES));
    signatures.sort(
        java.util.Comparator.comparing(f -> rank(f.getName(), knownKeyTypes, certificates)));
    SshClient client =
        ClientBuilder.builder()
            .cipherFactories(ciphers)
            .macFactories(macs)
            .signatureFactories(signatures)
            .keyExchangeFactories(
                NamedFactory.setUpTransformedFactories(
                    false, keyExchanges(), MinaSettings::keyExchange))
            .serverKeyVerifier(verifier)
            .randomFactory(StreamRandom.FACTORY)
            .build();
    // Read for each client, not once: a test runs the forward contract on both transports.
    if (SocketIo.of(System.getProperty(SocketIo.PROPERTY)) == SocketIo.LOOPS) {
      client.setIoServiceFactoryFactory(dev.portkeep.ssh.io.LoopIo.FACTORY);
    }
    // Small packets (channel open, EOF, a one-byte reply) must not wait for Nagle.
    CoreModuleProperties.TCP_NODELAY.set(client, true);
    // A tunnel may sit idle for hours; MINA would otherwise close it after 10 minutes.
    CoreModuleProperties.IDLE_TIMEOUT.set(client, Duration.ZERO);
    CoreModuleProperties.IO_CONNECT_TIMEOUT.set(client, connectTimeout);
    // MINA looks these up on every socket read and write, or for every channel it opens and
    // closes; unset, each lookup falls through to the system properties, building the key string
    // anew (a tenth of a download's allocation, most of a short connection's). MINA's defaults.
    CoreModuleProperties.NIO2_READ_TIMEOUT.set(client, Duration.ZERO);
    CoreModuleProperties.NIO2_MIN_WRITE_TIMEOUT.set(client, Duration.ofSeconds(30));
    CoreModuleProperties.WINDOW_SIZE.set(client, 2L * 1024 * 1024);
    CoreModuleProperties.WINDOW_TIMEOUT.set(client, Duration.ZERO);
    CoreModuleProperties.MAX_PACKET_SIZE.set(client, 32L * 1024);
    CoreModuleProperties.LIMIT_PACKET_SIZE.set(client, (long) Integer.MAX_VALUE >> 2);
    CoreModuleProperties.CHANNEL_CLOSE_TIMEOUT.set(client, Duration.ofSeconds(5));
    CoreModuleProperties.MAX_CONCURRENT_CHANNELS.set(client, Integer.MAX_VALUE);
    // Read the SSH socket in 128 KiB rather than 32: a quarter of the read(2) calls and completions
    // when data streams in, one buffer per session.
    CoreModuleProperties.NIO2_READ_BUFFER_SIZE.set(client, 128 * 1024);
    // With -Dportkeep.io=nio2 (the event loops ignore it: a client has one loop thread):
    // a client carries one SSH session, which has at most one read and one write in flight, so two
    // I/O threads are all it can use (the local sockets of -R connections, on the same threads,
    // only hand bytes to that session, whose packets are encrypted one at a time anyway); MINA's
    // default is cores + 1 per client, and `up` has a client per tunnel. Each thread costs about
    // 140 KiB RSS (its stack, its cached direct buffer): `portkeep up` with 50 tunnels went from
    // 322 to 272 threads and 133 to 128 MiB RSS on 2 cores (bench/scale), more on bigger machines.
    CoreModuleProperties.NIO_WORKERS.set(client, 2);
    keepAlive(client, transport.keepAlive());
    // Connections for -R come back as forwarded-tcpip channels, which the server can only open for
    // ports portkeep asked for; MINA maps each to its local target. Nothing else is accepted.
    client.setForwardingFilter(
        org.apache.sshd.server.forward.ForwardingFilter.asForwardingFilter(
            null,
            null,
            new org.apache.sshd.server.forward.TcpForwardingFilter() {
              @Override
              public boolean canListen(
                  org.apache.sshd.common.util.net.SshdSocketAddress address,
                  org.apache.sshd.common.session.Session session) {
                return false;
              }

              @Override
              public boolean canConnect(
                  Type type,
                  org.apache.sshd.common.util.net.SshdSocketAddress address,
                  org.apache.sshd.common.session.Session session) {
                return type == Type.Forwarded;
              }
            }));
    // The same channels as MINA's, counted for the -R forward's status (CountedForwardedChannel).
    client.setChannelFactories(List.of(new CountedForwardedChannel.Factory()));
    // portkeep reads ssh_config itself; MINA must not apply ~/.ssh/config behind its back.
    client.setHostConfigEntryResolver(
        org.apache.sshd.client.config.hosts.HostConfigEntryResolver.EMPTY);
    return client;
  }

  /**
   * ServerAliveInterval and ServerAliveCountMax: a {@code keepalive@openssh.com} request with
   * want-reply every interval; any reply (OpenSSH answers with a failure) counts; one more than
   * countMax outstanding ends the session, so a silent peer is dead after interval x (countMax +
   * 1).
   */
  private static void keepAlive(SshClient client, dev.portkeep.config.KeepAlive keepAlive) {
    if (!keepAlive.enabled()) {
      return;
    }
    CoreModuleProperties.HEARTBEAT_INTERVAL.set(client, keepAlive.interval());
    CoreModuleProperties.HEARTBEAT_REQUEST.set(client, "keepalive@openssh.com");
    CoreModuleProperties.HEARTBEAT_NO_REPLY_MAX.set(client, keepAlive.countMax());
  }

  private static int rank(String signature, java.util.Set<String> known, boolean certificates) {
    if (certificates && signature.endsWith("-cert-v01@openssh.com")) {
      return 0;
    }
    return known.contains(keyType(signature)) ? 1 : 2;
  }

  /**
   * MINA's key exchanges, except that a host certificate is passed on unchecked to the {@link
   * HostKeyVerifier}, which checks it against known_hosts and the host name as connected (MINA
   * would compare its principals with the socket address, a loopback bridge behind a jump host or a
   * ProxyCommand, and report a failure in its own words).
   */
  private static org.apache.sshd.common.kex.KeyExchangeFactory keyExchange(
      org.apache.sshd.common.kex.DHFactory factory) {
    if (factory.isGroupExchange()) {
      return ClientBuilder.DH2KEX.apply(factory);
    }
    return new org.apache.sshd.common.kex.KeyExchangeFactory() {
      @Override
      public String getName() {
        return factory.getName();
      }

      @Override
      public org.apache.sshd.common.kex.KeyExchange createKeyExchange(
          org.apache.sshd.common.session.Session session) {
        return new org.apache.sshd.client.kex.DHGClient(factory, session) {
          @Override
          protected void verifyCertificate(
              org.apache.sshd.common.session.Session s,
              org.apache.sshd.common.config.keys.OpenSshCertificate certificate) {
            // HostKeyVerifier checks it.
          }
        };
      }
    };
  }

  /**
   * The key type a signature algorithm verifies: rsa-sha2-* use ssh-rsa keys; certificates their
   * key's.
   */
  static String keyType(String signature) {
    String plain = signature.replace("-cert-v01@openssh.com", "");
    return plain.startsWith("rsa-sha2-") ? "ssh-rsa" : plain;
  }

  private static <T extends NamedFactory<?>> List<T> supported(List<T> all) {
    return all.stream()
        .filter(f -> !(f instanceof org.apache.sshd.common.OptionalFeature o) || o.isSupported())
        .toList();
  }
}
