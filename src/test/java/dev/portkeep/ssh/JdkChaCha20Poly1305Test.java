package dev.portkeep.ssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.Random;
import javax.crypto.AEADBadTagException;
import org.apache.sshd.common.cipher.ChaCha20Cipher;
import org.apache.sshd.common.cipher.Cipher;
import org.junit.jupiter.api.Test;

/** Packet for packet, the JDK-based cipher and MINA's own produce and accept the same bytes. */
class JdkChaCha20Poly1305Test {
  private static final Random RANDOM = new Random(4);

  private static byte[] key() {
    byte[] key = new byte[64];
    RANDOM.nextBytes(key);
    return key;
  }

  private static byte[] iv(long sequence) {
    byte[] iv = new byte[8];
    for (int i = 0; i < 4; i++) {
      iv[7 - i] = (byte) (sequence >>> (8 * i));
    }
    return iv;
  }

  /** A packet as MINA hands it to the cipher: 4 length bytes, the payload, room for the tag. */
  private static byte[] packet(int payload) {
    byte[] p = new byte[4 + payload + 16];
    RANDOM.nextBytes(p);
    Arrays.fill(p, 4 + payload, p.length, (byte) 0);
    return p;
  }

  private static void seal(Cipher c, byte[] p) throws Exception {
    c.updateAAD(p, 0, 4);
    c.update(p, 4, p.length - 20);
  }

  @Test
  void encryptWithJdk_decryptsWithMinasCipher_packetAfterPacket() throws Exception {
    byte[] key = key();
    Cipher ours = new JdkChaCha20Poly1305();
    Cipher mina = new ChaCha20Cipher();
    ours.init(Cipher.Mode.Encrypt, key, iv(7));
    mina.init(Cipher.Mode.Decrypt, key, iv(7));
    for (int size : new int[] {0, 1, 63, 64, 65, 1000, 32_768, 32_768 + 7}) {
      byte[] plain = packet(size);
      byte[] wire = plain.clone();
      seal(ours, wire);
      if (size > 0) {
        assertThat(Arrays.copyOfRange(wire, 4, 4 + size))
            .as("size " + size)
            .isNotEqualTo(Arrays.copyOfRange(plain, 4, 4 + size));
      }
      seal(mina, wire);
      assertThat(Arrays.copyOfRange(wire, 0, 4 + size))
          .as("size " + size)
          .isEqualTo(Arrays.copyOfRange(plain, 0, 4 + size));
    }
  }

  @Test
  void encryptWithMina_decryptsWithJdk_andBothWritesAreIdentical() throws Exception {
    byte[] key = key();
    Cipher mina = new ChaCha20Cipher();
    Cipher oursEnc = new JdkChaCha20Poly1305();
    Cipher ours = new JdkChaCha20Poly1305();
    mina.init(Cipher.Mode.Encrypt, key, iv(0xfffffffeL));
    oursEnc.init(Cipher.Mode.Encrypt, key, iv(0xfffffffeL));
    ours.init(Cipher.Mode.Decrypt, key, iv(0xfffffffeL));
    for (int round = 0; round < 5; round++) {
      byte[] plain = packet(5000 + round);
      byte[] byMina = plain.clone();
      byte[] byUs = plain.clone();
      seal(mina, byMina);
      seal(oursEnc, byUs);
      assertThat(byUs).isEqualTo(byMina);
      seal(ours, byMina);
      assertThat(Arrays.copyOfRange(byMina, 0, byMina.length - 16))
          .isEqualTo(Arrays.copyOfRange(plain, 0, plain.length - 16));
    }
  }

  @Test
  void decrypt_tamperedPayload_failsTheTag() throws Exception {
    byte[] key = key();
    Cipher enc = new JdkChaCha20Poly1305();
    Cipher dec = new JdkChaCha20Poly1305();
    enc.init(Cipher.Mode.Encrypt, key, iv(1));
    dec.init(Cipher.Mode.Decrypt, key, iv(1));
    byte[] p = packet(100);
    seal(enc, p);
    p[10] ^= 1;
    dec.updateAAD(p, 0, 4);
    assertThatThrownBy(() -> dec.update(p, 4, 100)).isInstanceOf(AEADBadTagException.class);
  }
}
