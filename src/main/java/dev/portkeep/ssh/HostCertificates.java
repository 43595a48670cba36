package dev.portkeep.ssh;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.apache.sshd.common.config.keys.OpenSshCertificate;
import org.apache.sshd.common.signature.BuiltinSignatures;
import org.apache.sshd.common.signature.Signature;

/**
 * A server's host certificate checked as OpenSSH checks one against the {@code @cert-authority}
 * lines of known_hosts: signed by a CA those lines trust for this host, a host certificate, valid
 * now, listing the host name as connected among its principals, with no critical option. MINA's own
 * check is off (it compares the principals with the socket address, which is a loopback bridge for
 * jump hosts and ProxyCommand); this one names the check that failed.
 */
final class HostCertificates {
  /** What a certificate is worth here. */
  sealed interface Verdict {
    /** Signed by a trusted CA and valid for this host: no further question. */
    record Trusted(KnownHosts.Entry ca) implements Verdict {}

    /** No {@code @cert-authority} line for this host names its CA: judge its plain key instead. */
    record NoTrustedCa() implements Verdict {}

    /** Its CA is trusted here but the certificate fails a check: {@code why} says which. */
    record Invalid(KnownHosts.Entry ca, String why) implements Verdict {}
  }

  private HostCertificates() {}

  static Verdict check(
      OpenSshCertificate cert, List<KnownHosts.Entry> authorities, String host, Instant now) {
    Optional<KnownHosts.Entry> ca =
        authorities.stream()
            .filter(e -> !e.revoked() && KnownHosts.sameKey(e.key(), cert.getCaPubKey()))
            .findFirst();
    if (ca.isEmpty()) {
      return new Verdict.NoTrustedCa();
    }
    return problem(cert, host, now)
        .<Verdict>map(why -> new Verdict.Invalid(ca.get(), why))
        .orElseGet(() -> new Verdict.Trusted(ca.get()));
  }

  private static Optional<String> problem(OpenSshCertificate cert, String host, Instant now) {
    if (cert.getType() != OpenSshCertificate.Type.HOST) {
      return Optional.of("it is a user certificate, not a host certificate");
    }
    if (!signedByItsCa(cert)) {
      return Optional.of("its CA signature (" + cert.getSignatureAlgorithm() + ") does not verify");
    }
    if (!OpenSshCertificate.isValidAt(cert, now)) {
      return Optional.of(
          Long.compareUnsigned(cert.getValidAfter(), now.getEpochSecond()) > 0
              ? "it is not valid before " + instant(cert.getValidAfter())
              : "it expired at " + instant(cert.getValidBefore()));
    }
    if (cert.getPrincipals() == null || cert.getPrincipals().isEmpty()) {
      return Optional.of("it lists no host names (principals), so it is valid for none");
    }
    if (!cert.getPrincipals().contains(host)) {
      return Optional.of(
          "it is for "
              + String.join(", ", cert.getPrincipals().stream().map(p -> "'" + p + "'").toList())
              + ", not '"
              + host
              + "'");
    }
    if (cert.getCriticalOptions() != null && !cert.getCriticalOptions().isEmpty()) {
      return Optional.of("it has critical options no host certificate may have");
    }
    return Optional.empty();
  }

  private static boolean signedByItsCa(OpenSshCertificate cert) {
    String algorithm = cert.getSignatureAlgorithm();
    boolean accepted =
        MinaSettings.SIGNATURES.stream()
            .anyMatch(s -> s.getName().equals(algorithm) && !algorithm.contains("-cert-"));
    BuiltinSignatures factory = BuiltinSignatures.fromFactoryName(algorithm);
    if (!accepted || factory == null || !factory.isSupported()) {
      return false;
    }
    try {
      Signature verifier = factory.create();
      verifier.initVerifier(null, cert.getCaPubKey());
      verifier.update(null, cert.getMessage());
      return verifier.verify(null, cert.getSignature());
    } catch (Exception e) {
      return false;
    }
  }

  /** Seconds since the epoch as OpenSSH writes them, where the maximum means "forever". */
  private static String instant(long seconds) {
    return seconds < 0 || seconds > Instant.MAX.getEpochSecond()
        ? "forever"
        : Instant.ofEpochSecond(seconds).toString();
  }
}
