package dev.portkeep.config.tunnels;

import dev.portkeep.config.AddressFamily;
import dev.portkeep.config.BindAddress;
import dev.portkeep.config.ForwardSpec;
import dev.portkeep.config.ForwardSyntax;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Two local listeners on one port clash when the kernel would refuse the second: when their
 * addresses overlap. The rule, without asking the system:
 *
 * <ul>
 *   <li>{@code *}, an empty address and {@code ::} hold every address (one dual-stack socket), so
 *       they overlap everything; with {@code address_family = "inet"}, {@code *} is {@code
 *       0.0.0.0};
 *   <li>{@code 0.0.0.0} overlaps every IPv4 address, {@code localhost}'s 127.0.0.1 included;
 *   <li>{@code localhost} (or no address) is 127.0.0.1 and ::1, one of them under {@code
 *       address_family};
 *   <li>IP addresses overlap when equal ({@code ::ffff:a.b.c.d} is a.b.c.d); 127.0.0.1 and
 *       127.0.0.2 do not;
 *   <li>a host name overlaps only the same name: names are not looked up here.
 * </ul>
 *
 * Port 0 never clashes. Each disabled tunnel is checked on its own; enabled tunnels, {@code
 * metrics} and {@code ui} are checked together.
 */
final class ListenClash {
  /** A local listen address and where the file (or ssh_config) asked for it. */
  record Listener(BindAddress bind, AddressFamily family, int port, String shown, KeyPath where) {
    /** The listener of a -L or -D spec; none for -R, which listens on the server. */
    static Optional<Listener> of(
        ForwardSpec spec, AddressFamily family, String shown, KeyPath where) {
      return switch (spec) {
        case ForwardSpec.Local l ->
            Optional.of(new Listener(l.bind(), family, l.port(), shown, where));
        case ForwardSpec.Dynamic d ->
            Optional.of(new Listener(d.bind(), family, d.port(), shown, where));
        case ForwardSpec.Remote r -> Optional.empty();
      };
    }

    String address() {
      return bind + ":" + port;
    }
  }

  private sealed interface Scope {
    record All() implements Scope {}

    record AllInet() implements Scope {}

    record Addresses(Set<String> addresses) implements Scope {}

    record Named(String name) implements Scope {}
  }

  private ListenClash() {}

  static void check(List<TunnelReader.Result> tunnels, Globals globals, Errors errors) {
    List<Listener> together = new ArrayList<>();
    globals.metrics().ifPresent(l -> together.add(global(l, Keys.METRICS)));
    globals.ui().ifPresent(l -> together.add(global(l, Keys.UI)));
    for (TunnelReader.Result result : tunnels) {
      if (result.tunnel().enabled()) {
        together.addAll(result.listeners());
      } else {
        check(result.listeners(), errors);
      }
    }
    check(together, errors);
  }

  private static Listener global(ForwardSyntax.Listen listen, String key) {
    return new Listener(
        listen.bind(),
        AddressFamily.ANY,
        listen.port(),
        Quote.of(listen.bind() + ":" + listen.port()),
        KeyPath.of(key));
  }

  private static void check(List<Listener> listeners, Errors errors) {
    Map<Integer, Port> ports = new HashMap<>();
    for (Listener l : listeners) {
      if (l.port() == 0) {
        continue;
      }
      Scope scope = scope(l.bind(), l.family());
      Port port = ports.computeIfAbsent(l.port(), p -> new Port());
      Optional<Listener> held = port.clash(scope);
      if (held.isPresent()) {
        Listener first = held.get();
        throw errors.at(
            l.where(),
            l.shown()
                + " listens on "
                + l.address()
                + ", which overlaps "
                + first.address()
                + " of "
                + first.where()
                + " "
                + first.shown()
                + " at line "
                + errors.line(first.where()),
            "the kernel refuses a second listener on an overlapping address and port: give one"
                + " of them another port or address (port 0 picks a free one)");
      }
      port.add(l, scope);
    }
  }

  /** Who holds what on one port so far. */
  private static final class Port {
    private Listener first;
    private Listener all;
    private Listener allInet;
    private Listener anyInet;
    private final Map<String, Listener> addresses = new HashMap<>();
    private final Map<String, Listener> names = new HashMap<>();

    Optional<Listener> clash(Scope scope) {
      Listener found =
          switch (scope) {
            case Scope.All a -> first;
            case Scope.AllInet a -> or(all, or(allInet, anyInet));
            case Scope.Addresses a -> {
              Listener hit =
                  or(all, a.addresses().stream().anyMatch(ListenClash::isInet) ? allInet : null);
              for (String address : a.addresses()) {
                hit = or(hit, addresses.get(address));
              }
              yield hit;
            }
            case Scope.Named n -> or(all, names.get(n.name()));
          };
      return Optional.ofNullable(found);
    }

