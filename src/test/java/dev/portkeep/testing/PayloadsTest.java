package dev.portkeep.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import org.junit.jupiter.api.Test;

class PayloadsTest {
  private static final String PINNED_SEED_0 = "afcd1d7b39a820e2f465b9a1";

  @Test
  void bytes_sameSeed_identical_otherSeed_different() {
    assertThat(Payloads.bytes(1000, 42)).isEqualTo(Payloads.bytes(1000, 42));
    assertThat(Payloads.bytes(1000, 42)).isNotEqualTo(Payloads.bytes(1000, 43));
  }

  @Test
  void stream_readInOddSizedChunks_matchesBytesOfTheSameSeed() throws Exception {
    InputStream in = Payloads.stream(10_007, 9);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buf = new byte[13];
    for (int n; (n = in.read(buf, 0, 1 + out.size() % 13)) >= 0; ) {
      out.write(buf, 0, n);
    }
    assertThat(out.toByteArray()).isEqualTo(Payloads.bytes(10_007, 9));
  }

  @Test
  void bytes_seedZero_pinnedSoStreamsStayComparableAcrossVersions() {
    assertThat(java.util.HexFormat.of().formatHex(Payloads.bytes(12, 0))).isEqualTo(PINNED_SEED_0);
  }

  @Test
  void write_largePayload_matchesStreamedHash() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Payloads.write(out, 200_003, 4);
    assertThat(Payloads.sha256(out.toByteArray())).isEqualTo(Payloads.sha256(200_003, 4));
  }

  @Test
  void sha256_ofInputStream_countsBytesAndHashesThem() throws Exception {
    byte[] bytes = Payloads.bytes(70_000, 2);
    assertThat(Payloads.sha256(new ByteArrayInputStream(bytes)))
        .isEqualTo(new Payloads.Digest(70_000, Payloads.sha256(bytes)));
  }

  @Test
  void sha256_emptyInput_isTheWellKnownEmptyHash() {
    assertThat(Payloads.sha256(0, 1))
        .isEqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  }

  @Test
  void bytes_generated_lookRandomNotConstant() {
    byte[] bytes = Payloads.bytes(4096, 0);
    assertThat(
            java.util.stream.IntStream.range(0, bytes.length)
                .map(i -> bytes[i] & 0xff)
                .distinct()
                .count())
        .isGreaterThan(250);
  }
}
