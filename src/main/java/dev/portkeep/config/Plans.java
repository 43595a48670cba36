package dev.portkeep.config;

import dev.portkeep.error.UsageException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Turns command-line flags into a {@link TunnelPlan}. Explicit flags ({@code -p -l -i}) win over
 * {@code -o}; among {@code -o} options the first value wins, as in OpenSSH.
 */
public final class Plans {
  /** OpenSSH's default identities that MINA SSHD can use (no security keys, no XMSS). */
  static final List<String> DEFAULT_IDENTITIES = List.of("id_rsa", "id_ecdsa", "id_ed25519");

  static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(30);

  private Plans() {}

  public static TunnelPlan fromFlags(Flags flags, Environment env) {
    SshOptions options = SshOptions.parse(flags.options());
    Destination destination = Destination.parse(flags.destination());
    SessionSettings session = session(flags, destination, options, env);
    List<ForwardSpec> forwards = new ArrayList<>();
    flags.localForwards().forEach(spec -> forwards.add(ForwardSyntax.parseLocal(spec)));
    options.all(Keyword.LOCAL_FORWARD).forEach(v -> forwards.add(ForwardSyntax.parseLocal(configForward(Keyword.LOCAL_FORWARD, v))));
    flags.remoteForwards().forEach(spec -> forwards.add(ForwardSyntax.parseRemote(spec)));
    options.all(Keyword.REMOTE_FORWARD).forEach(v -> forwards.add(ForwardSyntax.parseRemote(configForward(Keyword.REMOTE_FORWARD, v))));
    flags.dynamicForwards().forEach(spec -> forwards.add(ForwardSyntax.parseDynamic(spec)));
    options.all(Keyword.DYNAMIC_FORWARD).forEach(v -> forwards.add(ForwardSyntax.parseDynamic(v.strip())));
    rejectDuplicateListeners(forwards);
    return new TunnelPlan(session, forwards);
  }

  private static SessionSettings session(
      Flags flags, Destination destination, SshOptions options, Environment env) {
    int port =
        flags.port()
            .or(destination::port)
            .orElseGet(
                () ->
                    options
                        .first(Keyword.PORT)
                        .map(v -> ForwardSyntax.port(v, "-o Port=" + v, 1))
                        .orElse(22));
    String user =
        flags.login()
            .or(destination::user)
            .or(() -> options.first(Keyword.USER))
            .orElse(env.localUser());
    StrictHostKeyChecking strict =
        options
            .first(Keyword.STRICT_HOST_KEY_CHECKING)
            .map(SshOptions::strictness)
            .orElse(env.interactive() ? StrictHostKeyChecking.ASK : StrictHostKeyChecking.YES);
    boolean batch =
        options.first(Keyword.BATCH_MODE).map(v -> SshOptions.yesNo(Keyword.BATCH_MODE, v)).orElse(false);
    if (batch && strict == StrictHostKeyChecking.ASK) {
      strict = StrictHostKeyChecking.YES;
    }
    boolean exitOnFailure =
        options
            .first(Keyword.EXIT_ON_FORWARD_FAILURE)
            .map(v -> SshOptions.yesNo(Keyword.EXIT_ON_FORWARD_FAILURE, v))
            .orElse(true);
    Duration timeout =
        options
            .first(Keyword.CONNECT_TIMEOUT)
            .map(v -> Duration.ofSeconds(SshOptions.seconds(Keyword.CONNECT_TIMEOUT, v)))
            .orElse(DEFAULT_CONNECT_TIMEOUT);
    return new SessionSettings(
        destination.host(),
        port,
        user,
        identities(flags, options, env),
        strict,
        knownHosts(options, env),
        exitOnFailure,
        timeout,
        batch,
        flags.family(),
        keepAlive(options),
        reconnect(options),
        jumps(flags, options, env));
  }

