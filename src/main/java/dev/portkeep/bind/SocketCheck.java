package dev.portkeep.bind;

import dev.portkeep.bind.rules.Holder;
import dev.portkeep.bind.rules.PlannedBind;
import dev.portkeep.bind.rules.Principal;
import dev.portkeep.bind.rules.ProcessRef;
import dev.portkeep.bind.rules.Rule;
import dev.portkeep.bind.rules.SocketEntry;
import dev.portkeep.bind.rules.Verdict;
import dev.portkeep.error.BindRefusal;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The answer for one planned listening socket: whether it binds (tried for real when checking), the
 * rule that decides it, the sockets that hold the port, and the model's verdict behind it.
 */
public record SocketCheck(
    SocketPlan plan,
    @Nullable PlannedBind planned,
    @Nullable Verdict verdict,
    boolean bindable,
    String rule,
    String explanation,
    List<Holder> holders) {
  public SocketCheck {
    Objects.requireNonNull(plan, "plan");
    Objects.requireNonNull(rule, "rule");
    Objects.requireNonNull(explanation, "explanation");
    holders = List.copyOf(holders);
  }

  /** The rule as the model named it, when the answer is the model's. */
  public boolean ruleIs(Rule r) {
    return rule.equals(r.name());
  }

  /** The holders as data, as {@code check --json}, status and the web page show them. */
  public List<BindRefusal.Holder> holderData() {
    return holders.stream().map(h -> data(h.entry())).toList();
  }

  private static BindRefusal.Holder data(SocketEntry e) {
    ProcessRef.Seen seen = e.process() instanceof ProcessRef.Seen s ? s : null;
    return new BindRefusal.Holder(
        e.local().toString(),
        e.state().name(),
        Optional.ofNullable(seen).map(ProcessRef.Seen::pid),
        seen != null ? Optional.ofNullable(seen.name()) : Optional.of(e.process().describe()),
        e.owner() instanceof Principal.LinuxUser u ? Optional.of(u.uid()) : Optional.empty(),
        e.owner() instanceof Principal.Unknown
            ? Optional.empty()
            : Optional.of(e.owner().describe()));
  }

  /** The holders as a message names them, e.g. {@code smbd (pid 812, listening on 0.0.0.0:445)}. */
  public String holderText() {
    return String.join("; ", holders.stream().map(h -> phrase(h.entry())).toList());
  }

  private static String phrase(SocketEntry e) {
    String state =
        switch (e.state()) {
          case LISTEN -> "listening on ";
          case BOUND -> "bound, not listening, on ";
          case TIME_WAIT -> "TIME_WAIT on ";
          default -> e.state().name().toLowerCase(java.util.Locale.ROOT) + " on ";
        };
    return switch (e.process()) {
      case ProcessRef.Seen seen ->
          (seen.name() == null ? "pid " + seen.pid() : seen.name() + " (pid " + seen.pid())
              + ", "
              + state
              + e.local()
              + (seen.name() == null ? "" : ")");
      case ProcessRef.Hidden hidden -> hidden.describe() + ", " + state + e.local();
      case ProcessRef.Absent absent ->
          "a socket " + state + e.local() + " (" + absent.describe() + ")";
    };
  }
}
