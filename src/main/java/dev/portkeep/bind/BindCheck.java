package dev.portkeep.bind;

import dev.portkeep.bind.rules.BindPoint;
import dev.portkeep.bind.rules.Caller;
import dev.portkeep.bind.rules.Family;
import dev.portkeep.bind.rules.HostFacts;
import dev.portkeep.bind.rules.Outcome;
import dev.portkeep.bind.rules.PlannedBind;
import dev.portkeep.bind.rules.Principal;
import dev.portkeep.bind.rules.Privilege;
import dev.portkeep.bind.rules.RuleSet;
import dev.portkeep.bind.rules.SocketOptions;
import dev.portkeep.bind.rules.SocketTable;
import dev.portkeep.bind.rules.Verdict;
import dev.portkeep.bind.table.LinuxCaller;
import dev.portkeep.bind.table.Snapshot;
import dev.portkeep.bind.table.SocketTableSource;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.nio.channels.ServerSocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.IntPredicate;

/**
 * Predicts and explains listener binds: takes one snapshot of the socket table, asks the rules
 * model about exactly the sockets the listener layer would open (same addresses, same options), and
 * when checking also tries each bind for real, so the answer is what this host does now and the
 * explanation is the model's.
 */
public final class BindCheck {
  private final SocketOptionsPolicy policy;
  private final Optional<SocketTableSource> source;

  public BindCheck(SocketOptionsPolicy policy, Optional<SocketTableSource> source) {
    this.policy = policy;
    this.source = source;
  }

  public static BindCheck system() {
    Optional<SocketTableSource> source;
    try {
      source = Optional.of(SocketTableSource.forThisHost());
    } catch (UnsupportedOperationException e) {
      source = Optional.empty();
    }
    return new BindCheck(SocketOptionsPolicy.current(), source);
  }

  /** A view of the host at one moment: the table, the rules, and who is binding. */
  record Scene(
      SocketTable table, HostFacts host, RuleSet rules, Caller caller, List<String> notes) {}

  /** Ports a check may name: the planned ones, and those the hints search around them. */
  public static IntPredicate near(List<SocketPlan> plans) {
    int low = plans.stream().mapToInt(SocketPlan::port).min().orElse(0) - BindHints.PORT_SEARCH;
    int high = plans.stream().mapToInt(SocketPlan::port).max().orElse(0) + BindHints.PORT_SEARCH;
    return port -> port >= low && port <= high;
  }

