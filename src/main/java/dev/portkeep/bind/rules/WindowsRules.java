package dev.portkeep.bind.rules;

import dev.portkeep.bind.rules.WindowsSharingTable.Cell;
import dev.portkeep.bind.rules.WindowsSharingTable.Kind;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Windows bind rules (Server 2003 and later, "enhanced socket security"): excluded port ranges,
 * kernel-held ports, then Microsoft's sharing tables on every stack the bind reserves.
 */
public final class WindowsRules implements RuleSet {
  private static final long SYSTEM_PID = 4;

  @Override
  public Verdict verdict(SocketTable table, PlannedBind plan, HostFacts host) {
    if (plan.options().reusePort() == TriState.YES) {
      throw new IllegalArgumentException("Windows has no SO_REUSEPORT: " + plan);
    }
    List<String> assumptions = new ArrayList<>();
    var early = WindowsPreflight.check(plan, host, assumptions);
    if (early.isPresent()) {
      return early.get();
    }
    List<SocketEntry> onPort = table.onPort(plan.at().port());
    List<Verdicts.Finding> findings = new ArrayList<>();
    for (SocketEntry entry : onPort) {
      if (entry.state().isConnection() && coveredByLiveSocket(entry, onPort)) {
        continue; // an accepted connection of a live listener: the listener decides
      }
      Verdicts.weigh(entry, judgeAll(plan, entry)).ifPresent(findings::add);
    }
    return Verdicts.combine(plan, table, findings, assumptions);
  }

  private static boolean coveredByLiveSocket(SocketEntry connection, List<SocketEntry> onPort) {
    return onPort.stream()
        .filter(e -> !e.state().isConnection())
        .anyMatch(
            e ->
                e.local().isIpv4Address() == connection.local().isIpv4Address()
                    && WindowsStacks.meet(e.local().address(), connection.local().address()));
  }

  private static Possibilities<Judgement> judgeAll(PlannedBind plan, SocketEntry entry) {
    String who = entry.describe();
    SocketOptions o = entry.options();
    List<Possibilities.Fact> facts =
        List.of(
            new Possibilities.Fact("whether " + who + " set IPV6_V6ONLY", o.v6Only()),
            new Possibilities.Fact(
                "whether " + who + " set SO_EXCLUSIVEADDRUSE", o.exclusiveAddrUse()),
            new Possibilities.Fact("whether " + who + " set SO_REUSEADDR", o.reuseAddr()),
            new Possibilities.Fact(
                "whether " + who + " runs under the caller's account",
                entry.owner().sameAs(plan.caller().principal())));
    return Possibilities.judge(facts, world -> judge(plan, entry, world));
  }

  /** One world: {@code world} is the entry's V6ONLY, EXCLUSIVEADDRUSE, REUSEADDR, same account. */
  private static Judgement judge(PlannedBind plan, SocketEntry entry, boolean[] world) {
    Map<Stack, InetAddress> mine =
        WindowsStacks.reserved(plan.at(), plan.options().v6Only() == TriState.YES);
    Map<Stack, InetAddress> theirs = WindowsStacks.reserved(entry.local(), world[0]);
    Judgement shared = Judgement.APART;
    for (Stack stack : mine.keySet()) {
      InetAddress their = theirs.get(stack);
      if (their == null || !WindowsStacks.meet(mine.get(stack), their)) {
        continue;
      }
      Judgement here = judgeStack(plan, entry, world, stack, mine.get(stack), their);
      if (here.mayBlock()) {
        return here;
      }
      shared = here;
    }
    return shared;
  }

  private static Judgement judgeStack(
      PlannedBind plan,
      SocketEntry entry,
      boolean[] world,
      Stack stack,
      InetAddress my,
      InetAddress their) {
    String head =
        Verdicts.name(plan) + " meets " + entry.describe() + " on the " + stack.label() + " stack";
    if (entry.process() instanceof ProcessRef.Seen seen && seen.pid() == SYSTEM_PID) {
      return new Judgement(
          Judgement.Effect.BLOCKS,
          Rule.KERNEL_HOLDS_PORT,
          BindError.WSAEACCES,
          stack,
          head
              + "; a port the kernel holds (System, pid 4, as the SMB server holds 445"
              + " and 139) refuses user binds with 10013 until its service is stopped.");
    }
    if (entry.state().isConnection()) {
      return new Judgement(
          Judgement.Effect.MAY_BLOCK,
          Rule.LINGERING_CONNECTION,
          BindError.WSAEADDRINUSE,
          stack,
          "whether the closed listener behind "
              + entry.describe()
              + " used SO_EXCLUSIVEADDRUSE, which keeps the port until its connections end");
    }
    return byTable(plan, world, stack, head, my, their);
  }

  /** Looks the pair up in table B (one account) or C (two accounts). */
  private static Judgement byTable(
      PlannedBind plan,
      boolean[] world,
      Stack stack,
      String head,
      InetAddress my,
      InetAddress their) {
    Kind first = Kind.of(world[1], world[2]);
    Kind second =
        Kind.of(
            plan.options().exclusiveAddrUse() == TriState.YES,
            plan.options().reuseAddr() == TriState.YES);
    boolean firstWild = their.isAnyLocalAddress();
    boolean secondWild = my.isAnyLocalAddress();
    Cell cell = WindowsSharingTable.lookup(world[3], first, firstWild, second, secondWild);
    String why =
        head
            + ", and Microsoft's table for "
            + (world[3] ? "one account" : "two accounts")
            + " gives "
            + cellText(cell)
            + " to a second "
            + WindowsSharingTable.describe(second, secondWild)
            + " after a first "
            + WindowsSharingTable.describe(first, firstWild)
            + ".";
    return switch (cell) {
      case SUCCESS ->
          new Judgement(
              Judgement.Effect.SHARES, Rule.SHARING_TABLE_ALLOWS, BindError.NONE, stack, why);
      case IN_USE -> inUse(plan, stack, why);
      case ACCESS ->
          new Judgement(
              Judgement.Effect.BLOCKS,
              Rule.SHARING_TABLE_ACCESS_DENIED,
              BindError.WSAEACCES,
              stack,
              why);
    };
  }

  /**
   * Microsoft's dual-stack example (an exclusive {@code [::]} bind after an IPv4 loopback bind)
   * reports WSAEACCES where table B says WSAEADDRINUSE; we follow the example and say so.
   */
  private static Judgement inUse(PlannedBind plan, Stack stack, String why) {
    if (plan.isDualStackWildcard() && stack == Stack.IPV4) {
      return new Judgement(
          Judgement.Effect.BLOCKS,
          Rule.SHARING_TABLE_IN_USE,
          BindError.WSAEACCES,
          stack,
          why,
          "the error code: Microsoft's dual-stack example reports WSAEACCES (10013)"
              + " for a conflict on the IPv4 side, where its table gives WSAEADDRINUSE (10048)");
    }
    return new Judgement(
        Judgement.Effect.BLOCKS, Rule.SHARING_TABLE_IN_USE, BindError.WSAEADDRINUSE, stack, why);
  }

  private static String cellText(Cell cell) {
    return switch (cell) {
      case SUCCESS -> "success";
      case IN_USE -> "WSAEADDRINUSE (10048)";
      case ACCESS -> "WSAEACCES (10013)";
    };
  }
}
