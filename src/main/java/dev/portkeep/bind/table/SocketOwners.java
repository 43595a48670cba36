package dev.portkeep.bind.table;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Maps socket inodes to the pids holding them by reading every {@code /proc/<pid>/fd/*} link once.
 *
 * <p>A link reads {@code socket:[<inode>]}. The walk stops as soon as every wanted inode is found,
 * and a pid whose fd directory cannot be read is remembered, never thrown about.
 */
final class SocketOwners {
  /** The owners found, and whether some pid's descriptors could not be read. */
  record Scan(Map<Long, Long> pidByInode, Set<Long> unreadablePids) {
    boolean complete() {
      return unreadablePids.isEmpty();
    }
  }

  private SocketOwners() {}

  static Scan scan(Path proc, Set<Long> wanted) {
    Map<Long, Long> owners = new HashMap<>();
    Set<Long> unreadable = new HashSet<>();
    if (wanted.isEmpty()) {
      return new Scan(owners, unreadable);
    }
    try (DirectoryStream<Path> pids = Files.newDirectoryStream(proc, SocketOwners::isPid)) {
      for (Path pidDir : pids) {
        long pid = Long.parseLong(pidDir.getFileName().toString());
        if (!scanPid(pidDir.resolve("fd"), pid, wanted, owners)) {
          unreadable.add(pid);
        }
        if (owners.size() == wanted.size()) {
          break;
        }
      }
    } catch (IOException e) {
      unreadable.add(-1L); // /proc itself could not be listed
    }
    return new Scan(owners, unreadable);
  }

  /** Reads one fd directory; false when it exists but may not be read. */
  private static boolean scanPid(Path fdDir, long pid, Set<Long> wanted, Map<Long, Long> owners) {
    try (DirectoryStream<Path> fds = Files.newDirectoryStream(fdDir)) {
      for (Path fd : fds) {
        long inode = socketInode(fd);
        if (inode > 0 && wanted.contains(inode)) {
          owners.putIfAbsent(inode, pid);
        }
      }
      return true;
    } catch (NoSuchFileException e) {
      return true; // the process exited while we looked; its sockets went with it
    } catch (IOException | SecurityException e) {
      return false;
    }
  }

  /** The inode a {@code socket:[N]} link names, or 0 for any other descriptor. */
  static long socketInode(Path fd) {
    try {
      String target = Files.readSymbolicLink(fd).toString();
      if (!target.startsWith("socket:[") || !target.endsWith("]")) {
        return 0;
      }
      return Long.parseLong(target, 8, target.length() - 1, 10);
    } catch (IOException | UnsupportedOperationException | NumberFormatException e) {
      return 0; // closed meanwhile, or not a link: not a socket we can name
    }
  }

  private static boolean isPid(Path path) {
    String name = path.getFileName().toString();
    return !name.isEmpty() && name.chars().allMatch(c -> c >= '0' && c <= '9');
  }
}
