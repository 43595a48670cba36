package dev.portkeep.bind.table;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Builds a fake host root ({@code proc/}, {@code etc/passwd}) in a temporary directory. */
final class FakeProc {
  private final Path root;

  FakeProc(Path root) {
    this.root = root;
  }

  Path root() {
    return root;
  }

  FakeProc file(String relative, String text) {
    try {
      Path file = root.resolve(relative);
      Files.createDirectories(file.getParent());
      Files.writeString(file, text);
      return this;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A process whose fds are the given socket inodes, plus stdin pointing at /dev/null. */
  FakeProc process(long pid, String comm, String cmdline, long... inodes) {
    try {
      Path fd = root.resolve("proc/" + pid + "/fd");
      Files.createDirectories(fd);
      Files.createSymbolicLink(fd.resolve("0"), Path.of("/dev/null"));
      for (int i = 0; i < inodes.length; i++) {
        Files.createSymbolicLink(
            fd.resolve(Integer.toString(i + 3)), Path.of("socket:[" + inodes[i] + "]"));
      }
      file("proc/" + pid + "/comm", comm + "\n");
      return file("proc/" + pid + "/cmdline", cmdline.replace(' ', '\0') + "\0");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * A process whose fd directory cannot be listed. Root reads through mode 000, so the fd entry is
   * a plain file instead: listing it fails with an I/O error, as EACCES does for non-root.
   */
  FakeProc unreadableProcess(long pid) {
    file("proc/" + pid + "/comm", "secret\n");
    return file("proc/" + pid + "/fd", "");
  }

  FakeProc sysctls(int unprivilegedPortStart, int bindV6Only) {
    file("proc/sys/net/ipv4/ip_unprivileged_port_start", unprivilegedPortStart + "\n");
    file("proc/sys/net/ipv4/ip_nonlocal_bind", "0\n");
    return file("proc/sys/net/ipv6/bindv6only", bindV6Only + "\n");
  }
}
