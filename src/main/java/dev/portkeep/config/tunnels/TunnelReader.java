package dev.portkeep.config.tunnels;

import dev.portkeep.config.AddressFamily;
import dev.portkeep.config.Destination;
import dev.portkeep.config.Endpoint;
import dev.portkeep.config.ForwardSpec;
import dev.portkeep.config.ForwardSyntax;
import dev.portkeep.config.Keyword;
import dev.portkeep.config.SmbAddresses;
import dev.portkeep.config.sshconfig.HostConfig;
import dev.portkeep.config.sshconfig.Overrides;
import dev.portkeep.config.sshconfig.SshConfig;
import dev.portkeep.error.UsageException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

/** One {@code [tunnel.NAME]} table into a {@link TunnelDef} and the addresses it listens on. */
final class TunnelReader {
  /** A tunnel and its local listeners, for the clash check across the file. */
  record Result(TunnelDef tunnel, List<ListenClash.Listener> listeners) {}

  private final Globals globals;
  private final SshConfig ssh;
  private final Errors errors;

  TunnelReader(Globals globals, SshConfig ssh, Errors errors) {
    this.globals = globals;
    this.ssh = ssh;
    this.errors = errors;
  }

  Result read(String name, Table t) {
    t.onlyKeys(Keys.IN_TUNNEL, Keys::tunnelHint);
    String host =
        t.string(Keys.HOST)
            .orElseThrow(
                () ->
                    errors.at(
                        t.path(),
                        "tunnel " + Quote.of(name) + " has no host",
                        "add host = \"user@gateway[:port]\", or an alias from ~/.ssh/config"));
    Destination destination = destination(host, t.path().child(Keys.HOST));
    AddressFamily family = family(t);
    List<ListenClash.Listener> listeners = new ArrayList<>();
    Forwards forwards = forwards(t, family, listeners);
    Map<Keyword, List<String>> options = new OptionsReader(errors).read(t, family, listeners);
    Optional<SmbDef> smb = t.table(Keys.SMB).map(s -> smb(s, family, listeners));
    smb.ifPresent(s -> requireSmbOnly(t));
    boolean fromSshConfig = sshConfigForwards(destination, options, t, family, listeners);
    boolean fromOptions = options.keySet().stream().anyMatch(OptionsReader.FORWARDS::contains);
    if (forwards.isEmpty() && smb.isEmpty() && !fromOptions && !fromSshConfig) {
      throw nothingToForward(name, host, t.path());
    }
    Connection connection =
        new Connection(
            host, globals.sshConfig(), options, family, t.command(Keys.PASSWORD_COMMAND));
    return new Result(tunnel(name, t, connection, forwards, smb), List.copyOf(listeners));
  }

  private TunnelDef tunnel(
      String name, Table t, Connection connection, Forwards forwards, Optional<SmbDef> smb) {
    long probe =
        t.integer(Keys.PROBE, 0, TunnelDef.MAX_PROBE_SECONDS, "seconds (0: off)")
            .orElse(smb.isPresent() ? TunnelDef.SMB_PROBE.toSeconds() : 0);
    return new TunnelDef(
        name,
        connection,
        forwards,
        smb,
        t.bool(Keys.ENABLED).orElse(true),
        Duration.ofSeconds(probe),
        t.command(Keys.ON_CHANGE),
        errors.origin(t.path()));
  }

  private UsageException nothingToForward(String name, String host, KeyPath at) {
    return errors.at(
        at,
        "tunnel "
            + Quote.of(name)
            + " forwards nothing: no local, remote, dynamic or smb, and "
            + sshConfigName()
            + " gives "
            + Quote.of(host)
            + " no forwards",
        "add local = [\"8080:host.internal:80\"] (or remote, dynamic, smb), or LocalForward lines"
            + " to its Host block");
  }

  private Destination destination(String host, KeyPath at) {
    try {
      return Destination.parse(host);
    } catch (UsageException e) {
      throw errors.wrap(at, e);
    }
  }

  private AddressFamily family(Table t) {
    return t.string(Keys.ADDRESS_FAMILY)
        .map(
            v ->
                switch (v.toLowerCase(Locale.ROOT)) {
                  case "any" -> AddressFamily.ANY;
                  case "inet" -> AddressFamily.INET;
                  case "inet6" -> AddressFamily.INET6;
                  default ->
                      throw errors.at(
                          t.path().child(Keys.ADDRESS_FAMILY),
                          "unknown address family " + Quote.of(v),
                          "write \"inet\" (IPv4 only, as -4), \"inet6\" (as -6) or \"any\"");
                })
        .orElse(AddressFamily.ANY);
  }

  private Forwards forwards(Table t, AddressFamily family, List<ListenClash.Listener> listeners) {
    return new Forwards(
        specs(t, Keys.LOCAL, ForwardSyntax::parseLocal, family, listeners),
        specs(t, Keys.REMOTE, ForwardSyntax::parseRemote, family, listeners),
        specs(t, Keys.DYNAMIC, ForwardSyntax::parseDynamic, family, listeners));
  }

