package dev.portkeep.ssh;

import dev.portkeep.config.Hop;
import dev.portkeep.config.SessionSettings;
import dev.portkeep.error.AuthException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.auth.UserAuthFactory;
import org.apache.sshd.client.session.ClientConnectionServiceFactory;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.SshException;
import org.apache.sshd.core.CoreModuleProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens authenticated SSH sessions along the route (the {@code -J} hops, then the server): each hop
 * with its host key verified against known_hosts, then public keys, then a password prompt on a
 * terminal. Every failure becomes one user-facing error naming the hop, with its exit code. One
 * connector serves every reconnect, so keys are loaded (and passphrases asked) once.
 */
public final class SshConnector {
  private static final Logger log = LoggerFactory.getLogger(SshConnector.class);

  private final SessionSettings settings;
  private final Prompts prompts;
  private final List<KeyFiles.Entry> keys;

  /**
   * Reads the identity files at once, so a bad key file is reported before any connection; keys the
   * agent holds now are not decrypted.
   */
  public SshConnector(SessionSettings settings, Prompts prompts) {
    this.settings = settings;
    this.prompts = settings.login().batchMode() ? Prompts.NONE : prompts;
    this.keys =
        KeyFiles.load(settings.login(), LoginAttempt.agentHolds(settings.login()), this.prompts);
  }

  /**
   * Rejects a bad value of a system property this layer reads (today only {@code -Dportkeep.io}),
   * so that it is a usage error at start-up, not a failure at the first connection.
   */
  public static void checkSystemProperties() {
    var unused = MinaSettings.SocketIo.of(System.getProperty(MinaSettings.SocketIo.PROPERTY));
  }

  public SessionSettings settings() {
    return settings;
  }

  public SshSession connect() {
    List<AutoCloseable> chain = new ArrayList<>();
    ClientSession previous = null;
    Hop previousHop = null;
    try {
      for (Hop hop : settings.route()) {
        previous = connectHop(hop, previous, previousHop, chain);
        previousHop = hop;
      }
      log.debug("connected to {} ({})", settings.display(), previous.getServerVersion());
      return new SshSession(chain, previous, settings.transport().keepAlive());
    } catch (RuntimeException e) {
      for (AutoCloseable c : chain.reversed()) {
        closeQuietly(c);
      }
      throw e;
    }
  }

  private ClientSession connectHop(
      Hop hop, ClientSession via, Hop viaHop, List<AutoCloseable> chain) {
    HostKeyVerifier verifier = new HostKeyVerifier(hop, settings.hostKeys(), prompts);
    SshClient client =
        MinaSettings.newClient(
            verifier,
            settings.transport(),
            verifier.knownKeyTypes(),
            verifier.trustsCertificates());
    LoginAttempt login = new LoginAttempt(hop, settings.login(), keys, prompts);
    chain.add(login);
    Answers answers = new Answers(hop, settings.login().methods(), prompts, login);
    client.setUserAuthFactories(authFactories(login, answers));
    CoreModuleProperties.PASSWORD_PROMPTS.set(
        client, Math.max(1, settings.login().methods().passwordPrompts()));
    client.setServiceFactories(
        List.of(AuthService.factory(login), ClientConnectionServiceFactory.INSTANCE));
    client.start();
    chain.add(client::stop);
    HopLink link =
        HopLink.open(
            hop, viaHop, settings.transport().family(), settings.transport().proxyCommand(), chain);
    ClientSession session = link.connect(client, via, settings.transport().connectTimeout(), chain);
    session.setUserInteraction(answers);
    authenticate(session, verifier, login, link);
    login.close();
    return session;
  }

  private void authenticate(
      ClientSession session, HostKeyVerifier verifier, LoginAttempt login, HopLink link) {
    try {
      session.auth().verify(settings.transport().connectTimeout().plusSeconds(30));
    } catch (IOException e) {
      AuthException hostKey = verifier.takeRejection();
      if (hostKey != null) {
        throw hostKey;
      }
      if (link.failure().isPresent()) {
        throw link.unreachable(e);
      }
      if (isAuthFailure(e) || LoginAttempt.refusedByAgent(e)) {
        throw login.failure(e);
      }
      throw link.unreachable(e);
    }
  }

  /** MINA's methods in the order of PreferredAuthentications, less those turned off. */
  private List<UserAuthFactory> authFactories(LoginAttempt login, Answers answers) {
    List<UserAuthFactory> factories = new ArrayList<>();
    for (String method : settings.login().methods().enabled()) {
      factories.add(
          switch (method) {
            case "publickey" -> PublicKeyAuth.factory(login);
            case "keyboard-interactive" -> answers.keyboardInteractiveFactory();
            case "password" -> answers.passwordFactory();
            default -> throw new IllegalStateException("method " + method);
          });
    }
    return factories;
  }

  private static boolean isAuthFailure(IOException e) {
    String text = String.valueOf(e.getMessage());
    return e instanceof SshException
        && (text.contains("No more authentication methods") || text.contains("authentication"));
  }

  private static void closeQuietly(AutoCloseable c) {
    try {
      c.close();
    } catch (Exception ignored) {
      // Rolling back a failed connect; the failure itself is what gets reported.
    }
  }
}
