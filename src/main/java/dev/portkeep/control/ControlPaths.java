package dev.portkeep.control;

import dev.portkeep.error.UsageException;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;

/**
 * Where the control socket lives: a per-user folder that only its owner can enter. The folder is
 * also where later per-user runtime files go (issue 13's secret file), so {@link #folder} and
 * {@link #ensurePrivate} are separate from the socket's name.
 *
 * <p>Linux and macOS: {@code $XDG_RUNTIME_DIR/portkeep/} when that variable names an existing
 * directory by an absolute path, else {@code /tmp/portkeep-<uid>/} (tmux's scheme: the sticky /tmp
 * stops other users from renaming or removing it, and {@link #ensurePrivate} refuses one they made
 * first). Windows: {@code %LOCALAPPDATA%\portkeep\}, private through the profile's own ACL.
 */
public final class ControlPaths {
  /** The socket's file name inside the folder. */
  public static final String SOCKET_NAME = "control.sock";

  private static final int TYPE_MASK = 0170000;
  private static final int DIRECTORY = 0040000;
  private static final int SYMLINK = 0120000;
  private static final String HINT =
      "remove it if it is a leftover (it holds only portkeep's control socket), or name another"
          + " socket with --control PATH";

  private ControlPaths() {}

  /** The per-user runtime folder for this environment, neither created nor checked. */
  public static Path folder(Map<String, String> env, String osName, long uid) {
    if (osName.startsWith("Windows")) {
      String local = env.getOrDefault("LOCALAPPDATA", "");
      if (local.isBlank()) {
        throw new UsageException(
            "cannot place the control socket: LOCALAPPDATA is not set",
            "set LOCALAPPDATA, or name the socket with --control PATH");
      }
      return Path.of(local, "portkeep");
    }
    String runtime = env.getOrDefault("XDG_RUNTIME_DIR", "");
    if (!runtime.isEmpty()
        && Path.of(runtime).isAbsolute()
        && Files.isDirectory(Path.of(runtime))) {
      return Path.of(runtime, "portkeep");
    }
    return Path.of("/tmp", "portkeep-" + uid);
  }

  /** The default control socket: {@link #SOCKET_NAME} in {@link #folder}. */
  public static Path defaultSocket(Map<String, String> env, String osName, long uid) {
    return folder(env, osName, uid).resolve(SOCKET_NAME);
  }

  /**
   * Creates {@code folder} with mode 0700 when it is missing (its parent must exist), or accepts an
   * existing one only when it is a real directory (not a symbolic link) owned by {@code uid} with
   * no access for group or others. Never changes a folder it did not create.
   *
   * @return {@code folder}
   * @throws UsageException naming the folder, its owner and mode, when it is refused
   */
  public static Path ensurePrivate(Path folder, long uid) {
    boolean posix = FileSystems.getDefault().supportedFileAttributeViews().contains("unix");
    try {
      if (posix) {
        Files.createDirectory(
            folder,
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      } else {
        Files.createDirectory(folder);
      }
    } catch (FileAlreadyExistsException e) {
      // someone made it before: checked below like any existing folder
    } catch (IOException e) {
      throw new UsageException("cannot create the control folder '" + folder + "': " + e, HINT, e);
    }
    if (posix) {
      check(folder, uid);
    } else if (Files.isSymbolicLink(folder)
        || !Files.isDirectory(folder, LinkOption.NOFOLLOW_LINKS)) {
      throw new UsageException(
          "control folder '" + folder + "' is refused: not a plain directory", HINT);
    }
    return folder;
  }

  private static void check(Path folder, long uid) {
    Map<String, Object> attributes;
    String ownerName;
    try {
      attributes = Files.readAttributes(folder, "unix:uid,mode", LinkOption.NOFOLLOW_LINKS);
      ownerName = Files.getOwner(folder, LinkOption.NOFOLLOW_LINKS).getName();
    } catch (IOException e) {
      throw new UsageException("cannot read the control folder '" + folder + "': " + e, HINT, e);
    }
    long owner = ((Number) attributes.get("uid")).longValue();
    int mode = (Integer) attributes.get("mode");
    String why = null;
    String hint = HINT;
    if ((mode & TYPE_MASK) == SYMLINK) {
      why = "it is a symbolic link";
    } else if ((mode & TYPE_MASK) != DIRECTORY) {
      why = "it is not a directory";
    } else if (owner != uid) {
      why = "it belongs to another user";
    } else if ((mode & 0077) != 0) {
      why = "group or others may use it";
      hint = "chmod 700 '" + folder + "', or name another socket with --control PATH";
    }
    if (why != null) {
      throw new UsageException(
          String.format(
              "control folder '%s' is refused: %s (owner uid %d (%s), mode %04o); it must be a"
                  + " directory of uid %d with mode 0700",
              folder, why, owner, ownerName, mode & 07777, uid),
          hint);
    }
  }

  /**
   * This process's user id, read from what the kernel reports as its owner ({@code /proc/self} on
   * Linux, else a file it creates): no native code. -1 where files have no unix owner (Windows).
   */
  public static long currentUid() {
    if (!FileSystems.getDefault().supportedFileAttributeViews().contains("unix")) {
      return -1;
    }
    try {
      Path self = Path.of("/proc/self");
      if (Files.isDirectory(self)) {
        return ((Number) Files.getAttribute(self, "unix:uid")).longValue();
      }
      Path probe = Files.createTempFile("portkeep-uid-", ".probe");
      try {
        return ((Number) Files.getAttribute(probe, "unix:uid", LinkOption.NOFOLLOW_LINKS))
            .longValue();
      } finally {
        Files.deleteIfExists(probe);
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot learn this process's uid", e);
    }
  }
}
