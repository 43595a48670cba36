package dev.portkeep.config;

import dev.portkeep.config.sshconfig.HostConfig;
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
 * then {@code -o} options, then the config file; the first value wins. {@link SshOptions} holds
 * that order, so each setting here is read once: its merged value, or else its default.
 */
public final class Plans {
  private static final Logger log = LoggerFactory.getLogger(Plans.class);

  /** OpenSSH's default identities that MINA SSHD can use (no security keys, no XMSS). */
  static final List<String> DEFAULT_IDENTITIES = List.of("id_rsa", "id_ecdsa", "id_ed25519");

  private static final boolean WINDOWS = java.io.File.separatorChar == '\\';

  private Plans() {}

  public static TunnelPlan fromFlags(Flags flags, Environment env) {
    Destination destination = Destination.parse(flags.destination());
    SshConfig file = config(flags, env);
    SshOptions commandLine = SshOptions.commandLine(flags, destination);
    HostConfig config = file.resolve(destination.host(), commandLine.overrides());
    config.notes().forEach(note -> log.info("ssh config: {}", note));
    SshOptions options = commandLine.withConfig(config);
    List<JumpHost> jumpHosts = jumpHosts(options, file);
    SshOptions firstHop = jumpHosts.isEmpty() ? options : jumpHosts.get(0).options();
    SessionSettings session =
        new SessionSettings(
            hop(destination, options, env),
            jumpHosts.stream().map(j -> hop(j.destination(), j.options(), env)).toList(),
            login(options, env),
            hostKeys(options, env),
            transport(flags.family(), options, proxyCommand(firstHop)),
            reconnect(options),
            options.yesNo(Keyword.EXIT_ON_FORWARD_FAILURE).orElse(true));
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

  /** A server as the merged options describe it: each part from them, or OpenSSH's default. */
  private static Hop hop(Destination destination, SshOptions options, Environment env) {
    return new Hop(
        options.first(Keyword.USER).orElse(env.localUser()),
        options.first(Keyword.HOST_NAME).orElse(destination.host()),
        options.port(Keyword.PORT).orElse(22));
  }

  private static boolean batchMode(SshOptions options) {
    return options.yesNo(Keyword.BATCH_MODE).orElse(false);
  }

  /** Without StrictHostKeyChecking: ask on a terminal, refuse without one or under BatchMode. */
  private static HostKeyPolicy hostKeys(SshOptions options, Environment env) {
    boolean mayAsk = env.interactive() && !batchMode(options);
    StrictHostKeyChecking strict =
        options.strictness().orElse(mayAsk ? StrictHostKeyChecking.ASK : StrictHostKeyChecking.YES);
    if (strict == StrictHostKeyChecking.ASK && batchMode(options)) {
      strict = StrictHostKeyChecking.YES;
    }
    List<Path> files =
        options
            .first(Keyword.USER_KNOWN_HOSTS_FILE)
            .map(v -> List.of(v.strip().split("\\s+")).stream().map(env::expand).toList())
            .orElseGet(
                () ->
                    List.of(
                        env.sshDir().resolve("known_hosts"), env.sshDir().resolve("known_hosts2")));
    return new HostKeyPolicy(strict, files);
  }

  /**
   * The ProxyCommand that reaches the first server of the route: the destination's own, or with
   * jump hosts the first jump host's (from its Host block), as OpenSSH's nested {@code ssh -W}
   * would run it. {@code none} means a plain TCP connection.
   */
  private static Optional<String> proxyCommand(SshOptions firstHop) {
    return firstHop.first(Keyword.PROXY_COMMAND).filter(c -> !c.equals("none"));
  }

  private static Transport transport(
      AddressFamily family, SshOptions options, Optional<String> proxyCommand) {
    Duration timeout =
        options
            .seconds(Keyword.CONNECT_TIMEOUT, false)
            .map(Duration::ofSeconds)
            .orElse(Transport.DEFAULT_CONNECT_TIMEOUT);
    Duration interval =
        options
            .seconds(Keyword.SERVER_ALIVE_INTERVAL, true)
            .map(Duration::ofSeconds)
            .orElse(KeepAlive.DEFAULT.interval());
    int count =
        options.seconds(Keyword.SERVER_ALIVE_COUNT_MAX, false).orElse(KeepAlive.DEFAULT.countMax());
    return new Transport(timeout, family, new KeepAlive(interval, count), proxyCommand);
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
  private static List<JumpHost> jumpHosts(SshOptions options, SshConfig file) {
    Optional<String> spec = options.first(Keyword.PROXY_JUMP);
    if (spec.isEmpty() || spec.get().equalsIgnoreCase("none")) {
      return List.of();
    }
    List<JumpHost> hops = new ArrayList<>();
    for (String part : spec.get().split(",", -1)) {
      if (part.isBlank()) {
        throw new UsageException(
            "bad jump list '" + spec.get() + "': empty entry",
            "write -J [user@]host[:port][,[user@]host[:port]...]");
      }
      Destination d = Destination.parse(part.strip());
      SshOptions given = SshOptions.destination(d);
      hops.add(new JumpHost(d, given.withConfig(file.resolve(d.host(), given.overrides()))));
    }
    return hops;
  }

  /**
   * A jump host as written, and its options: its {@code user@} and {@code :port}, then its file.
   */
  private record JumpHost(Destination destination, SshOptions options) {}

  private static Login login(SshOptions options, Environment env) {
    return new Login(
        identities(options, env),
        certificates(options, env),
        agent(options, env),
        options.yesNo(Keyword.IDENTITIES_ONLY).orElse(false),
        methods(options),
        batchMode(options));
  }

  private static Login.Methods methods(SshOptions options) {
    List<String> preferred =
        options
            .first(Keyword.PREFERRED_AUTHENTICATIONS)
            .map(v -> List.of(v.split(",")).stream().map(String::strip).toList())
            .orElse(Login.Methods.KNOWN);
    Login.Methods methods =
        new Login.Methods(
            preferred,
            options.yesNo(Keyword.PASSWORD_AUTHENTICATION).orElse(true),
            options.yesNo(Keyword.KBD_INTERACTIVE_AUTHENTICATION).orElse(true),
            options
                .number(
                    Keyword.NUMBER_OF_PASSWORD_PROMPTS, 0, 100, "give a whole number, 0 for none")
                .orElse(3),
            options.first(Keyword.PASSWORD_COMMAND));
    if (methods.enabled().isEmpty()) {
      throw new UsageException(
          "no authentication method left to try: PreferredAuthentications is '"
              + String.join(",", preferred)
              + "'"
              + options.at(Keyword.PREFERRED_AUTHENTICATIONS)
              + (methods.password() ? "" : ", PasswordAuthentication no")
              + (methods.keyboardInteractive() ? "" : ", KbdInteractiveAuthentication no"),
          "portkeep logs in with publickey, keyboard-interactive and password");
    }
    return methods;
  }

  /**
   * OpenSSH's IdentityAgent: {@code none}, {@code SSH_AUTH_SOCK}, {@code $VARIABLE} or a path;
   * without it the {@code SSH_AUTH_SOCK} variable, or on Windows the OpenSSH agent's pipe.
   */
  private static Optional<Login.Agent> agent(SshOptions options, Environment env) {
    Optional<String> named = options.first(Keyword.IDENTITY_AGENT);
    Optional<Login.Agent> fromEnvironment =
        env.variable("SSH_AUTH_SOCK").map(v -> new Login.Agent(v, "SSH_AUTH_SOCK"));
    if (named.isEmpty()) {
      return fromEnvironment.or(
          () ->
              WINDOWS
                  ? Optional.of(new Login.Agent(Login.Agent.WINDOWS_PIPE, "Windows' default"))
                  : Optional.empty());
    }
    String value = named.get();
    String by = "IdentityAgent" + options.at(Keyword.IDENTITY_AGENT);
    if (value.equals("SSH_AUTH_SOCK")) {
      return fromEnvironment;
    }
    if (value.equals("none")) {
      return Optional.empty();
    }
    if (value.startsWith("$")) {
      String variable = value.substring(1);
      if (!variable.matches("[A-Za-z_][A-Za-z0-9_]*")) {
        throw options.invalid(
            Keyword.IDENTITY_AGENT, value, "name an environment variable, e.g. $SSH_AUTH_SOCK");
      }
      return env.variable(variable).map(v -> new Login.Agent(v, by + " ($" + variable + ")"));
    }
    return Optional.of(new Login.Agent(env.expand(value).toString(), by));
  }

  /** CertificateFile: each must exist, as an IdentityFile must. */
  private static List<Path> certificates(SshOptions options, Environment env) {
    List<Path> files = new ArrayList<>();
    for (Map.Entry<String, String> value : options.allWithOrigin(Keyword.CERTIFICATE_FILE)) {
      Path file = env.expand(value.getKey());
      if (!Files.isRegularFile(file)) {
        throw new UsageException(
            "certificate file '" + value.getKey() + "'" + value.getValue() + " does not exist",
            "check the path given to CertificateFile; ssh-keygen -s writes <key>-cert.pub");
      }
      if (!files.contains(file)) {
        files.add(file);
      }
    }
    return files;
  }

  /**
   * {@code -i} and IdentityFile, or else OpenSSH's default files. Each named file must exist, or
   * its {@code .pub}: a public key alone picks that key from the agent.
   */
  private static IdentitySource identities(SshOptions options, Environment env) {
    List<String> named = options.all(Keyword.IDENTITY_FILE);
    if (named.isEmpty()) {
      return new IdentitySource.Defaults(
          DEFAULT_IDENTITIES.stream().map(env.sshDir()::resolve).toList());
    }
    List<Path> files = new ArrayList<>();
    for (String name : named) {
      Path file = env.expand(name);
      if (!Files.exists(file) && !Files.exists(Path.of(file + ".pub"))) {
        throw new UsageException(
            "identity file '" + name + "' does not exist",
            "check the path given to -i or IdentityFile");
      }
      if (!files.contains(file)) {
        files.add(file);
      }
    }
    return new IdentitySource.Explicit(files);
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
