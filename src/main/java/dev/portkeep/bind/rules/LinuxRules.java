package dev.portkeep.bind.rules;

import java.net.Inet6Address;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Linux TCP bind rules (kernel 6.x): address and privilege checks in the kernel's order, then the
 * conflict predicate of {@code inet_bind_conflict()} against every overlapping socket.
 */
public final class LinuxRules implements RuleSet {

  @Override
  public Verdict verdict(SocketTable table, PlannedBind plan, HostFacts host) {
    if (plan.options().exclusiveAddrUse() == TriState.YES) {
      throw new IllegalArgumentException("SO_EXCLUSIVEADDRUSE exists only on Windows: " + plan);
    }
    List<String> assumptions = new ArrayList<>();
    Optional<Verdict> early = LinuxPreflight.check(plan, host, assumptions);
    if (early.isPresent()) {
      return early.get();
    }
    if (plan.at().port() == 0) {
      return new Verdict(
          Outcome.BINDABLE,
          BindError.NONE,
          Rule.PORT_FREE,
          "port 0 asks the kernel for a free ephemeral port.",
          List.of(),
          assumptions);
    }
    List<Verdicts.Finding> findings = new ArrayList<>();
    for (SocketEntry entry : table.onPort(plan.at().port())) {
      Verdicts.weigh(entry, judgeAll(plan, entry)).ifPresent(findings::add);
    }
    return Verdicts.combine(plan, table, findings, assumptions);
  }

  private static Possibilities<Judgement> judgeAll(PlannedBind plan, SocketEntry entry) {
    String who = entry.describe();
    List<Possibilities.Fact> facts =
        List.of(
            new Possibilities.Fact("whether " + who + " set IPV6_V6ONLY", entry.options().v6Only()),
            new Possibilities.Fact(
                "whether " + who + " set SO_REUSEADDR", entry.options().reuseAddr()),
            new Possibilities.Fact(
                "whether " + who + " set SO_REUSEPORT", entry.options().reusePort()),
            new Possibilities.Fact(
                "whether " + who + " belongs to the caller's uid",
                entry.owner().sameAs(plan.caller().principal())));
    return Possibilities.judge(facts, world -> judge(plan, entry, world));
  }

  /** One world: {@code world} holds the entry's V6ONLY, REUSEADDR, REUSEPORT and same-uid. */
  private static Judgement judge(PlannedBind plan, SocketEntry entry, boolean[] world) {
    boolean mineV6Only = plan.options().v6Only() == TriState.YES;
    if (!LinuxOverlap.overlaps(plan.at(), mineV6Only, entry.local(), world[0])) {
      return Judgement.APART;
    }
    Stack stack = LinuxOverlap.stackOf(plan.at(), entry.local());
    boolean timeWait = entry.state() == TcpState.TIME_WAIT;
    boolean bothReuseAddr = plan.options().reuseAddr() == TriState.YES && world[1];
    boolean bothReusePort = plan.options().reusePort() == TriState.YES && world[2];
    String shares =
        Verdicts.name(plan)
            + " shares port "
            + plan.at().port()
            + " with "
            + entry.describe()
            + " because both set ";
    if (bothReuseAddr && entry.state() != TcpState.LISTEN) {
      return shares(
          Rule.SHARED_BY_REUSEADDR,
          stack,
          shares
              + "SO_REUSEADDR and it is not"
              + " listening; whichever of the two calls listen() second fails.");
    }
    if (bothReusePort && (timeWait || world[3])) {
      return shares(
          Rule.SHARED_BY_REUSEPORT,
          stack,
          shares
              + "SO_REUSEPORT"
              + (timeWait
                  ? " and a TIME_WAIT leftover is exempt from the uid check."
                  : " under one uid."));
    }
    return blocked(plan, entry, stack, bothReusePort);
  }

  /** Names why an overlapping socket that nothing lets us share with refuses the bind. */
  private static Judgement blocked(
      PlannedBind plan, SocketEntry entry, Stack stack, boolean bothReusePort) {
    String head = Verdicts.name(plan) + " overlaps " + entry.describe();
    if (bothReusePort) {
      return blocks(
          Rule.REUSEPORT_OTHER_USER,
          stack,
          head
              + "; both set SO_REUSEPORT, but the"
              + " kernel shares a port only between sockets of one uid (it is owned by "
              + entry.owner().describe()
              + ").");
    }
    if (entry.state() == TcpState.LISTEN) {
      return blocks(
          Rule.LISTENER_HOLDS_PORT,
          stack,
          head
              + ", and a listener refuses every"
              + " overlapping bind unless both sockets set SO_REUSEPORT under one uid.");
    }
    boolean timeWait = entry.state() == TcpState.TIME_WAIT;
    return blocks(
        timeWait ? Rule.TIME_WAIT_HOLDS_PORT : Rule.SOCKET_HOLDS_PORT,
        stack,
        head
            + ", which keeps the port unless both sockets set SO_REUSEADDR, or both set SO_REUSEPORT"
            + (timeWait ? "." : " under one uid."));
  }

  private static Judgement shares(Rule rule, Stack stack, String sentence) {
    return new Judgement(Judgement.Effect.SHARES, rule, BindError.NONE, stack, sentence);
  }

  private static Judgement blocks(Rule rule, Stack stack, String sentence) {
    return new Judgement(Judgement.Effect.BLOCKS, rule, BindError.EADDRINUSE, stack, sentence);
  }

  /** True for an IPv6 link-local address that carries no scope id. */
  static boolean lacksScope(BindPoint at) {
    return at.address() instanceof Inet6Address v6
        && v6.isLinkLocalAddress()
        && v6.getScopeId() == 0;
  }
}