    void add(Listener l, Scope scope) {
      first = or(first, l);
      switch (scope) {
        case Scope.All a -> all = or(all, l);
        case Scope.AllInet a -> {
          allInet = or(allInet, l);
          anyInet = or(anyInet, l);
        }
        case Scope.Addresses a -> {
          for (String address : a.addresses()) {
            addresses.putIfAbsent(address, l);
            if (isInet(address)) {
              anyInet = or(anyInet, l);
            }
          }
        }
        case Scope.Named n -> names.putIfAbsent(n.name(), l);
      }
    }

    private static Listener or(Listener a, Listener b) {
      return a != null ? a : b;
    }
  }

  private static boolean isInet(String address) {
    return address.indexOf(':') < 0;
  }

  private static Scope scope(BindAddress bind, AddressFamily family) {
    return switch (bind) {
      case BindAddress.AllInterfaces a ->
          family == AddressFamily.INET ? new Scope.AllInet() : new Scope.All();
      case BindAddress.Loopback l -> {
        Set<String> both = new LinkedHashSet<>();
        if (family.allowsInet()) {
          both.add("127.0.0.1");
        }
        if (family.allowsInet6()) {
          both.add("0:0:0:0:0:0:0:1");
        }
        yield new Scope.Addresses(both);
      }
      case BindAddress.Literal lit -> literal(lit.address());
      case BindAddress.HostName h -> new Scope.Named(h.name().toLowerCase(Locale.ROOT));
    };
  }

  private static Scope literal(String address) {
    if (isInet(address)) {
      return address.equals("0.0.0.0") ? new Scope.AllInet() : new Scope.Addresses(Set.of(address));
    }
    int zone = address.indexOf('%');
    String plain = zone < 0 ? address : address.substring(0, zone);
    String suffix = zone < 0 ? "" : address.substring(zone);
    Optional<int[]> groups = ipv6Groups(plain);
    if (groups.isEmpty()) {
      return new Scope.Addresses(Set.of(address.toLowerCase(Locale.ROOT)));
    }
    int[] g = groups.get();
    boolean zeroUpTo5 = g[0] == 0 && g[1] == 0 && g[2] == 0 && g[3] == 0 && g[4] == 0;
    if (zeroUpTo5 && g[5] == 0 && g[6] == 0 && g[7] == 0 && suffix.isEmpty()) {
      return new Scope.All(); // ::, which the JDK opens dual-stack
    }
    if (zeroUpTo5 && g[5] == 0xffff) {
      return literal((g[6] >> 8) + "." + (g[6] & 0xff) + "." + (g[7] >> 8) + "." + (g[7] & 0xff));
    }
    StringBuilder canonical = new StringBuilder();
    for (int i = 0; i < 8; i++) {
      canonical.append(i == 0 ? "" : ":").append(Integer.toHexString(g[i]));
    }
    return new Scope.Addresses(Set.of(canonical + suffix.toLowerCase(Locale.ROOT)));
  }

  /** The eight 16-bit groups of an IPv6 literal (no zone); empty when the text is not one. */
  static Optional<int[]> ipv6Groups(String text) {
    String[] halves = text.split("::", -1);
    if (halves.length > 2) {
      return Optional.empty();
    }
    List<Integer> head = groups(halves[0]);
    List<Integer> tail = halves.length == 2 ? groups(halves[1]) : List.of();
    if (head == null || tail == null) {
      return Optional.empty();
    }
    int count = head.size() + tail.size();
    if (halves.length == 1 ? count != 8 : count > 7) {
      return Optional.empty();
    }
    int[] g = new int[8];
    for (int i = 0; i < head.size(); i++) {
      g[i] = head.get(i);
    }
    for (int i = 0; i < tail.size(); i++) {
      g[8 - tail.size() + i] = tail.get(i);
    }
    return Optional.of(g);
  }

  /** Colon-separated hex groups, the last one possibly a dotted IPv4 address; null if bad. */
  private static List<Integer> groups(String part) {
    List<Integer> groups = new ArrayList<>();
    if (part.isEmpty()) {
      return groups;
    }
    String[] fields = part.split(":", -1);
    for (int i = 0; i < fields.length; i++) {
      String f = fields[i];
      if (i == fields.length - 1 && f.indexOf('.') >= 0) {
        String[] octets = f.split("\\.", -1);
        if (octets.length != 4) {
          return null;
        }
        int[] o = new int[4];
        for (int k = 0; k < 4; k++) {
          if (!octets[k].matches("\\d{1,3}") || Integer.parseInt(octets[k]) > 255) {
            return null;
          }
          o[k] = Integer.parseInt(octets[k]);
        }
        groups.add(o[0] << 8 | o[1]);
        groups.add(o[2] << 8 | o[3]);
      } else if (f.matches("[0-9A-Fa-f]{1,4}")) {
        groups.add(Integer.parseInt(f, 16));
      } else {
        return null;
      }
    }
    return groups;
  }
}
