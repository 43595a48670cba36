package dev.portkeep.bind.table;

import dev.portkeep.bind.rules.AddressLiteral;
import dev.portkeep.bind.rules.BindPoint;
import dev.portkeep.bind.rules.Family;
import dev.portkeep.bind.rules.TcpState;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Parses the text of Windows {@code netstat -ano -p tcp} and {@code -p tcpv6}. Only English state
 * names are known; a localized output (e.g. {@code ABHÖREN}) is reported row by row as a problem.
 */
public final class Netstat {
  /** One row: the local point, its state and the owning pid (0 for a closing connection). */
  public record Row(BindPoint local, TcpState state, long pid) {}

  /** The rows that parsed, and one line of text for each that did not. */
  public record Parsed(List<Row> rows, List<String> problems) {
    public Parsed {
      rows = List.copyOf(rows);
      problems = List.copyOf(problems);
    }
  }

  private Netstat() {}

  public static Parsed parse(String text) {
    List<Row> rows = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    for (String line : text.lines().toList()) {
      String[] f = line.strip().split("\\s+", -1);
      if (f.length == 0 || !f[0].equalsIgnoreCase("TCP")) {
        continue; // a title, a header or a blank line
      }
      try {
        rows.add(parseRow(f));
      } catch (IllegalArgumentException e) {
        problems.add("skipped a netstat line (" + e.getMessage() + "): '" + line.strip() + "'");
      }
    }
    return new Parsed(rows, problems);
  }

  private static Row parseRow(String[] f) {
    if (f.length != 5) {
      throw new IllegalArgumentException("expected 5 columns, found " + f.length);
    }
    return new Row(point(f[1]), state(f[3]), Long.parseLong(f[4]));
  }

  /** Splits {@code 0.0.0.0:445} or {@code [::1]:5000} at the last colon. */
  static BindPoint point(String text) {
    int colon = text.lastIndexOf(':');
    if (colon <= 0) {
      throw new IllegalArgumentException("address '" + text + "' has no port");
    }
    String host = text.substring(0, colon);
    int port = Integer.parseInt(text.substring(colon + 1));
    Family family = host.startsWith("[") ? Family.INET6 : Family.INET;
    return new BindPoint(family, AddressLiteral.parse(host), port);
  }

  static TcpState state(String text) {
    return switch (text.toUpperCase(Locale.ROOT)) {
      case "LISTENING", "LISTEN" -> TcpState.LISTEN;
      case "BOUND" -> TcpState.BOUND;
      case "ESTABLISHED" -> TcpState.ESTABLISHED;
      case "SYN_SENT" -> TcpState.SYN_SENT;
      case "SYN_RECEIVED", "SYN_RCVD" -> TcpState.SYN_RECV;
      case "FIN_WAIT_1" -> TcpState.FIN_WAIT1;
      case "FIN_WAIT_2" -> TcpState.FIN_WAIT2;
      case "CLOSE_WAIT" -> TcpState.CLOSE_WAIT;
      case "CLOSING" -> TcpState.CLOSING;
      case "LAST_ACK" -> TcpState.LAST_ACK;
      case "TIME_WAIT" -> TcpState.TIME_WAIT;
      case "CLOSED", "DELETE_TCB" -> TcpState.CLOSE;
      default -> throw new IllegalArgumentException("unknown state '" + text + "'");
    };
  }
}
