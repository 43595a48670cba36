package dev.portkeep.config;

import dev.portkeep.error.UsageException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

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
    options.all(Keyword.LOCAL_FORWARD).forEach(v -> forwards.add(localForwardOption(v)));
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
        flags.family());
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

  /** {@code -o LocalForward="[bind:]port host:hostport"}, OpenSSH's config form. */
  private static ForwardSpec.Local localForwardOption(String value) {
    String[] parts = value.strip().split("\\s+");
    if (parts.length != 2) {
      throw new UsageException(
          "bad LocalForward '" + value + "': expected '[bind_address:]port host:hostport'",
          "for example -o LocalForward=\"8080 db:5432\"");
    }
    return ForwardSyntax.parseLocal(parts[0] + ":" + parts[1]);
  }

  private static void rejectDuplicateListeners(List<ForwardSpec> forwards) {
    Map<String, ForwardSpec> seen = new HashMap<>();
    for (ForwardSpec forward : forwards) {
      if (forward instanceof ForwardSpec.Local local && local.port() != 0) {
        ForwardSpec previous = seen.putIfAbsent(local.listenText(), forward);
        if (previous != null) {
          throw new UsageException(
              "duplicate forward on " + local.listenText() + ": '-L " + previous.spec()
                  + "' and '-L " + local.spec() + "'",
              "give each forward its own listen port or address");
        }
      }
    }
  }
}
