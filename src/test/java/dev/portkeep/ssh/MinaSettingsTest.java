package dev.portkeep.ssh;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.common.NamedResource;
import org.junit.jupiter.api.Test;

/**
 * The algorithms portkeep offers: AES-GCM first, nothing with CBC or SHA-1, MINA's accept-all never
 * in effect.
 */
class MinaSettingsTest {
  private static final dev.portkeep.config.SessionSettings SETTINGS =
      dev.portkeep.config.SessionSettings.direct(
          "h",
          22,
          "u",
          List.of(),
          List.of(java.nio.file.Path.of("/nonexistent/known_hosts")),
          dev.portkeep.config.StrictHostKeyChecking.YES);

  private static SshClient client(Set<String> known) {
    return client(known, false);
  }

  private static SshClient client(Set<String> known, boolean certificates) {
    HostKeyVerifier verifier =
        new HostKeyVerifier(SETTINGS.destination(), SETTINGS.hostKeys(), Prompts.NONE);
    return MinaSettings.newClient(verifier, SETTINGS.transport(), known, certificates);
  }

  @Test
  void ciphers_preferAesGcmAndHaveNoCbc() {
    List<String> names = NamedResource.getNameList(client(Set.of()).getCipherFactories());
    assertThat(names.get(0)).isEqualTo("aes128-gcm@openssh.com");
    assertThat(names)
        .contains("aes256-gcm@openssh.com", "chacha20-poly1305@openssh.com")
        .noneMatch(n -> n.contains("cbc"));
  }

  @Test
  void macsSignaturesAndKeyExchanges_haveNoSha1() {
    SshClient c = client(Set.of());
    assertThat(NamedResource.getNameList(c.getMacFactories()))
        .noneMatch(n -> n.contains("sha1") || n.contains("md5"));
    assertThat(NamedResource.getNameList(c.getSignatureFactories()))
        .doesNotContain("ssh-rsa", "ssh-dss");
    assertThat(NamedResource.getNameList(c.getKeyExchangeFactories()))
        .noneMatch(n -> n.contains("sha1"))
        .isNotEmpty();
  }

  @Test
  void serverKeyVerifier_isPortkeepsNeverAcceptAll() {
    assertThat(client(Set.of()).getServerKeyVerifier()).isInstanceOf(HostKeyVerifier.class);
  }

  @Test
  void knownKeyTypes_comeFirstInTheHostKeyAlgorithms() {
    List<String> names =
        NamedResource.getNameList(client(Set.of("ecdsa-sha2-nistp256")).getSignatureFactories());
    assertThat(names.get(0)).startsWith("ecdsa-sha2-nistp256");
    List<String> rsa = NamedResource.getNameList(client(Set.of("ssh-rsa")).getSignatureFactories());
    assertThat(rsa.get(0)).isEqualTo("rsa-sha2-512");
  }

  @Test
  void trustedCertificateAuthority_putsHostCertificatesFirst() {
    List<String> names =
        NamedResource.getNameList(client(Set.of("ssh-ed25519"), true).getSignatureFactories());
    assertThat(names.get(0)).isEqualTo("ssh-ed25519-cert-v01@openssh.com");
    assertThat(names.subList(0, 6)).allMatch(n -> n.endsWith("-cert-v01@openssh.com"));
    assertThat(NamedResource.getNameList(client(Set.of("ssh-ed25519")).getSignatureFactories()))
        .first()
        .isEqualTo("ssh-ed25519");
  }

  /**
   * What MINA resolves per socket read or write and per channel is set on the client itself, so the
   * lookup ends there instead of in the system properties, and with MINA's own default.
   */
  @Test
  void hotPathProperties_setOnTheClient_withMinasDefaults() {
    SshClient c = client(Set.of());
    for (org.apache.sshd.common.Property<?> p :
        List.of(
            org.apache.sshd.core.CoreModuleProperties.NIO2_READ_TIMEOUT,
            org.apache.sshd.core.CoreModuleProperties.NIO2_MIN_WRITE_TIMEOUT,
            org.apache.sshd.core.CoreModuleProperties.WINDOW_SIZE,
            org.apache.sshd.core.CoreModuleProperties.WINDOW_TIMEOUT,
            org.apache.sshd.core.CoreModuleProperties.MAX_PACKET_SIZE,
            org.apache.sshd.core.CoreModuleProperties.LIMIT_PACKET_SIZE,
            org.apache.sshd.core.CoreModuleProperties.CHANNEL_CLOSE_TIMEOUT,
            org.apache.sshd.core.CoreModuleProperties.MAX_CONCURRENT_CHANNELS)) {
      assertThat(c.getProperties()).as(p.getName()).containsKey(p.getName());
      assertThat(p.getRequired(c)).as(p.getName()).isEqualTo(p.getRequiredDefault());
    }
  }

  @Test
  void newClient_carriesTheSocketOnPortkeepsEventLoops() {
    assertThat(client(Set.of()).getIoServiceFactoryFactory())
        .isSameAs(dev.portkeep.ssh.io.LoopIo.FACTORY);
  }

  @Test
  void client_takesItsRandomBytesFromTheKeyStream() {
    assertThat(client(Set.of()).getRandomFactory()).isSameAs(StreamRandom.FACTORY);
  }

  @Test
  void socketIo_unsetOrLoops_isTheEventLoops() {
    assertThat(MinaSettings.SocketIo.of(null)).isEqualTo(MinaSettings.SocketIo.LOOPS);
    assertThat(MinaSettings.SocketIo.of("loops")).isEqualTo(MinaSettings.SocketIo.LOOPS);
  }

  @Test
  void socketIo_nio2_isMinasOwnTransport() {
    assertThat(MinaSettings.SocketIo.of("nio2")).isEqualTo(MinaSettings.SocketIo.NIO2);
  }

  @Test
  void socketIo_unknownValue_rejectsNamingItAndTheChoices() {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> MinaSettings.SocketIo.of("epoll"))
        .isInstanceOf(dev.portkeep.error.UsageException.class)
        .hasMessageContaining("'epoll'")
        .hasMessageContaining("loops or nio2");
  }
}
