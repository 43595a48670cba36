package dev.portkeep.bind;

import dev.portkeep.error.ListenException;
import java.io.IOException;
import java.net.BindException;

/**
 * The one place where a failed listener bind becomes a user-facing error. The bind engine plugs its
 * explanation (who holds the port, which rule blocks) in here.
 */
public class BindFailures {

  public static BindFailures system() {
    return new BindFailures();
  }

  /** Turns a bind failure into a message naming the address and the OS error, plus a hint. */
  public ListenException explain(SocketPlan plan, IOException error, String forWhat) {
    String why = error.getMessage() == null ? error.getClass().getSimpleName() : error.getMessage();
    String message = "cannot listen on " + plan.display() + " for " + forWhat + ": " + why;
    return new ListenException(message, hint(plan, error), "", error);
  }

  static String hint(SocketPlan plan, IOException error) {
    String text = String.valueOf(error.getMessage()).toLowerCase(java.util.Locale.ROOT);
    if (!(error instanceof BindException)) {
      return "check that this host can open sockets of this kind";
    }
    if (text.contains("permission denied")) {
      return "ports below 1024 need root or CAP_NET_BIND_SERVICE (or a lower "
          + "net.ipv4.ip_unprivileged_port_start); pick a port above 1023";
    }
    if (text.contains("assign requested address")) {
      return plan.address().getHostAddress() + " is not an address of this machine; use one it has";
    }
    if (plan.dualStack()) {
      return "a dual-stack listener needs port " + plan.port()
          + " free on both IPv4 and IPv6; run 'portkeep check *:" + plan.port()
          + "' to see who holds it, or pick another port";
    }
    return "another program holds port " + plan.port() + "; run 'portkeep check "
        + plan.display() + "' to see who, or pick another port";
  }
}
