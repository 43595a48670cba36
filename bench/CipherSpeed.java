import java.security.SecureRandom;
import javax.crypto.Cipher;
import javax.crypto.spec.ChaCha20ParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.apache.sshd.common.cipher.BuiltinCiphers;

/**
 * How fast one core encrypts SSH packets with the cipher code portkeep runs, against the JDK's own
 * intrinsified primitives. Run with portkeep's jar on the class path (bench/README.md):
 *
 * <pre>java -cp target/portkeep.jar bench/CipherSpeed.java</pre>
 *
 * Each line: MB/s over 32 KiB packets (OpenSSH's and MINA's maximum packet size), after warm-up.
 */
public class CipherSpeed {
  static final int PACKET = 32 * 1024;
  static final long BYTES = 2L << 30;

  public static void main(String[] args) throws Exception {
    byte[] buf = new byte[PACKET + 4 + 64];
    for (BuiltinCiphers c : new BuiltinCiphers[] {BuiltinCiphers.aes128gcm, BuiltinCiphers.cc20p1305_openssh}) {
      org.apache.sshd.common.cipher.Cipher cipher = c.create();
      byte[] key = random(cipher.getKdfSize());
      byte[] iv = new byte[Math.max(cipher.getIVSize(), 12)]; // ChaCha20: packet sequence number 0
      cipher.init(org.apache.sshd.common.cipher.Cipher.Mode.Encrypt, key, iv);
      report("MINA " + c.getName() + " (what portkeep runs)", () -> cipher.updateWithAAD(buf, 0, 4, PACKET));
    }
    Cipher chacha = Cipher.getInstance("ChaCha20");
    SecretKeySpec chachaKey = new SecretKeySpec(random(32), "ChaCha20");
    long[] counter = {0};
    report("JDK ChaCha20 keystream only (intrinsic)", () -> {
      chacha.init(Cipher.ENCRYPT_MODE, chachaKey, new ChaCha20ParameterSpec(random12(counter[0]++), 1));
      chacha.doFinal(buf, 4, PACKET, buf, 4);
    });
    Cipher aead = Cipher.getInstance("ChaCha20-Poly1305");
    SecretKeySpec aeadKey = new SecretKeySpec(random(32), "ChaCha20");
    byte[] out = new byte[PACKET + 16];
    report("JDK ChaCha20-Poly1305 RFC 8439 (intrinsics, not SSH's layout)", () -> {
      byte[] n = random12(counter[0]++);
      aead.init(Cipher.ENCRYPT_MODE, aeadKey, new javax.crypto.spec.IvParameterSpec(n));
      aead.updateAAD(buf, 0, 4);
      aead.doFinal(buf, 4, PACKET, out, 0);
    });
  }

  interface Op {
    void run() throws Exception;
  }

  static void report(String what, Op op) throws Exception {
    for (int i = 0; i < 20_000; i++) {
      op.run(); // warm-up, C2
    }
    long n = BYTES / PACKET;
    long t0 = System.nanoTime();
    for (long i = 0; i < n; i++) {
      op.run();
    }
    double secs = (System.nanoTime() - t0) / 1e9;
    System.out.printf("%8.0f MB/s  %s%n", n * PACKET / secs / 1e6, what);
  }

  static byte[] random(int n) {
    byte[] b = new byte[n];
    new SecureRandom().nextBytes(b);
    return b;
  }

  static byte[] random12(long i) {
    byte[] b = new byte[12];
    for (int k = 0; k < 8; k++) {
      b[k] = (byte) (i >>> (8 * k));
    }
    return b;
  }
}
