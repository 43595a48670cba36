package dev.portkeep.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Deterministic pseudo-random payloads addressed by (seed, position), and their SHA-256, so tests
 * move gigabytes without holding them in memory.
 */
public final class Payloads {
  private static final int CHUNK = 64 * 1024;
  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  private Payloads() {}

  /**
   * Fills {@code buf[off, off+len)} with the bytes at {@code position..} of the stream for {@code
   * seed}.
   */
  public static void fill(byte[] buf, int off, int len, long position, long seed) {
    int i = 0;
    for (; i < len && ((position + i) & 7) != 0; i++) {
      buf[off + i] = byteAt(position + i, seed);
    }
    for (; i + 8 <= len; i += 8) {
      LONGS.set(buf, off + i, mix(seed, (position + i) >>> 3));
    }
    for (; i < len; i++) {
      buf[off + i] = byteAt(position + i, seed);
    }
  }

  /** The first {@code length} bytes of the stream for {@code seed}. */
  public static byte[] bytes(int length, long seed) {
    byte[] bytes = new byte[length];
    fill(bytes, 0, length, 0, seed);
    return bytes;
  }

  /** An input stream of the first {@code length} bytes of the stream for {@code seed}. */
  public static InputStream stream(long length, long seed) {
    return new InputStream() {
      private long position;

      @Override
      public int read() {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
      }

      @Override
      public int read(byte[] buf, int off, int len) {
        if (position >= length) {
          return -1;
        }
        int n = (int) Math.min(len, length - position);
        fill(buf, off, n, position, seed);
        position += n;
        return n;
      }
    };
  }

  /**
   * Writes the first {@code length} bytes of the stream for {@code seed} to {@code out} in 64 KiB
   * chunks.
   */
  public static void write(OutputStream out, long length, long seed) throws IOException {
    byte[] buf = new byte[CHUNK];
    for (long position = 0; position < length; ) {
      int n = (int) Math.min(CHUNK, length - position);
      fill(buf, 0, n, position, seed);
      out.write(buf, 0, n);
      position += n;
    }
    out.flush();
  }

  /** Lower-case hex SHA-256 of the first {@code length} bytes of the stream for {@code seed}. */
  public static String sha256(long length, long seed) {
    try {
      return sha256(stream(length, seed)).sha256();
    } catch (IOException e) {
      throw new UncheckedIOException(e); // cannot happen: the stream is in memory
    }
  }

  /** Lower-case hex SHA-256 of {@code bytes}. */
  public static String sha256(byte[] bytes) {
    return HexFormat.of().formatHex(sha256Digest().digest(bytes));
  }

  /**
   * Reads {@code in} to end of stream (not closing it) and reports how many bytes came and their
   * SHA-256.
   */
  public static Digest sha256(InputStream in) throws IOException {
    MessageDigest digest = sha256Digest();
    byte[] buf = new byte[CHUNK];
    long count = 0;
    for (int n; (n = in.read(buf)) >= 0; ) {
      digest.update(buf, 0, n);
      count += n;
    }
    return new Digest(count, HexFormat.of().formatHex(digest.digest()));
  }

  /** How many bytes a stream held and their lower-case hex SHA-256. */
  public record Digest(long bytes, String sha256) {}

  /** The parts one after another, as one array. */
  public static byte[] concat(byte[]... parts) {
    int n = 0;
    for (byte[] p : parts) {
      n += p.length;
    }
    byte[] out = new byte[n];
    int at = 0;
    for (byte[] p : parts) {
      System.arraycopy(p, 0, out, at, p.length);
      at += p.length;
    }
    return out;
  }

  private static MessageDigest sha256Digest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  private static byte byteAt(long position, long seed) {
    return (byte) (mix(seed, position >>> 3) >>> ((position & 7) * 8));
  }

  /** SplitMix64 of (seed, block): a fast, well-mixed counter-based generator. */
  private static long mix(long seed, long block) {
    long z = seed + (block + 1) * 0x9E3779B97F4A7C15L;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
