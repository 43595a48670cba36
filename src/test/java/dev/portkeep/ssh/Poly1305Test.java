package dev.portkeep.ssh;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Both Poly1305 implementations give RFC 8439's tag and the same tags as each other, whatever the
 * pieces the message arrives in; the tests run with the package opened, as the jar does.
 */
class Poly1305Test {
  private static final HexFormat HEX = HexFormat.of();

  @Test
  void jdkImplementation_isReachable_whenThePackageIsOpened() {
    assertThat(Poly1305.jdkInUse())
        .as("surefire opens com.sun.crypto.provider like the jar's manifest")
        .isTrue();
    assertThat(Poly1305.create()).isInstanceOf(Poly1305.Jdk.class);
    assertThat(new JdkChaCha20Poly1305().toString()).contains("JDK Poly1305");
  }

  @Test
  void rfc8439Section2_5_2_vector_bothImplementations() throws Exception {
    byte[] key = HEX.parseHex("85d6be7857556d337f4452fe42d506a80103808afb0db2fd4abff6af4149f51b");
    byte[] message =
        "Cryptographic Forum Research Group".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    for (Poly1305 mac : new Poly1305[] {new Poly1305.Jdk(), new Poly1305.Mina()}) {
      mac.init(key);
      mac.update(message, 0, message.length);
      assertThat(HEX.formatHex(mac.doFinal()))
          .as(mac.getClass().getSimpleName())
          .isEqualTo("a8061dc1305136c6c22b8baf0c0127a9");
    }
  }

  @Test
  void sameTagsAsMinas_forSshShapedMessages_inPieces_acrossReuse() throws Exception {
    Random random = new Random(11);
    Poly1305 jdk = new Poly1305.Jdk();
    Poly1305 mina = new Poly1305.Mina();
    for (int size : new int[] {0, 1, 15, 16, 17, 100, 4096, 32_768, 35_000}) {
      byte[] key = new byte[32];
      random.nextBytes(key);
      byte[] length = new byte[4];
      byte[] body = new byte[size];
      random.nextBytes(length);
      random.nextBytes(body);
      for (Poly1305 mac : new Poly1305[] {jdk, mina}) {
        mac.init(key);
        mac.update(length, 0, 4); // as the cipher feeds it: the encrypted length, then the payload
        mac.update(body, 0, size);
      }
      assertThat(HEX.formatHex(jdk.doFinal()))
          .as("size " + size)
          .isEqualTo(HEX.formatHex(mina.doFinal()));
    }
  }
}
