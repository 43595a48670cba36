package dev.portkeep.ssh;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.spec.AlgorithmParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.apache.sshd.common.mac.Poly1305Mac;

/**
 * The Poly1305 one-time authenticator behind {@link JdkChaCha20Poly1305}: the JDK's own when {@code
 * java.base} opens {@code com.sun.crypto.provider} to portkeep (the jar's manifest does, with
 * {@code Add-Opens}), otherwise MINA's.
 *
 * <p>The JDK's runs on AVX-512/AVX2 intrinsics where the CPU has them; MINA's is plain Java, and
 * was 45 % of the client's CPU in a ChaCha20 download (bench/profile down1 --cipher chacha). The
 * JDK offers Poly1305 publicly only inside its RFC 8439 AEAD, whose tag covers padding and lengths
 * that OpenSSH's construction does not, hence the private access.
 */
sealed interface Poly1305 permits Poly1305.Jdk, Poly1305.Mina {
  /** Starts a new tag with a 32-byte one-time key. */
  void init(byte[] key) throws GeneralSecurityException;

  void update(byte[] data, int offset, int length);

  /** The 16-byte tag of everything since {@link #init}. */
  byte[] doFinal();

  /** The JDK's when reachable, else MINA's. */
  static Poly1305 create() {
    return Jdk.USABLE ? new Jdk() : new Mina();
  }

  /** Whether {@link #create} gives the JDK's: for the tests and the debug log. */
  static boolean jdkInUse() {
    return Jdk.USABLE;
  }

  /** {@code com.sun.crypto.provider.Poly1305}, through method handles bound once. */
  final class Jdk implements Poly1305 {
    private static final MethodHandle NEW;
    private static final MethodHandle INIT;
    private static final MethodHandle UPDATE;
    private static final MethodHandle FINISH;
    static final boolean USABLE;

    static {
      MethodHandle create = null;
      MethodHandle init = null;
      MethodHandle update = null;
      MethodHandle finish = null;
      boolean usable = false;
      try {
        Class<?> type = Class.forName("com.sun.crypto.provider.Poly1305");
        MethodHandles.Lookup lookup = MethodHandles.privateLookupIn(type, MethodHandles.lookup());
        // No weak-key check: OpenSSH's construction has none, and its keys come from ChaCha20.
        create =
            lookup
                .findConstructor(type, MethodType.methodType(void.class, boolean.class))
                .asType(MethodType.methodType(Object.class, boolean.class));
        init =
            lookup
                .findVirtual(
                    type,
                    "engineInit",
                    MethodType.methodType(void.class, Key.class, AlgorithmParameterSpec.class))
                .asType(
                    MethodType.methodType(
                        void.class, Object.class, Key.class, AlgorithmParameterSpec.class));
        update =
            lookup
                .findVirtual(
                    type,
                    "engineUpdate",
                    MethodType.methodType(void.class, byte[].class, int.class, int.class))
                .asType(
                    MethodType.methodType(
                        void.class, Object.class, byte[].class, int.class, int.class));
        finish =
            lookup
                .findVirtual(type, "engineDoFinal", MethodType.methodType(byte[].class))
                .asType(MethodType.methodType(byte[].class, Object.class));
        usable = true;
      } catch (ReflectiveOperationException | RuntimeException e) {
        // Not opened (run without the jar's manifest) or a JDK that changed the class: MINA's then.
        org.slf4j.LoggerFactory.getLogger(Poly1305.class)
            .debug("the JDK's Poly1305 is out of reach: {}", e.toString());
      }
      NEW = create;
      INIT = init;
      UPDATE = update;
      FINISH = finish;
      USABLE = usable;
    }

    private final Object engine;

    Jdk() {
      try {
        engine = (Object) NEW.invokeExact(false);
      } catch (Throwable e) {
        throw new IllegalStateException("cannot make the JDK's Poly1305", e);
      }
    }

    @Override
    public void init(byte[] key) throws GeneralSecurityException {
      try {
        INIT.invokeExact(
            engine, (Key) new SecretKeySpec(key, "Poly1305"), (AlgorithmParameterSpec) null);
      } catch (GeneralSecurityException | RuntimeException | Error e) {
        throw e;
      } catch (Throwable e) {
        throw new IllegalStateException(e);
      }
    }

    @Override
    public void update(byte[] data, int offset, int length) {
      try {
        UPDATE.invokeExact(engine, data, offset, length);
      } catch (RuntimeException | Error e) {
        throw e;
      } catch (Throwable e) {
        throw new IllegalStateException(e);
      }
    }

    @Override
    public byte[] doFinal() {
      try {
        return (byte[]) FINISH.invokeExact(engine);
      } catch (RuntimeException | Error e) {
        throw e;
      } catch (Throwable e) {
        throw new IllegalStateException(e);
      }
    }
  }

  /** MINA's plain-Java Poly1305. */
  final class Mina implements Poly1305 {
    private final Poly1305Mac mac = new Poly1305Mac();

    @Override
    public void init(byte[] key) throws GeneralSecurityException {
      try {
        mac.init(key);
      } catch (GeneralSecurityException | RuntimeException e) {
        throw e;
      } catch (Exception e) {
        throw new GeneralSecurityException(e);
      }
    }

    @Override
    public void update(byte[] data, int offset, int length) {
      mac.update(data, offset, length);
    }

    @Override
    public byte[] doFinal() {
      try {
        return mac.doFinal();
      } catch (RuntimeException e) {
        throw e;
      } catch (Exception e) {
        throw new IllegalStateException(e); // MINA's declares Exception; its Poly1305 throws none
      }
    }
  }
}
