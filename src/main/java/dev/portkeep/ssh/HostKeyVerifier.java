package dev.portkeep.ssh;

import dev.portkeep.config.Hop;
import dev.portkeep.config.HostKeyPolicy;
import dev.portkeep.config.StrictHostKeyChecking;
import dev.portkeep.error.AuthException;
import java.io.IOException;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.PublicKey;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.sshd.client.keyverifier.ServerKeyVerifier;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.config.keys.OpenSshCertificate;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Verifies the server's host key against known_hosts on every connection, with OpenSSH's
 * StrictHostKeyChecking meanings; a changed key is refused under every setting. The reason for a
 * refusal is kept so the caller can report it instead of MINA's generic error.
 */
final class HostKeyVerifier implements ServerKeyVerifier {
  private static final Logger log = LoggerFactory.getLogger(HostKeyVerifier.class);

  private final String host;
  private final int port;
  private final HostKeyPolicy policy;
  private final Prompts prompts;
  private final AtomicReference<AuthException> rejection = new AtomicReference<>();
  private KnownHosts knownHosts;

  /**
   * Verifies the key of {@code hop}, one server of the route, with the session's policy and files.
   */
  HostKeyVerifier(Hop hop, HostKeyPolicy policy, Prompts prompts) {
    this.host = hop.host();
    this.port = hop.port();
    this.policy = policy;
    this.prompts = prompts;
  }

  /** The key types known_hosts holds for this server, so the client can ask for those first. */
  java.util.Set<String> knownKeyTypes() {
    try {
      return knownHosts().matching(host, port).stream()
          .filter(e -> !e.revoked())
          .map(e -> KnownHosts.keyType(e.key()))
          .collect(java.util.stream.Collectors.toSet());
    } catch (IOException e) {
      return java.util.Set.of();
    }
  }

  /**
   * Whether known_hosts trusts a CA ({@code @cert-authority}) for this server, so the client asks
   * for a host certificate first, as OpenSSH does.
   */
  boolean trustsCertificates() {
    try {
      return !knownHosts().certAuthorities(host, port).isEmpty();
    } catch (IOException e) {
      return false;
    }
  }

  /** The known_hosts files as read once for this connection attempt (a verifier serves one). */
  private synchronized KnownHosts knownHosts() throws IOException {
    if (knownHosts == null) {
      knownHosts = KnownHosts.load(policy.knownHostsFiles());
    }
    return knownHosts;
  }

  /** The refusal of the last verification, if it refused. */
  AuthException takeRejection() {
    return rejection.getAndSet(null);
  }

  @Override
  public boolean verifyServerKey(ClientSession session, SocketAddress remote, PublicKey key) {
    try {
      verify(key);
      return true;
    } catch (AuthException refused) {
      rejection.set(refused);
      return false;
    } catch (IOException e) {
      rejection.set(
          AuthException.hostKey(
              "cannot check the host key of " + hostName() + ": " + e.getMessage(),
              "check that the known_hosts files are readable: " + policy.knownHostsFiles(),
              e));
      return false;
    }
  }

  void verify(PublicKey key) throws IOException {
    if (!(key instanceof OpenSshCertificate cert)) {
      verifyPlain(key);
      return;
    }
    KnownHosts knownHosts = knownHosts();
    rejectRevoked(knownHosts, cert.getCertPubKey(), "host key");
    rejectRevoked(knownHosts, cert.getCaPubKey(), "CA key of the host certificate");
    switch (HostCertificates.check(
        cert, knownHosts.certAuthorities(host, port), host, Instant.now())) {
      case HostCertificates.Verdict.Trusted trusted ->
          log.info(
              "host certificate of {} (ID '{}') is signed by the CA trusted at {}",
              hostName(),
              cert.getId(),
              trusted.ca().where());
      case HostCertificates.Verdict.NoTrustedCa none -> verifyPlain(cert.getCertPubKey());
      case HostCertificates.Verdict.Invalid invalid -> {
        if (isKnown(knownHosts, cert.getCertPubKey())) {
          log.warn(
              "host certificate of {} is not valid ({}); its key is in known_hosts itself",
              hostName(),
              invalid.why());
          return;
        }
        throw invalidCertificate(cert, invalid);
      }
    }
  }

  private AuthException invalidCertificate(
      OpenSshCertificate cert, HostCertificates.Verdict.Invalid invalid) {
    String why = invalid.why();
    String hint =
        why.startsWith("it is for ")
            ? "connect with a name the certificate lists, or have it signed for this name too"
                + " (ssh-keygen -s <ca> -h -n "
                + host
                + " ...)"
            : why.contains("expired") || why.contains("not valid before")
                ? "the server's host certificate must be signed again for a period that includes"
                    + " now; ask its administrator"
                : "ask the server's administrator; do not connect until the certificate is fixed";
    return AuthException.hostKey(
        "host certificate of "
            + hostName()
            + " (ID '"
            + cert.getId()
            + "', CA "
            + KnownHosts.fingerprint(cert.getCaPubKey())
            + " trusted at "
            + invalid.ca().where()
            + ") is refused: "
            + why,
        hint);
  }

