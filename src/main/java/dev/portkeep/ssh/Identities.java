package dev.portkeep.ssh;

import dev.portkeep.error.UsageException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.sshd.common.NamedResource;
import org.apache.sshd.common.config.keys.FilePasswordProvider;
import org.apache.sshd.common.session.SessionContext;
import org.apache.sshd.common.util.security.SecurityUtils;

/**
 * Reads one private key file. Keys readable by group or others are refused as OpenSSH refuses them;
 * encrypted keys ask for their passphrase on a terminal.
 */
final class Identities {
  private static final int PASSPHRASE_ATTEMPTS = 3;

  private Identities() {}

  static List<KeyPair> loadOne(Path file, Prompts prompts) {
    requirePrivate(file);
    Passphrases passphrases = new Passphrases(file, prompts);
    try (InputStream in = Files.newInputStream(file)) {
      Iterable<KeyPair> loaded =
          SecurityUtils.loadKeyPairIdentities(
              null, NamedResource.ofName(file.toString()), in, passphrases);
      List<KeyPair> keys = new ArrayList<>();
      if (loaded != null) {
        loaded.forEach(keys::add);
      }
      if (keys.isEmpty()) {
        throw new UsageException(
            "identity file '" + file + "' holds no private key portkeep can read",
            "use an OpenSSH private key (ed25519, ecdsa or rsa), not a public key");
      }
      return keys;
    } catch (UsageException e) {
      throw e;
    } catch (IOException | GeneralSecurityException | RuntimeException e) {
      if (passphrases.refused != null) {
        throw passphrases.refused;
      }
      throw new UsageException(
          "cannot read identity file '" + file + "': " + e.getMessage(),
          passphrases.asked > 0
              ? "the passphrase may be wrong; check it with ssh-keygen -y -f " + file
              : "use an OpenSSH private key (ed25519, ecdsa or rsa)",
          e);
    }
  }

  /** OpenSSH's rule: a private key file must not be accessible to group or others. */
  static void requirePrivate(Path file) {
    PosixFileAttributeView view = Files.getFileAttributeView(file, PosixFileAttributeView.class);
    if (view == null) {
      return;
    }
    try {
      Set<PosixFilePermission> perms = view.readAttributes().permissions();
      int mode = mode(perms);
      if ((mode & 0077) != 0) {
        throw new UsageException(
            "UNPROTECTED PRIVATE KEY FILE: Permissions "
                + String.format("0%03o", mode)
                + " for '"
                + file
                + "' are too open; this private key will be ignored",
            "it is required that your private key files are NOT accessible by others: chmod 600 "
                + file);
      }
    } catch (IOException e) {
      throw new UsageException(
          "cannot read identity file '" + file + "': " + e.getMessage(),
          "check the file's permissions",
          e);
    }
  }

  private static int mode(Set<PosixFilePermission> perms) {
    String rwx = PosixFilePermissions.toString(perms); // owner, group, others: "rw-r-----"
    int mode = 0;
    for (int i = 0; i < rwx.length(); i++) {
      mode = (mode << 1) | (rwx.charAt(i) == '-' ? 0 : 1);
    }
    return mode;
  }

  /** Asks for a key's passphrase on the terminal, or explains why it cannot. */
  private static final class Passphrases implements FilePasswordProvider {
    private final Path file;
    private final Prompts prompts;
    int asked;
    UsageException refused;

    Passphrases(Path file, Prompts prompts) {
      this.file = file;
      this.prompts = prompts;
    }

    @Override
    public String getPassword(SessionContext session, NamedResource resource, int retryIndex) {
      asked++;
      var secret = prompts.secret("Enter passphrase for key '" + file + "': ");
      if (secret.isEmpty()) {
        refused =
            new UsageException(
                "identity file '"
                    + file
                    + "' is encrypted and there is no terminal to ask for its passphrase",
                "run portkeep in a terminal, or give unattended tunnels a key of their own without a passphrase");
        throw refused;
      }
      return new String(secret.get());
    }

    @Override
    public ResourceDecodeResult handleDecodeAttemptResult(
        SessionContext session,
        NamedResource resource,
        int retryIndex,
        String password,
        Exception err) {
      if (err == null) {
        return ResourceDecodeResult.TERMINATE;
      }
      return retryIndex + 1 < PASSPHRASE_ATTEMPTS
          ? ResourceDecodeResult.RETRY
          : ResourceDecodeResult.TERMINATE;
    }
  }
}
