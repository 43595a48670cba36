package dev.portkeep.ssh;

import java.util.Arrays;

/** A public key or certificate in SSH wire form, compared by content (OpenSSH's sshkey_equal). */
final class Blob {
  private final byte[] bytes;

  Blob(byte[] bytes) {
    this.bytes = bytes.clone();
  }

  byte[] bytes() {
    return bytes.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Blob other && Arrays.equals(bytes, other.bytes);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(bytes);
  }

  @Override
  public String toString() {
    return "Blob[" + bytes.length + " bytes]";
  }
}
