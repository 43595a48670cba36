package dev.portkeep.ssh;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Instant;
import java.util.List;
import org.apache.sshd.certificate.OpenSshCertificateBuilder;
import org.apache.sshd.client.config.hosts.KnownHostEntry;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.OpenSshCertificate;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.junit.jupiter.api.Test;

/** Each check on a host certificate, on certificates made here, with the reason it names. */
class HostCertificatesTest {
  private static final Instant NOW = Instant.parse("2026-06-01T12:00:00Z");
  private static final KeyPair CA = generate();
  private static final KeyPair OTHER_CA = generate();
  private static final KeyPair HOST = generate();

  private static KeyPair generate() {
    try {
      return KeyUtils.generateKeyPair("ssh-ed25519", 256);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static KnownHosts.Entry authority(KeyPair ca, String hosts) {
    KnownHostEntry entry =
        KnownHostEntry.parseKnownHostEntry(
            "@cert-authority " + hosts + " " + PublicKeyEntry.toString(ca.getPublic()));
    return new KnownHosts.Entry(Path.of("known_hosts"), 3, entry, ca.getPublic());
  }

  private static OpenSshCertificate certificate(
      OpenSshCertificateBuilder builder, KeyPair ca, List<String> names, Instant from, Instant to)
      throws Exception {
    return builder
        .publicKey(HOST.getPublic())
        .id("web1")
        .principals(names)
        .validAfter(from)
        .validBefore(to)
        .sign(ca);
  }

  private static OpenSshCertificate host(List<String> names, Instant from, Instant to)
      throws Exception {
    return certificate(OpenSshCertificateBuilder.hostCertificate(), CA, names, from, to);
  }

  private static HostCertificates.Verdict check(OpenSshCertificate cert, String host) {
    return HostCertificates.check(cert, List.of(authority(CA, "*")), host, NOW);
  }

  @Test
  void check_validForTheHost_isTrusted() throws Exception {
    OpenSshCertificate cert =
        host(List.of("web1.example", "10.0.0.1"), NOW.minusSeconds(60), NOW.plusSeconds(60));
    assertThat(check(cert, "10.0.0.1")).isInstanceOf(HostCertificates.Verdict.Trusted.class);
  }

  @Test
  void check_anotherName_isInvalidNamingTheNamesItHas() throws Exception {
    OpenSshCertificate cert =
        host(List.of("web1.example"), NOW.minusSeconds(60), NOW.plusSeconds(60));
    assertThat(((HostCertificates.Verdict.Invalid) check(cert, "web2.example")).why())
        .isEqualTo("it is for 'web1.example', not 'web2.example'");
  }

  @Test
  void check_expired_isInvalidSayingWhen() throws Exception {
    OpenSshCertificate cert =
        host(
            List.of("h"),
            Instant.parse("2020-01-01T00:00:00Z"),
            Instant.parse("2020-01-02T00:00:00Z"));
    assertThat(check(cert, "h"))
        .extracting(v -> ((HostCertificates.Verdict.Invalid) v).why())
        .isEqualTo("it expired at 2020-01-02T00:00:00Z");
  }

  @Test
  void check_notYetValid_isInvalidSayingFromWhen() throws Exception {
    OpenSshCertificate cert = host(List.of("h"), NOW.plusSeconds(3600), NOW.plusSeconds(7200));
    assertThat(((HostCertificates.Verdict.Invalid) check(cert, "h")).why())
        .startsWith("it is not valid before 2026-06-01T13:00:00Z");
  }

  @Test
  void check_userCertificate_isInvalid() throws Exception {
    OpenSshCertificate cert =
        certificate(
            OpenSshCertificateBuilder.userCertificate(),
            CA,
            List.of("h"),
            NOW.minusSeconds(60),
            NOW.plusSeconds(60));
    assertThat(((HostCertificates.Verdict.Invalid) check(cert, "h")).why())
        .isEqualTo("it is a user certificate, not a host certificate");
  }

  @Test
  void check_caNotTrustedForThisHost_asksForThePlainKey() throws Exception {
    OpenSshCertificate cert =
        certificate(
            OpenSshCertificateBuilder.hostCertificate(),
            OTHER_CA,
            List.of("h"),
            NOW.minusSeconds(60),
            NOW.plusSeconds(60));
    assertThat(check(cert, "h")).isInstanceOf(HostCertificates.Verdict.NoTrustedCa.class);
  }
}