  Optional<Scene> scene(IntPredicate ports) {
    if (source.isEmpty()) {
      return Optional.empty();
    }
    try {
      Snapshot snapshot = source.get().snapshot(ports);
      return Optional.of(
          new Scene(
              snapshot.table(), snapshot.host(), source.get().rules(), caller(), snapshot.notes()));
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  private Caller caller() throws IOException {
    if (policy == SocketOptionsPolicy.WINDOWS) {
      return new Caller(
          new Principal.WindowsAccount(System.getProperty("user.name", "?")),
          Privilege.UNPRIVILEGED);
    }
    return LinuxCaller.current();
  }

  /** The bind portkeep's listener layer makes for {@code plan}: its family, address and options. */
  PlannedBind planned(SocketPlan plan, Caller caller) {
    boolean v6 = plan.family() == StandardProtocolFamily.INET6;
    SocketOptions options =
        SocketOptions.NONE
            .withReuseAddr(policy.reuseAddress())
            .withReusePort(false)
            .withExclusiveAddrUse(policy == SocketOptionsPolicy.WINDOWS);
    // The JDK opens every IPv6 socket with IPV6_V6ONLY off; Linux makes specific addresses v6-only
    // itself.
    options = v6 ? options.withV6Only(false) : options;
    return new PlannedBind(
        new BindPoint(v6 ? Family.INET6 : Family.INET, plan.address(), plan.port()),
        options,
        caller);
  }

  /** Checks every socket of a listen address: the model's verdict, confirmed by a trial bind. */
  public CheckReport check(String address, List<SocketPlan> plans) {
    Optional<Scene> scene = scene(near(plans));
    List<String> notes = new ArrayList<>();
    scene.ifPresentOrElse(
        s -> notes.addAll(s.notes()),
        () ->
            notes.add(
                "no socket table could be read on this system, so holders cannot be named; the answer comes from trying each bind"));
    List<SocketCheck> sockets = new ArrayList<>();
    for (SocketPlan plan : plans) {
      sockets.add(judge(plan, scene, trial(plan), notes));
    }
    List<String> hints = scene.map(s -> BindHints.forChecks(sockets, s, this)).orElse(List.of());
    return new CheckReport(address, sockets, hints, notes);
  }

  /**
   * Explains a bind that really failed with {@code error}: the verdict, hints and caveats, from one
   * look at the host.
   */
  public CheckReport explainFailure(SocketPlan plan, IOException error) {
    Optional<Scene> scene = scene(near(List.of(plan)));
    List<String> notes = new ArrayList<>();
    SocketCheck explained = judge(plan, scene, Optional.of(error), notes);
    List<String> hints =
        explained.bindable() || scene.isEmpty()
            ? List.of()
            : BindHints.forChecks(List.of(explained), scene.get(), this);
    return new CheckReport(plan.display(), List.of(explained), hints, notes);
  }

  private SocketCheck judge(
      SocketPlan plan, Optional<Scene> scene, Optional<IOException> failure, List<String> notes) {
    if (scene.isEmpty()) {
      String why =
          failure.map(e -> String.valueOf(e.getMessage())).orElse("the trial bind succeeded");
      return new SocketCheck(
          plan,
          null,
          null,
          failure.isEmpty(),
          failure.isEmpty() ? "PORT_FREE" : "OS_REFUSED",
          why,
          List.of());
    }
    Scene s = scene.get();
    PlannedBind planned = planned(plan, s.caller());
    Verdict verdict = s.rules().verdict(s.table(), planned, s.host());
    boolean bindable = failure.isEmpty();
    if (bindable && verdict.outcome() == Outcome.REFUSED) {
      notes.add(
          "the model predicted "
              + verdict.error()
              + " for "
              + plan.display()
              + " ("
              + verdict.rule()
              + ") but the bind succeeded; the socket table may have changed, or the model is wrong here");
    }
    if (!bindable && verdict.outcome() != Outcome.REFUSED && verdict.holders().isEmpty()) {
      return new SocketCheck(
          plan,
          planned,
          verdict,
          false,
          "INVISIBLE_HOLDER",
          "the bind failed ("
              + failure.get().getMessage()
              + ") but no socket in the table explains it: the port is"
              + " likely held by a socket that is bound but not listening, which the table cannot show",
          List.of());
    }
    String explanation = verdict.explanation();
    if (!bindable && verdict.outcome() == Outcome.UNCERTAIN) {
      // The model could not be sure from the table; the failed bind settles it.
      explanation =
          "the bind fails ("
              + failure.get().getMessage()
              + "): "
              + explanation.replaceFirst(
                  "^this may fail, depending on what the table cannot show: ", "");
    }
    return new SocketCheck(
        plan, planned, verdict, bindable, verdict.rule().name(), explanation, verdict.holders());
  }

  /** Really binds and closes the socket the listener layer would open; empty when it bound. */
  Optional<IOException> trial(SocketPlan plan) {
    try (ServerSocketChannel channel = ServerSocketChannel.open(plan.family())) {
      policy.apply(channel);
      channel.bind(plan.socketAddress(), 1);
      return Optional.empty();
    } catch (IOException e) {
      return Optional.of(e);
    }
  }

  /** The model's verdict for a hypothetical socket in the same scene (for hints). */
  Verdict predict(Scene scene, SocketPlan plan) {
    return scene.rules().verdict(scene.table(), planned(plan, scene.caller()), scene.host());
  }

  SocketOptionsPolicy policy() {
    return policy;
  }
}
