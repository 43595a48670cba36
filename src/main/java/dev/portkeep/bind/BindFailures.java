package dev.portkeep.bind;

import dev.portkeep.error.BindRefusal;
import dev.portkeep.error.ListenException;
import java.io.IOException;
import java.net.BindException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The one place where a failed listener bind becomes a user-facing error: the OS error, the holder
 * and the rule from the bind engine on one line, the best way out as the hint, everything else as
 * detail for {@code -v}.
 */
public class BindFailures {
  private final BindCheck check;

  public BindFailures(BindCheck check) {
    this.check = check;
  }

  public static BindFailures system() {
    return new BindFailures(BindCheck.system());
  }

  /** Explains why {@code plan} failed to bind with {@code error}. */
  public ListenException explain(SocketPlan plan, IOException error, String forWhat) {
    String why = error.getMessage() == null ? error.getClass().getSimpleName() : error.getMessage();
    CheckReport report = check.explainFailure(plan, error);
    SocketCheck explained = report.sockets().get(0);
    List<String> hints = report.hints();
    List<String> notes = report.notes();
    String holders =
        explained.holders().isEmpty() ? "" : ": port held by " + explained.holderText();
    String message =
        "cannot listen on "
            + plan.display()
            + " for "
            + forWhat
            + ": "
            + why
            + holders
            + " (rule "
            + explained.rule()
            + ")";
    String hint = hints.isEmpty() ? fallbackHint(plan, error) : hints.get(0);
    List<String> detail = new ArrayList<>();
    detail.add("rule " + explained.rule() + ": " + explained.explanation());
    hints.stream().skip(1).forEach(h -> detail.add("also: " + h));
    notes.forEach(n -> detail.add("note: " + n));
    if (explained.verdict() != null) {
      explained.verdict().assumptions().forEach(a -> detail.add("assumed: " + a));
    }
    BindRefusal refusal =
        new BindRefusal(
            plan.display(),
            why,
            explained.rule(),
            explained.explanation(),
            explained.holderData(),
            hints.isEmpty() ? List.of(hint) : hints);
    return new ListenException(message, hint, String.join("\n", detail), error, refusal);
  }

  static String fallbackHint(SocketPlan plan, IOException error) {
    String text = String.valueOf(error.getMessage()).toLowerCase(Locale.ROOT);
    if (!(error instanceof BindException)) {
      return "check that this host can open sockets of this kind";
    }
    if (text.contains("permission denied")) {
      return "ports below 1024 need root or CAP_NET_BIND_SERVICE; pick a port above 1023";
    }
    if (text.contains("assign requested address")) {
      return plan.address().getHostAddress() + " is not an address of this machine; use one it has";
    }
    String address = plan.dualStack() ? "*:" + plan.port() : plan.display();
    return "run 'portkeep check " + address + "' to see who holds the port, or pick another port";
  }
}