  private void rejectRevoked(KnownHosts knownHosts, PublicKey key, String what) throws IOException {
    for (KnownHosts.Entry entry : knownHosts.matching(host, port)) {
      if (entry.revoked() && KnownHosts.sameKey(entry.key(), key)) {
        throw AuthException.hostKey(
            what
                + " of "
                + hostName()
                + " is marked @revoked ("
                + entry.where()
                + "): "
                + KnownHosts.keyType(key)
                + " "
                + KnownHosts.fingerprint(key),
            "do not connect; ask the server's administrator for its current key");
      }
    }
  }

  private boolean isKnown(KnownHosts knownHosts, PublicKey key) {
    return knownHosts.matching(host, port).stream()
        .anyMatch(e -> !e.revoked() && KnownHosts.sameKey(e.key(), key));
  }

  private void verifyPlain(PublicKey key) throws IOException {
    KnownHosts knownHosts = knownHosts();
    List<KnownHosts.Entry> matches = knownHosts.matching(host, port);
    String type = KnownHosts.keyType(key);
    rejectRevoked(knownHosts, key, "host key");
    if (isKnown(knownHosts, key)) {
      return;
    }
    for (KnownHosts.Entry entry : matches) {
      if (!entry.revoked() && KnownHosts.keyType(entry.key()).equals(type)) {
        throw changed(entry, key);
      }
    }
    unknown(knownHosts, key, matches);
  }

  private AuthException changed(KnownHosts.Entry entry, PublicKey key) {
    return AuthException.hostKey(
        "HOST KEY CHANGED for "
            + hostName()
            + ": expected "
            + KnownHosts.fingerprint(entry.key())
            + " ("
            + entry.where()
            + "), got "
            + KnownHosts.keyType(key)
            + " "
            + KnownHosts.fingerprint(key),
        "someone may be intercepting the connection; if the server's key really changed, remove the"
            + " old entry with: ssh-keygen -R '"
            + knownHostsName()
            + "' -f "
            + entry.file());
  }

  private void unknown(KnownHosts knownHosts, PublicKey key, List<KnownHosts.Entry> others)
      throws IOException {
    String type = KnownHosts.keyType(key);
    String fingerprint = KnownHosts.fingerprint(key);
    String description = type + " key " + fingerprint;
    StrictHostKeyChecking mode = policy.strict();
    if (mode == StrictHostKeyChecking.ASK) {
      boolean yes =
          prompts
              .confirm(
                  "The authenticity of host '"
                      + hostName()
                      + "' can't be established.\n"
                      + description
                      + ".\n"
                      + "Are you sure you want to continue connecting (yes/no)? ")
              .orElseThrow(() -> notKnown(description, others));
      if (!yes) {
        throw AuthException.hostKey(
            "host key of " + hostName() + " not accepted: " + description,
            "answer yes only after checking the fingerprint with the server's administrator");
      }
    } else if (mode == StrictHostKeyChecking.YES) {
      throw notKnown(description, others);
    }
    add(knownHosts.primaryFile(), key);
  }

  private AuthException notKnown(String description, List<KnownHosts.Entry> others) {
    String otherTypes =
        others.isEmpty()
            ? ""
            : " (known_hosts has only "
                + String.join(
                    ", ", others.stream().map(e -> KnownHosts.keyType(e.key())).distinct().toList())
                + " keys for it)";
    return AuthException.hostKey(
        "host key of " + hostName() + " is not known" + otherTypes + ": " + description,
        "check the fingerprint with the server's administrator, then trust it once with"
            + " -o StrictHostKeyChecking=accept-new, or add it: ssh-keyscan"
            + (port == 22 ? "" : " -p " + port)
            + " "
            + host
            + " >> "
            + policy.knownHostsFiles().get(0));
  }

  private void add(Path file, PublicKey key) throws IOException {
    Path dir = file.toAbsolutePath().getParent();
    if (dir != null && !Files.isDirectory(dir)) {
      Files.createDirectories(dir);
    }
    String line = knownHostsName() + " " + PublicKeyEntry.toString(key) + System.lineSeparator();
    Files.writeString(
        file, line, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    log.warn(
        "Permanently added '{}' ({}) to the list of known hosts in {}",
        knownHostsName(),
        KnownHosts.keyType(key),
        file);
  }

  /** The host as known_hosts writes it: {@code host}, or {@code [host]:port} off port 22. */
  private String knownHostsName() {
    return port == 22 ? host : "[" + host + "]:" + port;
  }

  private String hostName() {
    return knownHostsName();
  }
}
