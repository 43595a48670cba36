package dev.portkeep.status;

import java.util.Objects;

/** What a new session negotiated: the server's identification and the cipher each way agreed on. */
public record SessionInfo(String serverVersion, String cipher) {
  public SessionInfo {
    Objects.requireNonNull(serverVersion, "serverVersion");
    Objects.requireNonNull(cipher, "cipher");
  }
}