  private List<String> specs(
      Table t,
      String key,
      Function<String, ForwardSpec> parse,
      AddressFamily family,
      List<ListenClash.Listener> listeners) {
    List<String> specs = t.strings(key);
    for (int i = 0; i < specs.size(); i++) {
      KeyPath at = t.path().child(key).element(i);
      ForwardSpec spec;
      try {
        spec = parse.apply(specs.get(i));
      } catch (UsageException e) {
        throw errors.wrap(at, e);
      }
      ListenClash.Listener.of(spec, family, Quote.of(specs.get(i)), at).ifPresent(listeners::add);
    }
    return specs;
  }

  private SmbDef smb(Table s, AddressFamily family, List<ListenClash.Listener> listeners) {
    s.onlyKeys(Keys.IN_SMB, key -> Optional.empty());
    KeyPath at = s.path();
    Optional<String> fileserver = s.string(Keys.FILESERVER);
    boolean netbios = s.bool(Keys.NETBIOS).orElse(false);
    Optional<String> listen = s.stringOrInteger(Keys.LISTEN);
    Optional<String> share = s.string(Keys.SHARE);
    Endpoint target =
        guarded(at.child(Keys.FILESERVER), () -> SmbAddresses.fileServer(fileserver.orElse(null)));
    KeyPath where = at.child(Keys.LISTEN);
    listen
        .map(l -> guarded(where, () -> SmbAddresses.listen(l, SmbDef.LISTEN_OPTION)))
        .ifPresent(
            listener -> {
              List<ForwardSpec.Local> specs = listener.forwards(target, netbios);
              for (int i = 0; i < specs.size(); i++) {
                String shown = Quote.of(specs.get(i).listenText()) + (i == 0 ? "" : " (netbios)");
                ListenClash.Listener.of(specs.get(i), family, shown, where)
                    .ifPresent(listeners::add);
              }
            });
    return guarded(at.child(Keys.SHARE), () -> new SmbDef(target, netbios, listen, share));
  }

  private <T> T guarded(KeyPath at, Supplier<T> check) {
    try {
      return check.get();
    } catch (UsageException e) {
      throw errors.wrap(at, e);
    }
  }

  private void requireSmbOnly(Table t) {
    for (String key : List.of(Keys.LOCAL, Keys.REMOTE, Keys.DYNAMIC)) {
      if (t.has(key)) {
        throw errors.at(
            t.path().child(key),
            "an SMB tunnel forwards SMB only, not " + Quote.of(key),
            "put these forwards in a tunnel of their own: another [tunnel.NAME] with the same host");
      }
    }
  }

  /**
   * Checks that an alias exists, and reads the forwards ssh_config gives this host, which start
   * with the tunnel as they do with {@code portkeep host}. True when there are any.
   */
  private boolean sshConfigForwards(
      Destination destination,
      Map<Keyword, List<String>> options,
      Table t,
      AddressFamily family,
      List<ListenClash.Listener> listeners) {
    KeyPath at = t.path().child(Keys.HOST);
    String host = destination.host();
    boolean named = host.contains(".") || host.contains(":") || host.equalsIgnoreCase("localhost");
    if (!named && !options.containsKey(Keyword.HOST_NAME) && !ssh.hasHostBlockFor(host)) {
      throw errors.at(
          at,
          "no Host block in " + sshConfigName() + " names " + Quote.of(host),
          "write the full host name ("
              + host
              + ".example.com), or give the ssh config a 'Host "
              + host
              + "' block with its HostName");
    }
    HostConfig config;
    try {
      config = ssh.resolve(host, overrides(destination, options));
    } catch (UsageException e) {
      throw errors.wrap(at, e);
    }
    boolean any = false;
    for (Keyword keyword : OptionsReader.FORWARDS) {
      for (HostConfig.Value value : config.values(keyword)) {
        any = true;
        String shown = keyword.canonical() + " " + Quote.of(value.text()) + " at " + value.where();
        ForwardSpec spec;
        try {
          spec = OptionsReader.parseForward(keyword, value.text());
        } catch (UsageException e) {
          throw errors.at(at, shown + ": " + e.getMessage(), e.hint());
        }
        ListenClash.Listener.of(spec, family, shown, at).ifPresent(listeners::add);
      }
    }
    return any;
  }

  /** What ssh_config sees as fixed by the command line, as {@code Plans} passes it. */
  private static Overrides overrides(Destination d, Map<Keyword, List<String>> options) {
    Overrides o = Overrides.NONE;
    Optional<String> user = d.user().or(() -> first(options, Keyword.USER));
    Optional<String> port = d.port().map(String::valueOf).or(() -> first(options, Keyword.PORT));
    Optional<String> hostName = first(options, Keyword.HOST_NAME);
    if (user.isPresent()) {
      o = o.withUser(user.get());
    }
    if (port.isPresent()) {
      o = o.withPort(port.get());
    }
    return hostName.isPresent() ? o.withHostName(hostName.get()) : o;
  }

  private static Optional<String> first(Map<Keyword, List<String>> options, Keyword keyword) {
    return Optional.ofNullable(options.get(keyword)).map(values -> values.get(0));
  }

  private String sshConfigName() {
    return globals.sshConfig().map(v -> "ssh_config " + Quote.of(v)).orElse("~/.ssh/config");
  }
}