  private static KeepAlive keepAlive(SshOptions options) {
    Duration interval =
        options
            .first(Keyword.SERVER_ALIVE_INTERVAL)
            .map(v -> Duration.ofSeconds(SshOptions.secondsOrZero(Keyword.SERVER_ALIVE_INTERVAL, v)))
            .orElse(KeepAlive.DEFAULT.interval());
    int count =
        options
            .first(Keyword.SERVER_ALIVE_COUNT_MAX)
            .map(v -> SshOptions.seconds(Keyword.SERVER_ALIVE_COUNT_MAX, v))
            .orElse(KeepAlive.DEFAULT.countMax());
    return new KeepAlive(interval, count);
  }

  private static ReconnectPolicy reconnect(SshOptions options) {
    boolean on =
        options.first(Keyword.RECONNECT).map(v -> SshOptions.yesNo(Keyword.RECONNECT, v)).orElse(true);
    Duration hold =
        options
            .first(Keyword.RECONNECT_HOLD)
            .map(v -> Duration.ofSeconds(SshOptions.secondsOrZero(Keyword.RECONNECT_HOLD, v)))
            .orElse(Duration.ZERO);
    return ReconnectPolicy.DEFAULT.withEnabled(on).withHold(hold);
  }

  /** {@code -J} wins over ProxyJump; "none" means no jump, as in OpenSSH. */
  private static List<Hop> jumps(Flags flags, SshOptions options, Environment env) {
    Optional<String> spec = flags.jump().or(() -> options.first(Keyword.PROXY_JUMP));
    if (spec.isEmpty() || spec.get().equalsIgnoreCase("none")) {
      return List.of();
    }
    List<Hop> hops = new ArrayList<>();
    for (String part : spec.get().split(",", -1)) {
      if (part.isBlank()) {
        throw new UsageException(
            "bad jump list '" + spec.get() + "': empty entry", "write -J [user@]host[:port][,[user@]host[:port]...]");
      }
      hops.add(Hop.parse(part.strip(), env.localUser()));
    }
    return hops;
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
            "identity file '" + name + "' does not exist", "check the path given to -i or IdentityFile");
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
            () -> List.of(env.sshDir().resolve("known_hosts"), env.sshDir().resolve("known_hosts2")));
  }

  /** LocalForward and RemoteForward in OpenSSH's config form: {@code [bind:]port host:hostport}. */
  private static String configForward(Keyword keyword, String value) {
    String[] parts = value.strip().split("\\s+");
    if (parts.length != 2) {
      throw new UsageException(
          "bad " + keyword.canonical() + " '" + value + "': expected '[bind_address:]port host:hostport'",
          "for example " + keyword.canonical() + " 8080 db:5432");
    }
    return parts[0] + ":" + parts[1];
  }

  private static void rejectDuplicateListeners(List<ForwardSpec> forwards) {
    Map<String, ForwardSpec> seen = new HashMap<>();
    for (ForwardSpec forward : forwards) {
      String key = switch (forward) {
        case ForwardSpec.Local l -> l.port() == 0 ? null : "local " + l.listenText();
        case ForwardSpec.Dynamic d -> d.port() == 0 ? null : "local " + d.listenText();
        case ForwardSpec.Remote r -> r.port() == 0 ? null : "remote " + r.listenText();
      };
      ForwardSpec previous = key == null ? null : seen.putIfAbsent(key, forward);
      if (previous != null) {
        throw new UsageException(
            "duplicate forward on " + key.substring(key.indexOf(' ') + 1) + ": '" + flag(previous) + previous.spec()
                + "' and '" + flag(forward) + forward.spec() + "'",
            "give each forward its own listen port or address");
      }
    }
  }

  static String flag(ForwardSpec f) {
    return switch (f) {
      case ForwardSpec.Local l -> "-L ";
      case ForwardSpec.Remote r -> "-R ";
      case ForwardSpec.Dynamic d -> "-D ";
    };
  }
}
