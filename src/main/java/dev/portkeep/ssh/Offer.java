package dev.portkeep.ssh;

import dev.portkeep.ssh.agent.AgentClient;
import java.io.IOException;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.util.AbstractMap.SimpleImmutableEntry;
import java.util.Map;
import org.apache.sshd.client.auth.pubkey.PublicKeyIdentity;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.OpenSshCertificate;
import org.apache.sshd.common.session.SessionContext;
import org.apache.sshd.common.signature.BuiltinSignatures;
import org.apache.sshd.common.signature.Signature;

/**
 * One public key or certificate portkeep offers the server, with what signs for it (a private key
 * from a file, or the agent) and a description for {@code -v} and for messages: where it came from,
 * its type and fingerprint.
 */
final class Offer implements PublicKeyIdentity {
  private final String description;
  private final PublicKey presented;
  private final PrivateKey fileKey;
  private final AgentClient agent;
  private final Blob agentBlob;

  private Offer(
      String description,
      PublicKey presented,
      PrivateKey fileKey,
      AgentClient agent,
      Blob agentBlob) {
    this.description = description;
    this.presented = presented;
    this.fileKey = fileKey;
    this.agent = agent;
    this.agentBlob = agentBlob;
  }

  /** Signed with a private key read from a file. */
  static Offer signedByFile(String source, PublicKey presented, PrivateKey key) {
    return new Offer(describe(source, presented), presented, key, null, null);
  }

  /** Signed by the agent with the key (or certificate) it listed as {@code signer}. */
  static Offer signedByAgent(
      String source, PublicKey presented, AgentClient agent, KeyOrder.AgentKey signer) {
    return new Offer(describe(source, presented), presented, null, agent, signer.blob());
  }

  /** "key /home/ann/.ssh/id_ed25519 (agent): ED25519 SHA256:..." and the like. */
  String description() {
    return description;
  }

  boolean isCertificate() {
    return presented instanceof OpenSshCertificate;
  }

  private static String describe(String source, PublicKey key) {
    String what = source + ": " + KeyUtils.getKeyType(key) + " " + KeyUtils.getFingerPrint(key);
    return key instanceof OpenSshCertificate cert
        ? what
            + " (ID '"
            + cert.getId()
            + "', serial "
            + Long.toUnsignedString(cert.getSerial())
            + ")"
        : what;
  }

  @Override
  public KeyPair getKeyIdentity() {
    return new KeyPair(presented, fileKey);
  }

  @Override
  public Map.Entry<String, byte[]> sign(SessionContext session, String algorithm, byte[] data)
      throws Exception {
    if (agent != null) {
      return new SimpleImmutableEntry<>(algorithm, signByAgent(algorithm, data));
    }
    BuiltinSignatures factory = BuiltinSignatures.fromFactoryName(algorithm);
    if (factory == null || !factory.isSupported()) {
      throw new IOException("no signer for " + algorithm);
    }
    Signature signer = factory.create();
    signer.initSigner(session, fileKey);
    signer.update(session, data);
    return new SimpleImmutableEntry<>(algorithm, signer.sign(session));
  }

  private byte[] signByAgent(String algorithm, byte[] data) throws IOException {
    String plain = algorithm.replace("-cert-v01@openssh.com", "");
    int flags =
        switch (plain) {
          case "rsa-sha2-512" -> AgentClient.RSA_SHA2_512;
          case "rsa-sha2-256" -> AgentClient.RSA_SHA2_256;
          default -> 0;
        };
    AgentClient.Signature signature = agent.sign(agentBlob.bytes(), data, flags);
    if (!signature.format().equals(plain)) {
      throw new IOException(
          "the agent at '"
              + agent.transport().location()
              + "' signed with "
              + signature.format()
              + " where "
              + plain
              + " was asked for");
    }
    return signature.bytes();
  }

  @Override
  public String toString() {
    return description;
  }
}
