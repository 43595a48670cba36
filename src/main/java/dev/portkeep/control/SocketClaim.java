package dev.portkeep.control;

import dev.portkeep.error.ListenException;
import dev.portkeep.error.NotRunningException;
import dev.portkeep.error.PortkeepException;
import dev.portkeep.error.UsageException;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Takes the control path for one {@code up}. bind(2) is the arbiter: it fails while any file is at
 * the path, so two binds never both succeed. The one step that could let two win is removing a
 * stale socket (one that refuses connections, left by a crash): A and B both see it refused, A
 * removes it and binds, then B removes A's new socket and binds too. So "look, remove if stale,
 * bind" runs under an exclusive lock on {@code <path>.lock} (an OS file lock, released if the
 * process dies), and B then finds A's socket answering.
 */
final class SocketClaim {
  /** How long an existing socket has to answer a ping before it counts as someone else's. */
  static final Duration PING_TIMEOUT = Duration.ofSeconds(5);

  private static final String HINT = "stop it first, or give this one another --control PATH";
  private static final ReentrantLock IN_THIS_PROCESS =
      new ReentrantLock(); // file locks are per JVM

  private SocketClaim() {}

  static ServerSocketChannel bind(Path socket) {
    Path folder = socket.toAbsolutePath().getParent();
    if (!Files.isDirectory(folder)) {
      throw new UsageException(
          "cannot place the control socket '"
              + socket
              + "': '"
              + folder
              + "' is not a folder this user can enter",
          "create it with mode 0700, or name another socket with --control PATH");
    }
    Path lockPath = socket.resolveSibling(socket.getFileName() + ".lock");
    IN_THIS_PROCESS.lock();
    try (FileChannel lockFile = openLockFile(lockPath);
        FileLock held = lockFile.lock()) {
      removeIfStale(socket);
      ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
      try {
        server.bind(UnixDomainSocketAddress.of(socket));
        if (posix()) {
          Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-------"));
        }
        return server;
      } catch (IOException | RuntimeException e) {
        server.close();
        throw e;
      }
    } catch (IOException e) {
      throw new ListenException(
          "cannot bind the control socket '" + socket + "': " + reason(e),
          "name another socket with --control PATH",
          "",
          e);
    } finally {
      IN_THIS_PROCESS.unlock();
    }
  }

  private static FileChannel openLockFile(Path lockPath) throws IOException {
    Set<OpenOption> options =
        Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
    if (!posix()) {
      return FileChannel.open(lockPath, options);
    }
    FileAttribute<?> ownerOnly =
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));
    return FileChannel.open(lockPath, options, ownerOnly);
  }

  /** Removes a socket nobody listens on; refuses a live one, or anything that is not a socket. */
  private static void removeIfStale(Path socket) throws IOException {
    BasicFileAttributes attributes;
    try {
      attributes =
          Files.readAttributes(socket, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    } catch (NoSuchFileException e) {
      return;
    }
    if (!attributes.isOther()) {
      throw new ListenException(
          "cannot use '" + socket + "' as the control socket: a file that is not a socket is there",
          "remove it if it is not needed, or name another socket with --control PATH");
    }
    Answer answer;
    try {
      answer = new ControlClient(socket, PING_TIMEOUT).exchange(new Request.Ping());
    } catch (NotRunningException e) {
      Files.deleteIfExists(socket); // refused: a leftover of an up that ended without cleaning up
      return;
    } catch (PortkeepException e) {
      throw new ListenException(
          "control socket '"
              + socket
              + "' is held by a process that does not answer as portkeep: "
              + e.getMessage(),
          HINT);
    }
    throw new ListenException(running(socket, answer), HINT);
  }

  private static String running(Path socket, Answer answer) {
    return switch (answer) {
      case Answer.Ok ok ->
          "another portkeep up (pid "
              + ok.fields().path("pid").asText("?")
              + ", running since "
              + ok.fields().path("since").asText("?")
              + ") already uses the control socket '"
              + socket
              + "'";
      case Answer.Failed failed ->
          "another portkeep up already uses the control socket '"
              + socket
              + "'; it answered: "
              + failed.message();
    };
  }

  private static String reason(IOException e) {
    return switch (e) {
      case NoSuchFileException n -> "no such file: " + n.getFile();
      case AccessDeniedException a -> "permission denied: " + a.getFile();
      default -> e.getMessage();
    };
  }

  private static boolean posix() {
    return FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
  }
}
