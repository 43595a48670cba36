package dev.portkeep.bind;

import dev.portkeep.testing.Python;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Looks at listeners from outside: binds tried by another process, and the kernel's socket table.
 */
public final class BindProbe {
  private BindProbe() {}

  /** Tries a bind in another process; prints OK or the errno name. */
  private static final String TRY_BIND =
      """
      import socket, sys, errno
      fam = socket.AF_INET6 if ':' in sys.argv[1] else socket.AF_INET
      s = socket.socket(fam, socket.SOCK_STREAM)
      if sys.argv[3] == 'reuseaddr': s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
      if sys.argv[3] == 'reuseport': s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
      if fam == socket.AF_INET6: s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, int(sys.argv[4]))
      try:
          s.bind((sys.argv[1], int(sys.argv[2]))); s.listen(1); print('OK')
      except OSError as e:
          print(errno.errorcode[e.errno])
      """;

  public static String otherProcessBinds(String address, int port, String option, int v6only) {
    return Python.run(TRY_BIND, address, String.valueOf(port), option, String.valueOf(v6only))
        .strip();
  }

  /** Listening entries for {@code port} in /proc/net/tcp or tcp6, as hex local addresses. */
  public static List<String> listening(String table, int port) throws IOException {
    String hexPort = String.format("%04X", port);
    return Files.readAllLines(Path.of(table)).stream()
        .skip(1)
        .map(l -> l.trim().split("\\s+"))
        .filter(f -> f[1].endsWith(":" + hexPort) && f[3].equals("0A"))
        .map(f -> f[1].substring(0, f[1].indexOf(':')))
        .toList();
  }
}
