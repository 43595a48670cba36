package dev.portkeep.ssh;

import java.security.GeneralSecurityException;
import java.util.Arrays;
import javax.crypto.AEADBadTagException;
import javax.crypto.spec.ChaCha20ParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.apache.sshd.common.NamedFactory;
import org.apache.sshd.common.cipher.Cipher;
import org.apache.sshd.common.mac.Mac;

/**
 * OpenSSH's {@code chacha20-poly1305@openssh.com}, with the JDK's ChaCha20 (vectorised intrinsics)
 * in place of MINA's plain-Java one, which holds a single stream to about a quarter of the speed,
 * and the JDK's Poly1305 where reachable ({@link Poly1305}). Same contract as MINA's {@code
 * ChaCha20Cipher}: the first 32 key bytes encrypt the payload and key Poly1305, the last 32 encrypt
 * the 4-byte packet length; the nonce is the packet sequence number.
 *
 * <p>The original ChaCha20's 64-bit counter and 64-bit nonce map onto the JDK's IETF variant
 * (32-bit counter, 96-bit nonce) as nonce = 4 zero bytes + the sequence number as 8 big-endian
 * bytes, since a packet never needs more than 2^32 blocks. The JDK refuses to encrypt twice with
 * one key and nonce, so the keystream is applied in decrypt mode, which is the same XOR.
 */
final class JdkChaCha20Poly1305 implements Cipher {
  static final String NAME = "chacha20-poly1305@openssh.com";
  private static final byte[] ZERO_BLOCK = new byte[64];

  /** The factory MINA negotiates by name. */
  static final NamedFactory<Cipher> FACTORY =
      new NamedFactory<>() {
        @Override
        public String getName() {
          return NAME;
        }

        @Override
        public Cipher create() {
          return new JdkChaCha20Poly1305();
        }
      };

  private final javax.crypto.Cipher header;
  private final javax.crypto.Cipher body;
  private final Poly1305 mac = Poly1305.create();
  private final byte[] nonce = new byte[12];
  private final byte[] block = new byte[64];
  private SecretKeySpec headerKey;
  private SecretKeySpec bodyKey;
  private Mode mode;
  private long sequence;
  private long initialSequence;

  JdkChaCha20Poly1305() {
    try {
      header = javax.crypto.Cipher.getInstance("ChaCha20");
      body = javax.crypto.Cipher.getInstance("ChaCha20");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("this JDK has no ChaCha20", e);
    }
  }

  @Override
  public void init(Mode mode, byte[] key, byte[] iv) throws Exception {
    this.mode = mode;
    bodyKey = new SecretKeySpec(Arrays.copyOfRange(key, 0, 32), "ChaCha20");
    headerKey = new SecretKeySpec(Arrays.copyOfRange(key, 32, 64), "ChaCha20");
    if (iv[0] != 0 || iv[1] != 0 || iv[2] != 0 || iv[3] != 0) {
      throw new IllegalStateException("ChaCha20 nonce is not an SSH packet sequence number");
    }
    sequence =
        ((iv[4] & 0xffL) << 24)
            | ((iv[5] & 0xffL) << 16)
            | ((iv[6] & 0xffL) << 8)
            | (iv[7] & 0xffL);
    initialSequence = sequence;
    startPacket();
  }

  /**
   * Keys both streams for the packet with the current sequence number, and Poly1305 from block 0.
   */
  private void startPacket() throws Exception {
    nonce[8] = (byte) (sequence >>> 24);
    nonce[9] = (byte) (sequence >>> 16);
    nonce[10] = (byte) (sequence >>> 8);
    nonce[11] = (byte) sequence;
    body.init(javax.crypto.Cipher.DECRYPT_MODE, bodyKey, new ChaCha20ParameterSpec(nonce, 0));
    body.update(ZERO_BLOCK, 0, 64, block, 0);
    mac.init(Arrays.copyOf(block, 32));
    header.init(javax.crypto.Cipher.DECRYPT_MODE, headerKey, new ChaCha20ParameterSpec(nonce, 0));
  }

  @Override
  public void updateAAD(byte[] data, int offset, int length) throws Exception {
    if (length != 4) {
      throw new IllegalArgumentException(
          "AAD is the 4-byte packet length, not " + length + " bytes");
    }
    if (mode == Mode.Decrypt) {
      mac.update(data, offset, length);
    }
    header.update(data, offset, length, data, offset);
    if (mode == Mode.Encrypt) {
      mac.update(data, offset, length);
    }
  }

  @Override
  public void update(byte[] input, int inputOffset, int inputLen) throws Exception {
    if (mode == Mode.Decrypt) {
      mac.update(input, inputOffset, inputLen);
      byte[] expected = mac.doFinal();
      if (!Mac.equals(input, inputOffset + inputLen, expected, 0, expected.length)) {
        throw new AEADBadTagException("Tag mismatch");
      }
    }
    body.update(input, inputOffset, inputLen, input, inputOffset);
    if (mode == Mode.Encrypt) {
      mac.update(input, inputOffset, inputLen);
      byte[] tag = mac.doFinal();
      System.arraycopy(tag, 0, input, inputOffset + inputLen, tag.length);
    }
    sequence = (sequence + 1) & 0xffffffffL;
    if (sequence == initialSequence) {
      throw new IllegalStateException("packet sequence number cannot be reused with the same key");
    }
    startPacket();
  }

  @Override
  public String getAlgorithm() {
    return "ChaCha20";
  }

  @Override
  public String getTransformation() {
    return "ChaCha20";
  }

  @Override
  public int getIVSize() {
    return 8;
  }

  @Override
  public int getAuthenticationTagSize() {
    return 16;
  }

  @Override
  public int getCipherBlockSize() {
    return 8;
  }

  @Override
  public int getKdfSize() {
    return 64;
  }

  @Override
  public int getKeySize() {
    return 512;
  }

  @Override
  public String toString() {
    return "chacha20-poly1305 (JDK ChaCha20, "
        + (mac instanceof Poly1305.Jdk ? "JDK" : "MINA")
        + " Poly1305)";
  }
}
