package dev.portkeep.ssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The session's random bytes: ChaCha20's key stream under keys drawn from the seed. */
class StreamRandomTest {
  /** ChaCha20's key stream for the all-zero key and nonce, block 0 (RFC 8439, A.1, vector 1). */
  private static final byte[] ZERO_KEY_STREAM =
      HexFormat.of()
          .parseHex(
              "76b8e0ada0f13d90405d6ae55386bd28bdd219b8a08ded1aa836efcc8b770dc7"
                  + "da41597c5157488d7724e03fb8d84a376a43b8f41518a11cc387b669b2ee6586");

  /** A seed that gives only zero bytes, so the key stream is the vector's. */
  private static SecureRandom zeros() {
    return new SecureRandom() {
      @Override
      public void nextBytes(byte[] bytes) {
        Arrays.fill(bytes, (byte) 0);
      }
    };
  }

  @Test
  void fill_inUnevenPieces_isTheKeyStreamInOrder() {
    StreamRandom random = new StreamRandom(zeros());
    ByteArrayOutputStream got = new ByteArrayOutputStream();
    for (int len : new int[] {5, 17, 1, 41}) {
      byte[] piece = new byte[len + 6];
      random.fill(piece, 3, len);
      assertThat(Arrays.copyOfRange(piece, 0, 3)).containsOnly(0);
      assertThat(Arrays.copyOfRange(piece, 3 + len, len + 6)).containsOnly(0);
      got.write(piece, 3, len);
    }
    assertThat(got.toByteArray()).isEqualTo(ZERO_KEY_STREAM);
  }

  @Test
  void fill_acrossABlock_takesANewKeyFromTheSeed() {
    int[] seedCalls = {0};
    SecureRandom counting =
        new SecureRandom() {
          @Override
          public void nextBytes(byte[] bytes) {
            seedCalls[0]++;
            Arrays.fill(bytes, (byte) 0);
          }
        };
    StreamRandom random = new StreamRandom(counting);
    byte[] first = new byte[StreamRandom.BLOCK - 10];
    random.fill(first, 0, first.length);
    assertThat(seedCalls[0]).isEqualTo(2); // a key and a nonce

    byte[] across = new byte[10 + ZERO_KEY_STREAM.length];
    random.fill(across, 0, across.length);

    assertThat(seedCalls[0]).isEqualTo(4);
    // With the zero seed every block is the same stream, so the new block starts as the vector.
    assertThat(Arrays.copyOfRange(across, 10, across.length)).isEqualTo(ZERO_KEY_STREAM);
  }

  @Test
  void fill_twoGeneratorsFromTheSystemSeed_differ() {
    byte[] a = new byte[64];
    byte[] b = new byte[64];
    StreamRandom.FACTORY.create().fill(a, 0, a.length);
    StreamRandom.FACTORY.create().fill(b, 0, b.length);
    assertThat(a).isNotEqualTo(b).isNotEqualTo(new byte[64]);
  }

  @Test
  void random_staysBelowTheBoundAndReachesEveryValue() {
    StreamRandom random = new StreamRandom(new SecureRandom());
    Set<Integer> seen = new HashSet<>();
    for (int i = 0; i < 600; i++) {
      int v = random.random(6);
      assertThat(v).isBetween(0, 5);
      seen.add(v);
    }
    assertThat(seen).hasSize(6);
    assertThat(random.random(1)).isZero();
  }

  @Test
  void random_boundNotPositive_isRejectedNamingIt() {
    StreamRandom random = new StreamRandom(new SecureRandom());
    assertThatThrownBy(() -> random.random(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("0");
  }
}
