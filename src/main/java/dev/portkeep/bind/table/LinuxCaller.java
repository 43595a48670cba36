package dev.portkeep.bind.table;

import dev.portkeep.bind.rules.Caller;
import dev.portkeep.bind.rules.Principal;
import dev.portkeep.bind.rules.Privilege;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

/** Tells who this process is for a planned bind: its effective uid and CAP_NET_BIND_SERVICE. */
public final class LinuxCaller {
  private static final int CAP_NET_BIND_SERVICE = 10;

  private LinuxCaller() {}

  /** This JVM, read from {@code /proc/self/status}. */
  public static Caller current() throws IOException {
    return fromStatusFile(Path.of("/proc/self/status"));
  }

  /** Another process, read from {@code /proc/<pid>/status}. */
  public static Caller ofProcess(long pid) throws IOException {
    return fromStatusFile(Path.of("/proc", Long.toString(pid), "status"));
  }

  private static Caller fromStatusFile(Path status) throws IOException {
    Map<Integer, String> users =
        LinuxProcSource.readIfPresent(Path.of("/etc/passwd")).map(Passwd::parse).orElse(Map.of());
    return fromStatus(new String(LinuxProcSource.readFully(status), StandardCharsets.UTF_8), users);
  }

  /** Parses the {@code Uid:} (effective, the second value) and {@code CapEff:} lines. */
  static Caller fromStatus(String status, Map<Integer, String> users) {
    Integer uid = null;
    BigInteger caps = null;
    for (String line : status.lines().toList()) {
      if (line.startsWith("Uid:")) {
        uid = Integer.parseInt(line.substring(4).strip().split("\\s+", -1)[1]);
      } else if (line.startsWith("CapEff:")) {
        caps = new BigInteger(line.substring(7).strip(), 16);
      }
    }
    if (uid == null || caps == null) {
      throw new IllegalArgumentException("status text has no Uid: or CapEff: line");
    }
    Privilege privilege =
        caps.testBit(CAP_NET_BIND_SERVICE) ? Privilege.PRIVILEGED : Privilege.UNPRIVILEGED;
    return new Caller(new Principal.LinuxUser(uid, users.get(uid)), privilege);
  }
}
