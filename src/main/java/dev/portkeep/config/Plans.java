package dev.portkeep.config;

import dev.portkeep.config.sshconfig.HostConfig;
import dev.portkeep.config.sshconfig.Overrides;
import dev.portkeep.config.sshconfig.SshConfig;
import dev.portkeep.error.UsageException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns command-line flags and the user's ssh_config into a {@link TunnelPlan}, in OpenSSH's order:
 * explicit flags ({@code -p -l -i -J}) and the destination's {@code user@} and {@code :port} first,
 * then {@code -o} options, then the config file; the first value wins.
 */
public final class Plans {
  private static final Logger log = LoggerFactory.getLogger(Plans.class);

  /** OpenSSH's default identities that MINA SSHD can use (no security keys, no XMSS). */
  static final List<String> DEFAULT_IDENTITIES = List.of("id_rsa", "id_ecdsa", "id_ed25519");

  static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(30);

  private Plans() {}

  public static TunnelPlan fromFlags(Flags flags, Environment env) {
    Destination destination = Destination.parse(flags.destination());
    SshOptions options = SshOptions.parse(flags.options());
    SshConfig file = config(flags, env);
    HostConfig config = file.resolve(destination.host(), overrides(flags, destination, options));
    config.notes().forEach(note -> log.info("ssh config: {}", note));
    options.withConfig(config);
    SessionSettings session = session(flags, destination, options, env, file);
    List<ForwardSpec> forwards = new ArrayList<>();
    flags.localForwards().forEach(spec -> forwards.add(ForwardSyntax.parseLocal(spec)));
    flags.remoteForwards().forEach(spec -> forwards.add(ForwardSyntax.parseRemote(spec)));
    flags.dynamicForwards().forEach(spec -> forwards.add(ForwardSyntax.parseDynamic(spec)));
    forwards.addAll(configured(options, Keyword.LOCAL_FORWARD, ForwardSyntax::parseLocal));
    forwards.addAll(configured(options, Keyword.REMOTE_FORWARD, ForwardSyntax::parseRemote));
    forwards.addAll(configured(options, Keyword.DYNAMIC_FORWARD, ForwardSyntax::parseDynamic));
    rejectDuplicateListeners(forwards);
    int sessions = options.seconds(Keyword.SESSIONS, false).orElse(1);
    if (sessions > TunnelPlan.MAX_SESSIONS) {
      throw new UsageException(
          "invalid value '" + sessions + "' for Sessions (at most " + TunnelPlan.MAX_SESSIONS + ")",
          "one session per core is plenty; the benchmark shows the effect");
    }
    return new TunnelPlan(session, forwards, sessions);
  }

  private static SshConfig config(Flags flags, Environment env) {
    return flags
        .configFile()
        .map(f -> SshConfig.load(env.expand(f), env))
        .orElseGet(() -> SshConfig.loadDefault(env));
  }

  /**
   * What the command line fixed before the file is read, as ssh passes it to Match and %-tokens.
   */
  private static Overrides overrides(Flags flags, Destination destination, SshOptions options) {
    Overrides o = Overrides.NONE;
    Optional<String> user =
        flags.login().or(destination::user).or(() -> options.first(Keyword.USER));
    Optional<String> port =
        flags
            .port()
            .or(destination::port)
            .map(String::valueOf)
            .or(() -> options.first(Keyword.PORT));
    if (user.isPresent()) {
      o = o.withUser(user.get());
    }
    if (port.isPresent()) {
      o = o.withPort(port.get());
    }
    Optional<String> hostName = options.first(Keyword.HOST_NAME);
    return hostName.isPresent() ? o.withHostName(hostName.get()) : o;
  }

  private static SessionSettings session(
      Flags flags, Destination destination, SshOptions options, Environment env, SshConfig file) {
    int port = flags.port().or(destination::port).or(() -> options.port(Keyword.PORT)).orElse(22);
    String user =
        flags
            .login()
            .or(destination::user)
            .or(() -> options.first(Keyword.USER))
            .orElse(env.localUser());
    String host = options.first(Keyword.HOST_NAME).orElse(destination.host());
    boolean batch = options.yesNo(Keyword.BATCH_MODE).orElse(false);
    StrictHostKeyChecking strict =
        options
            .strictness()
            .orElse(env.interactive() ? StrictHostKeyChecking.ASK : StrictHostKeyChecking.YES);
    if (batch && strict == StrictHostKeyChecking.ASK) {
      strict = StrictHostKeyChecking.YES;
    }
    return new SessionSettings(
        host,
        port,
        user,
        identities(flags, options, env),
        strict,
        knownHosts(options, env),
        options.yesNo(Keyword.EXIT_ON_FORWARD_FAILURE).orElse(true),
        options
            .seconds(Keyword.CONNECT_TIMEOUT, false)
            .map(Duration::ofSeconds)
            .orElse(DEFAULT_CONNECT_TIMEOUT),
        batch,
        flags.family(),
        keepAlive(options),
        reconnect(options),
        jumps(flags, options, env, file));
  }

  private static KeepAlive keepAlive(SshOptions options) {
    Duration interval =
        options
            .seconds(Keyword.SERVER_ALIVE_INTERVAL, true)
            .map(Duration::ofSeconds)
            .orElse(KeepAlive.DEFAULT.interval());
    int count =
        options.seconds(Keyword.SERVER_ALIVE_COUNT_MAX, false).orElse(KeepAlive.DEFAULT.countMax());
    return new KeepAlive(interval, count);
  }

