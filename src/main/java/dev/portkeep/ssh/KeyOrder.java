package dev.portkeep.ssh;

import java.security.PublicKey;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * OpenSSH's order of public keys (sshconnect2.c, pubkey_prepare): first the file identities the
 * agent holds, in the agent's order; then the agent's other keys, unless IdentitiesOnly; then the
 * remaining file identities in their order. A certificate signs with its key from the agent if the
 * agent holds that key, else with its key file.
 */
final class KeyOrder {
  /** A key or certificate the agent holds, as it listed it. */
  record AgentKey(Blob blob, PublicKey key, String comment) {}

  /** One identity to offer: what the server is shown, and who signs for it. */
  sealed interface Choice {
    /** A file identity that the agent holds: the agent signs. */
    record FileInAgent(KeyFiles.Entry entry, AgentKey signer) implements Choice {}

    /** A key only the agent has. */
    record AgentOnly(AgentKey key) implements Choice {}

    /** A file identity the agent does not hold; for a certificate, {@code agentSigner} may sign. */
    record FromFile(KeyFiles.Entry entry, Optional<AgentKey> agentSigner) implements Choice {}
  }

  private KeyOrder() {}

  static List<Choice> order(
      List<KeyFiles.Entry> files, List<AgentKey> agent, boolean identitiesOnly) {
    Map<Blob, KeyFiles.Entry> remaining = new LinkedHashMap<>();
    files.forEach(e -> remaining.putIfAbsent(new Blob(e.blob()), e));
    List<Choice> preferred = new ArrayList<>();
    List<Choice> agentOnly = new ArrayList<>();
    for (AgentKey key : agent) {
      KeyFiles.Entry file = remaining.remove(key.blob());
      if (file != null) {
        preferred.add(new Choice.FileInAgent(file, key));
      } else if (!identitiesOnly) {
        agentOnly.add(new Choice.AgentOnly(key));
      }
    }
    preferred.addAll(agentOnly);
    for (KeyFiles.Entry file : remaining.values()) {
      Optional<AgentKey> signer =
          file.isCertificate()
              ? agent.stream()
                  .filter(k -> new Blob(KeyFiles.encode(file.plainKey())).equals(k.blob()))
                  .findFirst()
              : Optional.empty();
      preferred.add(new Choice.FromFile(file, signer));
    }
    return preferred;
  }
}
