package dev.portkeep.ssh;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.common.NamedResource;
import org.junit.jupiter.api.Test;

/** The algorithms portkeep offers: AES-GCM first, nothing with CBC or SHA-1, MINA's accept-all never in effect. */
class MinaSettingsTest {
  private static final dev.portkeep.config.SessionSettings SETTINGS = dev.portkeep.config.SessionSettings.direct(
      "h", 22, "u", List.of(), List.of(java.nio.file.Path.of("/nonexistent/known_hosts")),
      dev.portkeep.config.StrictHostKeyChecking.YES);

  private static SshClient client(Set<String> known) {
    HostKeyVerifier verifier = new HostKeyVerifier(SETTINGS.destination(), SETTINGS, Prompts.NONE);
    return MinaSettings.newClient(verifier, SETTINGS, known);
  }

  @Test
  void ciphers_preferAesGcmAndHaveNoCbc() {
    List<String> names = NamedResource.getNameList(client(Set.of()).getCipherFactories());
    assertThat(names.get(0)).isEqualTo("aes128-gcm@openssh.com");
    assertThat(names).contains("aes256-gcm@openssh.com", "chacha20-poly1305@openssh.com").noneMatch(n -> n.contains("cbc"));
  }

  @Test
  void macsSignaturesAndKeyExchanges_haveNoSha1() {
    SshClient c = client(Set.of());
    assertThat(NamedResource.getNameList(c.getMacFactories())).noneMatch(n -> n.contains("sha1") || n.contains("md5"));
    assertThat(NamedResource.getNameList(c.getSignatureFactories())).doesNotContain("ssh-rsa", "ssh-dss");
    assertThat(NamedResource.getNameList(c.getKeyExchangeFactories())).noneMatch(n -> n.contains("sha1")).isNotEmpty();
  }

  @Test
  void serverKeyVerifier_isPortkeepsNeverAcceptAll() {
    assertThat(client(Set.of()).getServerKeyVerifier()).isInstanceOf(HostKeyVerifier.class);
  }

  @Test
  void knownKeyTypes_comeFirstInTheHostKeyAlgorithms() {
    List<String> names = NamedResource.getNameList(client(Set.of("ecdsa-sha2-nistp256")).getSignatureFactories());
    assertThat(names.get(0)).startsWith("ecdsa-sha2-nistp256");
    List<String> rsa = NamedResource.getNameList(client(Set.of("ssh-rsa")).getSignatureFactories());
    assertThat(rsa.get(0)).isEqualTo("rsa-sha2-512");
  }
}
