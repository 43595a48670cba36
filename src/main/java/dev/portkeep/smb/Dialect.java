package dev.portkeep.smb;

import java.util.Optional;

/** The SMB2 dialects the probe offers, oldest first, with their wire codes from MS-SMB2 2.2.3. */
public enum Dialect {
  SMB_2_0_2(0x0202, "SMB 2.0.2"),
  SMB_2_1(0x0210, "SMB 2.1"),
  SMB_3_0(0x0300, "SMB 3.0"),
  SMB_3_0_2(0x0302, "SMB 3.0.2"),
  SMB_3_1_1(0x0311, "SMB 3.1.1");

  private final int code;
  private final String label;

  Dialect(int code, String label) {
    this.code = code;
    this.label = label;
  }

  /** The 16-bit DialectRevision on the wire. */
  public int code() {
    return code;
  }

  /** True for 3.0 and later: encryption, multichannel and secure negotiate exist from here on. */
  public boolean isSmb3() {
    return code >= 0x0300;
  }

  /** The dialect with wire code {@code code}, if it is one the probe offers. */
  public static Optional<Dialect> of(int code) {
    for (Dialect d : values()) {
      if (d.code == code) {
        return Optional.of(d);
      }
    }
    return Optional.empty();
  }

  /** "SMB 3.1.1" etc. */
  @Override
  public String toString() {
    return label;
  }
}
