package dev.portkeep.ssh;

import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.spec.ChaCha20ParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.apache.sshd.common.random.AbstractRandom;
import org.apache.sshd.common.random.Random;
import org.apache.sshd.common.random.RandomFactory;

/**
 * The random bytes a session needs (every packet's padding, the key exchange's cookie) as a
 * ChaCha20 key stream, the way OpenSSH's arc4random makes them. MINA's default is one JDK {@code
 * SecureRandom} for the whole client, behind a lock, asked for the few bytes of padding of every
 * packet; on Linux each call reads /dev/urandom's buffer and mixes in SHA1PRNG, which was 3.5 % of
 * an upload's CPU.
 *
 * <p>Here each session has its own generator. It makes 8 KiB of key stream at a time under a fresh
 * key and nonce taken from {@code SecureRandom}, hands each byte out once and zeroes it as it goes.
 */
final class StreamRandom extends AbstractRandom {
  static final String NAME = "chacha20-stream";

  /** Bytes of key stream made under one key. */
  static final int BLOCK = 8192;

  /** One generator per session: sessions of one client never wait for each other's padding. */
  static final RandomFactory FACTORY =
      new RandomFactory() {
        @Override
        public String getName() {
          return NAME;
        }

        @Override
        public boolean isSupported() {
          return true;
        }

        @Override
        public Random create() {
          return new StreamRandom(new SecureRandom());
        }
      };

  private static final byte[] ZEROS = new byte[BLOCK];

  private final SecureRandom seed;
  private final Cipher chacha;
  private final byte[] stream = new byte[BLOCK];
  private final byte[] key = new byte[32];
  private final byte[] nonce = new byte[12];
  private int next = BLOCK;

  /** A generator keyed from {@code seed}; tests pass one that returns known bytes. */
  StreamRandom(SecureRandom seed) {
    this.seed = seed;
    try {
      chacha = Cipher.getInstance("ChaCha20");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("this JDK has no ChaCha20 cipher", e);
    }
  }

  @Override
  public String getName() {
    return NAME;
  }

  @Override
  public synchronized void fill(byte[] bytes, int start, int len) {
    int at = start;
    int left = len;
    while (left > 0) {
      if (next == BLOCK) {
        refill();
      }
      int n = Math.min(left, BLOCK - next);
      System.arraycopy(stream, next, bytes, at, n);
      Arrays.fill(stream, next, next + n, (byte) 0);
      next += n;
      at += n;
      left -= n;
    }
  }

  /** A uniform value in [0, n), as {@code java.util.Random.nextInt(n)} draws it. */
  @Override
  public synchronized int random(int n) {
    if (n <= 0) {
      throw new IllegalArgumentException("bound must be positive: " + n);
    }
    byte[] four = new byte[4];
    while (true) {
      fill(four, 0, 4);
      int bits =
          ((four[0] & 0x7f) << 24)
              | ((four[1] & 0xff) << 16)
              | ((four[2] & 0xff) << 8)
              | (four[3] & 0xff);
      int value = bits % n;
      if (bits - value + (n - 1) >= 0) { // not in the last, partial range of n values
        return value;
      }
    }
  }

  private void refill() {
    seed.nextBytes(key);
    seed.nextBytes(nonce);
    try {
      // Decrypt mode is the same XOR; encrypt mode refuses a key and nonce it saw last time,
      // which SecureRandom never repeats but the tests' fixed seeds do.
      chacha.init(
          Cipher.DECRYPT_MODE,
          new SecretKeySpec(key, "ChaCha20"),
          new ChaCha20ParameterSpec(nonce, 0));
      chacha.doFinal(ZEROS, 0, BLOCK, stream, 0);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("ChaCha20 refused a fresh key: " + e.getMessage(), e);
    } finally {
      Arrays.fill(key, (byte) 0);
    }
    next = 0;
  }
}
