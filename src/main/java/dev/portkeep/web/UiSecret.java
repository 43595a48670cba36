package dev.portkeep.web;

import dev.portkeep.error.UsageException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The per-user secret every request to the web page's API must carry: 32 random bytes as hex, made
 * once and kept in {@value #FILE_NAME} with mode 0600 beside the control socket (in the folder only
 * the user can enter). {@code portkeep ui} reads it to hand it to the browser.
 */
public final class UiSecret {
  public static final String FILE_NAME = "ui-secret";

  /** The header the page sends it in; never a cookie, so another site's request cannot carry it. */
  public static final String HEADER = "X-Portkeep-Secret";

  private static final Pattern FORM = Pattern.compile("[0-9a-f]{64}");
  private static final Set<PosixFilePermission> PRIVATE =
      PosixFilePermissions.fromString("rw-------");

  private final String value;

  private UiSecret(String value) {
    this.value = value;
  }

  /** The secret file beside {@code controlSocket}. */
  public static Path fileBeside(Path controlSocket) {
    Path parent = controlSocket.toAbsolutePath().getParent();
    return parent == null ? Path.of(FILE_NAME) : parent.resolve(FILE_NAME);
  }

  /**
   * Reads the secret in {@code file}, or makes it (mode 0600 from the start) when there is none.
   *
   * @throws UsageException when the file is unreadable, malformed, or others may read it
   */
  public static UiSecret loadOrCreate(Path file) {
    if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
      byte[] random = new byte[32];
      new SecureRandom().nextBytes(random);
      String made = HexFormat.of().formatHex(random);
      try {
        if (posix()) {
          Files.createFile(file, PosixFilePermissions.asFileAttribute(PRIVATE));
        } else {
          Files.createFile(file);
        }
        Files.writeString(file, made + "\n", StandardCharsets.US_ASCII);
        return new UiSecret(made);
      } catch (FileAlreadyExistsException e) {
        // another up made it at the same moment: read theirs below
      } catch (IOException e) {
        throw new UsageException(
            "cannot create the web page's secret file '" + file + "': " + e.getMessage(),
            "check that the control folder is writable, or name another with --control PATH",
            e);
      }
    }
    return load(file);
  }

  /**
   * Reads the secret in {@code file}.
   *
   * @throws UsageException when it is missing, malformed, or others may read it
   */
  public static UiSecret load(Path file) {
    try {
      if (posix()) {
        Set<PosixFilePermission> mode =
            Files.getPosixFilePermissions(file, LinkOption.NOFOLLOW_LINKS);
        if (!PRIVATE.containsAll(mode)) {
          throw new UsageException(
              "the web page's secret file '"
                  + file
                  + "' is refused: mode "
                  + PosixFilePermissions.toString(mode)
                  + ", others may read it",
              "remove it (portkeep up makes a new one with mode 0600), or chmod 600 it");
        }
      }
      String text = Files.readString(file, StandardCharsets.US_ASCII).strip();
      if (!FORM.matcher(text).matches()) {
        throw new UsageException(
            "the web page's secret file '" + file + "' does not hold a secret",
            "remove it: portkeep up makes a new one");
      }
      return new UiSecret(text);
    } catch (IOException e) {
      throw new UsageException(
          "cannot read the web page's secret file '" + file + "': " + e.getMessage(),
          "is portkeep up running with --ui? It makes the file",
          e);
    }
  }

  private static boolean posix() {
    return FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
  }

  /** Whether {@code offered} is this secret, compared in constant time. */
  public boolean matches(String offered) {
    return offered != null
        && MessageDigest.isEqual(
            value.getBytes(StandardCharsets.US_ASCII), offered.getBytes(StandardCharsets.US_ASCII));
  }

  /** The secret itself, for the URL fragment {@code portkeep ui} opens; never for a log. */
  public String reveal() {
    return value;
  }

  @Override
  public String toString() {
    return "UiSecret[hidden]";
  }
}
