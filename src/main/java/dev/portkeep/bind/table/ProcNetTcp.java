package dev.portkeep.bind.table;

import dev.portkeep.bind.rules.BindPoint;
import dev.portkeep.bind.rules.Family;
import dev.portkeep.bind.rules.TcpState;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * Parses the text of {@code /proc/net/tcp} and {@code /proc/net/tcp6}; a pure function of the text.
 *
 * <p>Addresses are the network-order 32-bit words printed with {@code %08X}, so on a little-endian
 * host {@code 127.0.0.1} reads {@code 0100007F}; ports are plain hex. TIME_WAIT rows carry uid 0
 * and inode 0 because the kernel keeps no owner for them.
 */
public final class ProcNetTcp {
  /** One row: the local point, its state, the socket's uid and inode (0 when none). */
  public record Row(BindPoint local, TcpState state, int uid, long inode) {}

  /** The rows that parsed, and one line of text for each that did not. */
  public record Parsed(List<Row> rows, List<String> problems) {
    public Parsed {
      rows = List.copyOf(rows);
      problems = List.copyOf(problems);
    }
  }

  private ProcNetTcp() {}

  public static Parsed parse(String text, Family family) {
    List<Row> rows = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    int start = text.indexOf('\n') + 1; // the first line is the header
    while (start > 0 && start < text.length()) {
      int end = text.indexOf('\n', start);
      String line = text.substring(start, end < 0 ? text.length() : end);
      start = end < 0 ? -1 : end + 1;
      if (line.isBlank()) {
        continue;
      }
      try {
        rows.add(parseLine(line, family));
      } catch (IllegalArgumentException e) {
        problems.add(
            "skipped a line of /proc/net/tcp"
                + (family == Family.INET6 ? "6" : "")
                + " ("
                + e.getMessage()
                + "): '"
                + line.strip()
                + "'");
      }
    }
    return new Parsed(rows, problems);
  }

  static Row parseLine(String line, Family family) {
    String[] f = line.strip().split("\\s+", 12);
    if (f.length < 10) {
      throw new IllegalArgumentException("expected at least 10 fields, found " + f.length);
    }
    int colon = f[1].indexOf(':');
    if (colon < 0) {
      throw new IllegalArgumentException("local address '" + f[1] + "' has no port");
    }
    InetAddress address = address(f[1].substring(0, colon), family);
    int port = hex(f[1].substring(colon + 1), "port");
    TcpState state = state(hex(f[3], "state"));
    int uid = Integer.parseInt(f[7]);
    long inode = Long.parseLong(f[9]);
    return new Row(new BindPoint(family, address, port), state, uid, inode);
  }

  /** Decodes {@code 0100007F} or a 32-digit IPv6 form; each 32-bit word is little-endian. */
  static InetAddress address(String hex, Family family) {
    int words = family == Family.INET ? 1 : 4;
    if (hex.length() != words * 8) {
      throw new IllegalArgumentException(
          "address '" + hex + "' should have " + words * 8 + " digits");
    }
    byte[] bytes = new byte[words * 4];
    for (int w = 0; w < words; w++) {
      long word = Long.parseLong(hex.substring(w * 8, w * 8 + 8), 16);
      for (int b = 0; b < 4; b++) {
        bytes[w * 4 + b] = (byte) (word >>> (8 * b));
      }
    }
    try {
      return InetAddress.getByAddress(bytes);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("address '" + hex + "' is not an IP address", e);
    }
  }

  /** Maps the kernel's {@code tcp_states.h} codes; 0x0D is inet_diag's BOUND_INACTIVE. */
  static TcpState state(int code) {
    return switch (code) {
      case 0x01 -> TcpState.ESTABLISHED;
      case 0x02 -> TcpState.SYN_SENT;
      case 0x03, 0x0C -> TcpState.SYN_RECV;
      case 0x04 -> TcpState.FIN_WAIT1;
      case 0x05 -> TcpState.FIN_WAIT2;
      case 0x06 -> TcpState.TIME_WAIT;
      case 0x07 -> TcpState.CLOSE;
      case 0x08 -> TcpState.CLOSE_WAIT;
      case 0x09 -> TcpState.LAST_ACK;
      case 0x0A -> TcpState.LISTEN;
      case 0x0B -> TcpState.CLOSING;
      case 0x0D -> TcpState.BOUND;
      default -> throw new IllegalArgumentException("unknown TCP state code " + code);
    };
  }

  private static int hex(String text, String what) {
    try {
      return Integer.parseInt(text, 16);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(what + " '" + text + "' is not hex", e);
    }
  }
}
