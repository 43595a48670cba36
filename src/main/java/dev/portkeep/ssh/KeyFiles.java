package dev.portkeep.ssh;

import dev.portkeep.config.IdentitySource;
import dev.portkeep.config.Login;
import dev.portkeep.error.UsageException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.sshd.common.config.keys.OpenSshCertificate;
import org.apache.sshd.common.util.buffer.ByteArrayBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The identities the files give, in OpenSSH's order: each identity file, followed by its {@code
 * <file>-cert.pub} when one lies beside it and no CertificateFile was given, then the
 * CertificateFiles. Public keys come from the {@code .pub} file where there is one, so a key the
 * agent holds is never decrypted; the other private keys are loaded here, before any connection, so
 * a bad key file or passphrase is reported up front.
 */
final class KeyFiles {
  private static final Logger log = LoggerFactory.getLogger(KeyFiles.class);

  /**
   * One identity from the files: a public key or a certificate ({@code blob} as the server will see
   * it), and the file holding the private key that signs for it, when known.
   */
  static final class Entry {
    private final String label;
    private final byte[] blob;
    private final PublicKey key;
    private final Path privateFile;
    private KeyPair pair; // guarded by this

    Entry(String label, byte[] blob, PublicKey key, Path privateFile, KeyPair pair) {
      this.label = label;
      this.blob = blob;
      this.key = key;
      this.privateFile = privateFile;
      this.pair = pair;
    }

    String label() {
      return label;
    }

    byte[] blob() {
      return blob.clone();
    }

    PublicKey key() {
      return key;
    }

    boolean isCertificate() {
      return key instanceof OpenSshCertificate;
    }

    /** The key a certificate certifies, or the key itself. */
    PublicKey plainKey() {
      return key instanceof OpenSshCertificate cert ? cert.getCertPubKey() : key;
    }

    Optional<Path> privateFile() {
      return Optional.ofNullable(privateFile);
    }

    /** The private key pair, loaded now if it was not (it may ask for a passphrase). */
    synchronized KeyPair load(Prompts prompts) {
      if (pair == null) {
        if (privateFile == null) {
          throw new IllegalStateException("no private key file for " + label);
        }
        pair = Identities.loadOne(privateFile, prompts).get(0);
      }
      return pair;
    }

    synchronized boolean loaded() {
      return pair != null;
    }
  }

  private KeyFiles() {}

  /**
   * Reads the login's files. {@code inAgent} holds the blobs the agent has now: those keys are not
   * decrypted; every other private key is loaded at once.
   */
  static List<Entry> load(Login login, Set<Blob> inAgent, Prompts prompts) {
    boolean explicit = login.identities() instanceof IdentitySource.Explicit;
    List<Entry> entries = new ArrayList<>();
    for (Path file : login.identities().files()) {
      Path pub = Path.of(file + ".pub");
      if (!explicit && !Files.isRegularFile(file) && !Files.isRegularFile(pub)) {
        continue;
      }
      try {
        Entry key = keyFile(file, inAgent, prompts);
        entries.add(key);
        if (login.certificateFiles().isEmpty()) {
          besideCertificate(file).ifPresent(entries::add);
        }
      } catch (UsageException e) {
        if (explicit) {
          throw e;
        }
        log.warn("skipping default identity {}: {}", file, e.getMessage());
      }
    }
    for (Path file : login.certificateFiles()) {
      entries.add(certificate(file, null, "certificate " + file));
    }
    return entries;
  }

  private static Entry keyFile(Path file, Set<Blob> inAgent, Prompts prompts) {
    Path privateFile = isPublicKeyFile(file) ? null : file;
    Optional<byte[]> blob = publicBlob(publicFile(file));
    if (blob.isPresent() && inAgent.contains(new Blob(blob.get()))) {
      return new Entry(
          "key " + file, blob.get(), parse(blob.get(), "'" + file + ".pub'"), privateFile, null);
    }
    if (privateFile == null || !Files.exists(privateFile)) {
      throw new UsageException(
          "identity file '" + file + "' has no private key beside it, and no agent holds the key",
          "start the agent that holds it (check SSH_AUTH_SOCK or IdentityAgent), or name the"
              + " private key file");
    }
    KeyPair pair = Identities.loadOne(privateFile, prompts).get(0);
    byte[] loadedBlob = blob.orElseGet(() -> encode(pair.getPublic()));
    return new Entry("key " + file, loadedBlob, pair.getPublic(), privateFile, pair);
  }

  /** OpenSSH picks up {@code <identity file>-cert.pub} without being told. */
  private static Optional<Entry> besideCertificate(Path identityFile) {
    Path cert = Path.of(identityFile.toString().replaceFirst("\\.pub$", "") + "-cert.pub");
    if (!Files.isRegularFile(cert)) {
      return Optional.empty();
    }
    try {
      Path privateFile = isPublicKeyFile(identityFile) ? null : identityFile;
      return Optional.of(certificate(cert, privateFile, "certificate " + cert));
    } catch (UsageException e) {
      log.warn("skipping {}: {}", cert, e.getMessage());
      return Optional.empty();
    }
  }

  private static Entry certificate(Path file, Path privateFile, String label) {
    byte[] blob =
        publicBlob(file)
            .orElseThrow(
                () ->
                    new UsageException(
                        "certificate file '" + file + "' holds no certificate",
                        "name the <key>-cert.pub file that ssh-keygen -s wrote"));
    PublicKey key = parse(blob, "'" + file + "'");
    if (!(key instanceof OpenSshCertificate cert)) {
      throw new UsageException(
          "certificate file '" + file + "' holds a plain public key, not a certificate",
          "name the <key>-cert.pub file that ssh-keygen -s wrote");
    }
    if (cert.getType() != OpenSshCertificate.Type.USER) {
      throw new UsageException(
          "certificate file '" + file + "' holds a host certificate, not a user certificate",
          "sign the user's key without -h: ssh-keygen -s ca -I id -n user key.pub");
    }
    return new Entry(label, blob, key, privateFile, null);
  }

  private static boolean isPublicKeyFile(Path file) {
    return file.toString().endsWith(".pub");
  }

  private static Path publicFile(Path file) {
    return isPublicKeyFile(file) ? file : Path.of(file + ".pub");
  }

  /** The key blob of a one-line OpenSSH public key file, when there is one. */
  private static Optional<byte[]> publicBlob(Path file) {
    if (!Files.isRegularFile(file)) {
      return Optional.empty();
    }
    try {
      String[] fields = Files.readString(file, StandardCharsets.UTF_8).strip().split("\\s+", -1);
      return fields.length < 2
          ? Optional.empty()
          : Optional.of(Base64.getDecoder().decode(fields[1]));
    } catch (IOException | IllegalArgumentException e) {
      throw new UsageException(
          "cannot read public key file '" + file + "': " + e.getMessage(),
          "it should be one line: type, base64 key, comment",
          e);
    }
  }

  static PublicKey parse(byte[] blob, Object where) {
    try {
      return new ByteArrayBuffer(blob).getRawPublicKey();
    } catch (RuntimeException | IOException e) {
      throw new UsageException(
          "cannot read " + where + ": " + e.getMessage(),
          "portkeep reads ed25519, ecdsa and rsa keys and their certificates",
          e);
    }
  }

  static byte[] encode(PublicKey key) {
    ByteArrayBuffer buffer = new ByteArrayBuffer();
    buffer.putRawPublicKey(key);
    return buffer.getCompactData();
  }
}
