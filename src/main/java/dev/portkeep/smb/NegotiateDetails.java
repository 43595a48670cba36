package dev.portkeep.smb;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * What an SMB2 NEGOTIATE response says besides the dialect, as far as it is cheap to read.
 *
 * @param serverGuid the server's identity, stable across connections to the same server
 * @param signingRequired whether the server insists on signed messages (SecurityMode bit 0x02)
 * @param capabilities the raw SMB2_GLOBAL_CAP_* bits
 * @param maxTransactSize largest transaction buffer the server accepts, in bytes
 * @param maxReadSize largest READ the server serves, in bytes
 * @param maxWriteSize largest WRITE the server accepts, in bytes
 * @param serverTime the server's clock, empty when it sent 0 (Kerberos fails beyond 5 minutes of
 *     skew)
 * @param cipher the encryption cipher agreed or offered ("AES-128-GCM"), empty when none
 */
public record NegotiateDetails(
    UUID serverGuid,
    boolean signingRequired,
    int capabilities,
    long maxTransactSize,
    long maxReadSize,
    long maxWriteSize,
    Optional<Instant> serverTime,
    Optional<String> cipher) {

  static final int CAP_DFS = 0x01;
  static final int CAP_LEASING = 0x02;
  static final int CAP_LARGE_MTU = 0x04;
  static final int CAP_MULTI_CHANNEL = 0x08;
  static final int CAP_PERSISTENT_HANDLES = 0x10;
  static final int CAP_DIRECTORY_LEASING = 0x20;
  static final int CAP_ENCRYPTION = 0x40;

  private static final String[] CAP_NAMES = {
    "DFS",
    "LEASING",
    "LARGE_MTU",
    "MULTI_CHANNEL",
    "PERSISTENT_HANDLES",
    "DIRECTORY_LEASING",
    "ENCRYPTION"
  };

  public NegotiateDetails {
    Objects.requireNonNull(serverGuid, "serverGuid");
    Objects.requireNonNull(serverTime, "serverTime");
    Objects.requireNonNull(cipher, "cipher");
  }

  /** Names of the capability bits set, e.g. [DFS, LEASING, LARGE_MTU]; unknown bits as hex. */
  public List<String> capabilityNames() {
    List<String> names = new ArrayList<>();
    for (int bit = 0; bit < 32; bit++) {
      if ((capabilities & (1 << bit)) != 0) {
        names.add(bit < CAP_NAMES.length ? CAP_NAMES[bit] : String.format("0x%08X", 1 << bit));
      }
    }
    return names;
  }

  /** One line, e.g. "signing required, encryption AES-128-GCM, max read 8 MiB, max write 8 MiB". */
  public String summary() {
    return (signingRequired ? "signing required" : "signing not required")
        + ", encryption "
        + cipher.orElse("none")
        + ", max read "
        + size(maxReadSize)
        + ", max write "
        + size(maxWriteSize);
  }

  static String size(long bytes) {
    if (bytes >= 1 << 20 && bytes % (1 << 20) == 0) {
      return bytes / (1 << 20) + " MiB";
    }
    if (bytes >= 1 << 10 && bytes % (1 << 10) == 0) {
      return bytes / (1 << 10) + " KiB";
    }
    return bytes + " bytes";
  }
}
