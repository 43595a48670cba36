package dev.portkeep.bind.rules;

import dev.portkeep.bind.rules.BindHelper.Role;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One real experiment: a first socket (or none) in some state, then a second bind that listens.
 * Every dimension of the research sheet's matrices L1-L3 appears in {@link #all()}.
 */
record TruthCase(String group, First first, Side second, boolean privilegedPort) {
  /** Where a socket binds, with which options, as whom. */
  record Side(String address, boolean v6Only, boolean reuseAddr, boolean reusePort, Role role) {
    Family family() {
      return address.contains(":") ? Family.INET6 : Family.INET;
    }

    BindPoint at(int port) {
      return BindPoint.of(family(), address, port);
    }

    SocketOptions options() {
      return SocketOptions.NONE
          .withV6Only(v6Only)
          .withReuseAddr(reuseAddr)
          .withReusePort(reusePort);
    }

    @Override
    public String toString() {
      String name =
          address.equals("::")
              ? "[::]" + (v6Only ? " v6only" : " dual")
              : address.contains(":") ? "[" + address + "]" + (v6Only ? " v6only" : "") : address;
      return name
          + (reuseAddr ? " +REUSEADDR" : "")
          + (reusePort ? " +REUSEPORT" : "")
          + " as "
          + role.name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /** The first socket and the state the experiment leaves it in. */
  record First(TcpState state, Side side) {
    @Override
    public String toString() {
      return state + " " + side;
    }
  }

  @Override
  public String toString() {
    return group
        + ": "
        + (first == null ? "nothing" : first)
        + " | then "
        + second
        + (privilegedPort ? " on a port below 1024" : "");
  }

  private static final String[] ADDRESSES = {
    "0.0.0.0", "127.0.0.1", ":: dual", ":: v6only", "::1", "::ffff:127.0.0.1"
  };
  private static final boolean[][] OPTIONS = {
    {false, false}, {true, false}, {false, true}, {true, true}
  };

  private static Side side(String spec, boolean[] options, Role role) {
    String address = spec.split(" ")[0];
    return new Side(address, spec.endsWith("v6only"), options[0], options[1], role);
  }

  static List<TruthCase> all() {
    List<TruthCase> cases = new ArrayList<>();
    optionMatrix(cases);
    addressMatrix(cases);
    leftovers(cases);
    otherUid(cases);
    privileged(cases);
    Map<String, TruthCase> distinct = new LinkedHashMap<>();
    cases.forEach(c -> distinct.putIfAbsent(c.experiment(), c));
    return List.copyOf(distinct.values());
  }

  /** The experiment without its group label, so the same one listed twice runs once. */
  private String experiment() {
    return toString().substring(group.length());
  }

  /** L1: state x options on both sides, on the same address and across a wildcard. */
  private static void optionMatrix(List<TruthCase> cases) {
    String[][] pairs = {
      {"127.0.0.1", "127.0.0.1"}, {"0.0.0.0", "127.0.0.1"}, {"127.0.0.1", "0.0.0.0"}, {"::1", "::1"}
    };
    for (String[] pair : pairs) {
      for (TcpState state : List.of(TcpState.LISTEN, TcpState.BOUND)) {
        for (boolean[] mine : OPTIONS) {
          for (boolean[] theirs : OPTIONS) {
            cases.add(
                new TruthCase(
                    "L1 options",
                    new First(state, side(pair[0], mine, Role.SELF)),
                    side(pair[1], theirs, Role.SELF),
                    false));
          }
        }
      }
    }
  }

  /** L2: every address pair, first listening or bound, with no options or SO_REUSEADDR. */
  private static void addressMatrix(List<TruthCase> cases) {
    List<String> seconds = new ArrayList<>(List.of(ADDRESSES));
    seconds.add("127.0.0.2");
    for (String first : ADDRESSES) {
      for (String second : seconds) {
        cases.add(
            new TruthCase(
                "L2 overlap",
                new First(TcpState.LISTEN, side(first, OPTIONS[0], Role.SELF)),
                side(second, OPTIONS[0], Role.SELF),
                false));
        cases.add(
            new TruthCase(
                "L2 overlap",
                new First(TcpState.LISTEN, side(first, OPTIONS[1], Role.SELF)),
                side(second, OPTIONS[1], Role.SELF),
                false));
        cases.add(
            new TruthCase(
                "L2 overlap",
                new First(TcpState.BOUND, side(first, OPTIONS[0], Role.SELF)),
                side(second, OPTIONS[0], Role.SELF),
                false));
      }
    }
  }

  /** L3: TIME_WAIT and ESTABLISHED leftovers of a closed listener, options on both sides. */
  private static void leftovers(List<TruthCase> cases) {
    for (TcpState state : List.of(TcpState.TIME_WAIT, TcpState.ESTABLISHED)) {
      for (boolean[] old : OPTIONS) {
        for (boolean[] fresh : OPTIONS) {
          cases.add(
              new TruthCase(
                  "L3 leftover",
                  new First(state, side("127.0.0.1", old, Role.SELF)),
                  side("127.0.0.1", fresh, Role.SELF),
                  false));
        }
      }
      for (String first : List.of("::1", "::ffff:127.0.0.1")) {
        for (String second : List.of("127.0.0.1", "0.0.0.0", ":: dual", "::1")) {
          cases.add(
              new TruthCase(
                  "L3 leftover",
                  new First(state, side(first, OPTIONS[1], Role.SELF)),
                  side(second, OPTIONS[1], Role.SELF),
                  false));
        }
      }
    }
  }

  /** SO_REUSEPORT across uids, both directions; TIME_WAIT is exempt from the uid check. */
  private static void otherUid(List<TruthCase> cases) {
    Role[][] directions = {{Role.SELF, Role.NOBODY}, {Role.NOBODY, Role.SELF}};
    for (Role[] roles : directions) {
      for (TcpState state : List.of(TcpState.LISTEN, TcpState.BOUND, TcpState.TIME_WAIT)) {
        for (boolean[] mine : new boolean[][] {OPTIONS[2], OPTIONS[3]}) {
          for (boolean[] theirs : OPTIONS) {
            cases.add(
                new TruthCase(
                    "other uid",
                    new First(state, side("127.0.0.1", mine, roles[0])),
                    side("127.0.0.1", theirs, roles[1]),
                    false));
          }
        }
      }
    }
  }

  /** Ports below ip_unprivileged_port_start, per caller and address; EACCES beats EADDRINUSE. */
  private static void privileged(List<TruthCase> cases) {
    List<String> addresses = new ArrayList<>(List.of(ADDRESSES));
    addresses.add("127.0.0.2");
    for (Role role : Role.values()) {
      for (String address : addresses) {
        cases.add(new TruthCase("privileged port", null, side(address, OPTIONS[0], role), true));
      }
    }
    for (String address : List.of("127.0.0.1", "::ffff:127.0.0.1", "::1")) {
      cases.add(
          new TruthCase(
              "privileged port",
              new First(TcpState.LISTEN, side("0.0.0.0", OPTIONS[0], Role.SELF)),
              side(address, OPTIONS[0], Role.NOBODY),
              true));
    }
    cases.add(
        new TruthCase(
            "mapped on v6only",
            new First(TcpState.LISTEN, side("0.0.0.0", OPTIONS[0], Role.SELF)),
            side("::ffff:127.0.0.1 v6only", OPTIONS[0], Role.SELF),
            false));
    cases.add(
        new TruthCase(
            "mapped on v6only",
            null,
            side("::ffff:127.0.0.1 v6only", OPTIONS[0], Role.SELF),
            false));
  }
}
