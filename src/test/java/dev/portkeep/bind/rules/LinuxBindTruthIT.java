package dev.portkeep.bind.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.portkeep.bind.rules.BindHelper.Role;
import dev.portkeep.bind.table.LinuxProcSource;
import dev.portkeep.bind.table.Snapshot;
import java.io.IOException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Asks the model about a bind, then makes that bind for real on this Linux box and compares.
 *
 * <p>python3 helpers create the sockets (Java cannot set IPV6_V6ONLY); the first socket's state is
 * read back from /proc through {@link LinuxProcSource}, and only the options the test set, which
 * /proc cannot show, are filled in by hand.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LinuxBindTruthIT {
  private static final int ATTEMPTS = 25;

  private final Map<Role, BindHelper> helpers = new EnumMap<>(Role.class);
  private final LinuxRules rules = new LinuxRules();
  private final LinuxProcSource reader = new LinuxProcSource();
  private boolean root;

  @BeforeAll
  void startHelpers() {
    assumeTrue(System.getProperty("os.name").startsWith("Linux"), "needs Linux");
    start(Role.SELF);
    assumeTrue(helpers.containsKey(Role.SELF), "needs python3 to create sockets with V6ONLY");
    root =
        helpers.get(Role.SELF).caller().principal() instanceof Principal.LinuxUser user
            && user.uid() == 0;
    if (root) {
      start(Role.NOBODY);
      start(Role.SELF_WITHOUT_CAP_NET_BIND_SERVICE);
    }
  }

  /** Starts a helper; one that cannot start stays absent, and its cases are skipped by name. */
  private void start(Role role) {
    try {
      helpers.put(role, BindHelper.start(role));
    } catch (IOException e) {
      System.err.println("LinuxBindTruthIT: cannot start the " + role + " helper: " + e);
    }
  }

  @AfterAll
  void stopHelpers() {
    helpers.values().forEach(BindHelper::close);
  }

  static Stream<TruthCase> cases() {
    return TruthCase.all().stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void verdict_realBind_agrees(TruthCase c) throws Exception {
    for (Role role : roles(c)) {
      assumeTrue(helpers.containsKey(role), "needs root and setpriv to run a helper as " + role);
    }
    assumeTrue(
        !c.privilegedPort() || c.second().role() != Role.SELF || root,
        "needs root: a privileged port must be bindable by the test's own user");
    for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
      int port = c.privilegedPort() ? random(600, 1024) : random(20000, 32000);
      Optional<Trial> trial = tryOnce(c, port);
      if (trial.isPresent()) {
        assertThat(trial.get().actual())
            .as("%s on port %d; model said: %s", c, port, trial.get().verdict())
            .isEqualTo(predicted(trial.get().verdict()));
        return;
      }
    }
    throw new IllegalStateException("no quiet port found in " + ATTEMPTS + " tries for " + c);
  }

  private record Trial(Verdict verdict, String actual) {}

  @Test
  void listen_twoBoundReuseAddrSockets_secondListenerFailsAsTheModelWarns() throws Exception {
    BindHelper self = helpers.get(Role.SELF);
    SocketOptions reuse = SocketOptions.NONE.withReuseAddr(true);
    for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
      BindPoint at = BindPoint.of(Family.INET, "127.0.0.1", random(20000, 32000));
      int first = self.open(Family.INET, reuse);
      int second = self.open(Family.INET, reuse);
      try {
        if (!BindHelper.result(self.call("bind " + first + " 127.0.0.1 " + at.port()))
            .equals("OK")) {
          continue;
        }
        SocketEntry bound =
            new SocketEntry(
                at,
                TcpState.BOUND,
                reuse,
                self.caller().principal(),
                new ProcessRef.Seen(self.pid(), "python3", null));
        Verdict verdict =
            rules.verdict(
                SocketTable.of(bound),
                new PlannedBind(at, reuse, self.caller()),
                HostFacts.loopbackOnly());

        assertThat(verdict.rule()).isEqualTo(Rule.SHARED_BY_REUSEADDR);
        assertThat(verdict.explanation()).contains("listen() second fails");
        assertThat(self.call("bind " + second + " 127.0.0.1 " + at.port())).isEqualTo("ok");
        assertThat(self.call("listen " + second)).isEqualTo("ok");
        assertThat(self.call("listen " + first)).isEqualTo("err EADDRINUSE");
        return;
      } finally {
        self.call("close " + first);
        self.call("close " + second);
      }
    }
    throw new IllegalStateException("no quiet port found in " + ATTEMPTS + " tries");
  }

  /** One run on one port; empty when the port turned out to be busy or shared with strangers. */
  private Optional<Trial> tryOnce(TruthCase c, int port) throws Exception {
    try (FirstSocket first = FirstSocket.create(c.first(), port, helpers)) {
      if (first == null) {
        return Optional.empty();
      }
      Optional<SocketTable> table = first.table(reader, port);
      if (table.isEmpty()) {
        return Optional.empty();
      }
      Snapshot snapshot = reader.snapshot();
      BindHelper second = helpers.get(c.second().role());
      PlannedBind plan =
          new PlannedBind(c.second().at(port), c.second().options(), second.caller());
      Verdict verdict = rules.verdict(table.get(), plan, snapshot.host());
      String actual = second.bindAndListen(plan.at(), plan.options(), true);
      return Optional.of(new Trial(verdict, actual));
    }
  }

  private static String predicted(Verdict verdict) {
    return switch (verdict.outcome()) {
      case BINDABLE -> "OK";
      case REFUSED -> verdict.error().name();
      case UNCERTAIN -> "UNCERTAIN (" + verdict + ")";
    };
  }

  private static List<Role> roles(TruthCase c) {
    List<Role> roles = new ArrayList<>(List.of(c.second().role()));
    if (c.first() != null) {
      roles.add(c.first().side().role());
    }
    return roles;
  }

  /** Ports an earlier case of this run took: their leftovers may still be in the kernel. */
  private static final java.util.Set<Integer> USED =
      java.util.concurrent.ConcurrentHashMap.newKeySet();

  /**
   * A random port in [from, to) that no earlier case of this run took, while one is found in a
   * hundred picks. A fresh-clone CI run failed case 337 ("TIME_WAIT as nobody, then +REUSEPORT as
   * self" got EADDRINUSE where the model allows the bind); the likely cause, not proven: an earlier
   * case's TIME_WAIT on the same address, which /proc shows just like this case's own, with other
   * options or another owner.
   */
  private static int random(int from, int to) {
    int port = from;
    for (int pick = 0; pick < 100; pick++) {
      port = ThreadLocalRandom.current().nextInt(from, to);
      if (USED.add(port)) {
        return port;
      }
    }
    return port;
  }
}