  private static ReconnectPolicy reconnect(SshOptions options) {
    boolean on = options.yesNo(Keyword.RECONNECT).orElse(true);
    Duration hold =
        options
            .seconds(Keyword.RECONNECT_HOLD, true)
            .map(Duration::ofSeconds)
            .orElse(Duration.ZERO);
    return ReconnectPolicy.DEFAULT.withEnabled(on).withHold(hold);
  }

  /**
   * {@code -J} wins over ProxyJump; "none" means no jump, as in OpenSSH. Each hop's name goes
   * through the config file too, for its HostName, Port and User.
   */
  private static List<Hop> jumps(Flags flags, SshOptions options, Environment env, SshConfig file) {
    Optional<String> spec = flags.jump().or(() -> options.first(Keyword.PROXY_JUMP));
    if (spec.isEmpty() || spec.get().equalsIgnoreCase("none")) {
      return List.of();
    }
    List<Hop> hops = new ArrayList<>();
    for (String part : spec.get().split(",", -1)) {
      if (part.isBlank()) {
        throw new UsageException(
            "bad jump list '" + spec.get() + "': empty entry",
            "write -J [user@]host[:port][,[user@]host[:port]...]");
      }
      hops.add(hop(part.strip(), env, file));
    }
    return hops;
  }

  private static Hop hop(String text, Environment env, SshConfig file) {
    Destination d = Destination.parse(text);
    Overrides given = Overrides.NONE;
    if (d.user().isPresent()) {
      given = given.withUser(d.user().get());
    }
    if (d.port().isPresent()) {
      given = given.withPort(String.valueOf(d.port().get()));
    }
    SshOptions hopOptions = SshOptions.parse(List.of()).withConfig(file.resolve(d.host(), given));
    return new Hop(
        d.user().or(() -> hopOptions.first(Keyword.USER)).orElse(env.localUser()),
        hopOptions.first(Keyword.HOST_NAME).orElse(d.host()),
        d.port().or(() -> hopOptions.port(Keyword.PORT)).orElse(22));
  }

  private static SessionSettings.IdentitySource identities(
      Flags flags, SshOptions options, Environment env) {
    List<String> named = new ArrayList<>(flags.identityFiles());
    named.addAll(options.all(Keyword.IDENTITY_FILE));
    if (named.isEmpty()) {
      return new SessionSettings.IdentitySource.Defaults(
          DEFAULT_IDENTITIES.stream().map(env.sshDir()::resolve).toList());
    }
    List<Path> files = new ArrayList<>();
    for (String name : named) {
      Path file = env.expand(name);
      if (!Files.exists(file)) {
        throw new UsageException(
            "identity file '" + name + "' does not exist",
            "check the path given to -i or IdentityFile");
      }
      if (!files.contains(file)) {
        files.add(file);
      }
    }
    return new SessionSettings.IdentitySource.Explicit(files);
  }

  private static List<Path> knownHosts(SshOptions options, Environment env) {
    return options
        .first(Keyword.USER_KNOWN_HOSTS_FILE)
        .map(v -> List.of(v.strip().split("\\s+")).stream().map(env::expand).toList())
        .orElseGet(
            () ->
                List.of(env.sshDir().resolve("known_hosts"), env.sshDir().resolve("known_hosts2")));
  }

  /**
   * LocalForward, RemoteForward and DynamicForward from {@code -o} or the config file: OpenSSH's
   * {@code [bind:]port host:hostport} form (the config reader already gives the joined form), with
   * the file and line in any error.
   */
  private static <F extends ForwardSpec> List<F> configured(
      SshOptions options, Keyword keyword, Function<String, F> parse) {
    List<F> forwards = new ArrayList<>();
    for (Map.Entry<String, String> value : options.allWithOrigin(keyword)) {
      String[] parts = value.getKey().strip().split("\\s+");
      if (parts.length > 2 || (parts.length == 2 && keyword == Keyword.DYNAMIC_FORWARD)) {
        throw new UsageException(
            "bad "
                + keyword.canonical()
                + " '"
                + value.getKey()
                + "'"
                + value.getValue()
                + ": expected '"
                + (keyword == Keyword.DYNAMIC_FORWARD
                    ? "[bind_address:]port"
                    : "[bind_address:]port host:hostport")
                + "'",
            "for example "
                + keyword.canonical()
                + (keyword == Keyword.DYNAMIC_FORWARD ? " 1080" : " 8080 db:5432"));
      }
      try {
        forwards.add(parse.apply(String.join(":", parts)));
      } catch (UsageException e) {
        throw new UsageException(e.getMessage() + value.getValue(), e.hint());
      }
    }
    return forwards;
  }

  private static void rejectDuplicateListeners(List<ForwardSpec> forwards) {
    Map<String, ForwardSpec> seen = new HashMap<>();
    for (ForwardSpec forward : forwards) {
      String key =
          switch (forward) {
            case ForwardSpec.Local l -> l.port() == 0 ? null : "local " + l.listenText();
            case ForwardSpec.Dynamic d -> d.port() == 0 ? null : "local " + d.listenText();
            case ForwardSpec.Remote r -> r.port() == 0 ? null : "remote " + r.listenText();
          };
      ForwardSpec previous = key == null ? null : seen.putIfAbsent(key, forward);
      if (previous != null) {
        throw new UsageException(
            "duplicate forward on "
                + key.substring(key.indexOf(' ') + 1)
                + ": '"
                + previous.flag()
                + " "
                + previous.spec()
                + "' and '"
                + forward.flag()
                + " "
                + forward.spec()
                + "'",
            "give each forward its own listen port or address");
      }
    }
  }
}
