package dev.portkeep.ssh;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PublicKey;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.apache.sshd.certificate.OpenSshCertificateBuilder;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.junit.jupiter.api.Test;

/** OpenSSH's order of identities (sshconnect2.c, pubkey_prepare), on keys made here. */
class KeyOrderTest {
  private static final KeyPair A = generate();
  private static final KeyPair B = generate();
  private static final KeyPair C = generate();
  private static final KeyPair D = generate();

  private static KeyPair generate() {
    try {
      return KeyUtils.generateKeyPair("ssh-ed25519", 256);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static KeyFiles.Entry file(String name, PublicKey key) {
    return new KeyFiles.Entry(name, KeyFiles.encode(key), key, Path.of(name), null);
  }

  private static KeyOrder.AgentKey agent(String comment, PublicKey key) {
    return new KeyOrder.AgentKey(new Blob(KeyFiles.encode(key)), key, comment);
  }

  private static PublicKey certificate(KeyPair key) throws Exception {
    return OpenSshCertificateBuilder.userCertificate()
        .publicKey(key.getPublic())
        .id("ann")
        .principals(List.of("ann"))
        .validAfter(Instant.now().minusSeconds(60))
        .validBefore(Instant.now().plusSeconds(3600))
        .sign(D);
  }

  private static List<String> names(List<KeyOrder.Choice> choices) {
    return choices.stream()
        .map(
            c ->
                switch (c) {
                  case KeyOrder.Choice.FileInAgent f -> f.entry().label() + " via agent";
                  case KeyOrder.Choice.AgentOnly a -> "agent " + a.key().comment();
                  case KeyOrder.Choice.FromFile f ->
                      f.entry().label()
                          + f.agentSigner().map(s -> " signed by agent " + s.comment()).orElse("");
                })
        .toList();
  }

  @Test
  void order_fileKeysTheAgentHolds_comeFirstInAgentOrderThenAgentKeysThenFiles() {
    List<KeyOrder.Choice> order =
        KeyOrder.order(
            List.of(file("a", A.getPublic()), file("b", B.getPublic()), file("c", C.getPublic())),
            List.of(
                agent("d", D.getPublic()), agent("c", C.getPublic()), agent("b", B.getPublic())),
            false);
    assertThat(names(order)).containsExactly("c via agent", "b via agent", "agent d", "a");
  }

  @Test
  void order_identitiesOnly_dropsAgentKeysNoFileNames() {
    List<KeyOrder.Choice> order =
        KeyOrder.order(
            List.of(file("a", A.getPublic()), file("b", B.getPublic())),
            List.of(agent("d", D.getPublic()), agent("b", B.getPublic())),
            true);
    assertThat(names(order)).containsExactly("b via agent", "a");
  }

  @Test
  void order_noAgent_isTheFilesInOrder() {
    List<KeyOrder.Choice> order =
        KeyOrder.order(
            List.of(file("b", B.getPublic()), file("a", A.getPublic())), List.of(), false);
    assertThat(names(order)).containsExactly("b", "a");
  }

  @Test
  void order_certificateWhosePlainKeyIsInTheAgent_isSignedByTheAgent() throws Exception {
    KeyFiles.Entry cert = file("cert", certificate(C));
    List<KeyOrder.Choice> order =
        KeyOrder.order(List.of(cert), List.of(agent("c", C.getPublic())), true);
    assertThat(names(order)).containsExactly("cert signed by agent c");
  }

  @Test
  void order_certificateTheAgentHoldsItself_isTakenFromTheAgent() throws Exception {
    PublicKey cert = certificate(A);
    List<KeyOrder.Choice> order =
        KeyOrder.order(
            List.of(file("a", A.getPublic()), file("a-cert", cert)),
            List.of(agent("a", A.getPublic()), agent("a-cert", cert)),
            false);
    assertThat(names(order)).containsExactly("a via agent", "a-cert via agent");
  }

  @Test
  void order_sameKeyNamedTwice_isOfferedOnce() {
    List<KeyOrder.Choice> order =
        KeyOrder.order(
            List.of(file("a", A.getPublic()), file("a again", A.getPublic())), List.of(), false);
    assertThat(order).hasSize(1);
    assertThat(((KeyOrder.Choice.FromFile) order.get(0)).agentSigner()).isEqualTo(Optional.empty());
  }
}
