package dev.portkeep.ssh;

import dev.portkeep.config.Hop;
import dev.portkeep.config.SessionSettings;
import dev.portkeep.error.AuthException;
import dev.portkeep.error.UnreachableException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.nio.channels.UnresolvedAddressException;
import java.util.ArrayList;
import java.util.List;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.auth.keyboard.UserAuthKeyboardInteractiveFactory;
import org.apache.sshd.client.auth.password.UserAuthPasswordFactory;
import org.apache.sshd.client.future.ConnectFuture;
import org.apache.sshd.client.session.ClientConnectionServiceFactory;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.SshException;
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
      return new SshSession(chain, previous);
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
    client.setUserAuthFactories(
        List.of(
            PublicKeyAuth.factory(login),
            UserAuthKeyboardInteractiveFactory.INSTANCE,
            UserAuthPasswordFactory.INSTANCE));
    client.setServiceFactories(
        List.of(AuthService.factory(login), ClientConnectionServiceFactory.INSTANCE));
    client.start();
    chain.add(client::stop);
    JumpBridge bridge = null;
    ClientSession session;
    try {
      if (via == null) {
        session = tcpConnect(client, hop, hop.host(), hop.port(), null);
      } else {
        bridge = JumpBridge.listen();
        chain.add(bridge);
        session = tcpConnect(client, hop, "127.0.0.1", bridge.port(), null);
        int clientPort = ((InetSocketAddress) session.getIoSession().getLocalAddress()).getPort();
        bridge.admit(clientPort, via, hop);
      }
    } catch (IOException e) {
      throw unreachable(hop, viaHop, e, null);
    }
    chain.add(() -> session.close(true));
    session.setUserInteraction(new PasswordPrompt(prompts));
    authenticate(session, verifier, login, hop, viaHop, bridge);
    login.close();
    return session;
  }

  private ClientSession tcpConnect(SshClient client, Hop hop, String host, int port, Hop viaHop) {
    try {
      ConnectFuture future = client.connect(hop.user(), host, port);
      return future.verify(settings.transport().connectTimeout()).getSession();
    } catch (IOException | UnresolvedAddressException e) {
      throw unreachable(hop, viaHop, e, null);
    }
  }

  private void authenticate(
      ClientSession session,
      HostKeyVerifier verifier,
      LoginAttempt login,
      Hop hop,
      Hop viaHop,
      JumpBridge bridge) {
    try {
      session.auth().verify(settings.transport().connectTimeout().plusSeconds(30));
    } catch (IOException e) {
      AuthException hostKey = verifier.takeRejection();
      if (hostKey != null) {
        throw hostKey;
      }
      if (bridge != null && bridge.failure() != null) {
        throw unreachable(hop, viaHop, e, bridge.failure());
      }
      if (isAuthFailure(e) || LoginAttempt.refusedByAgent(e)) {
        throw login.failure(e, prompts != Prompts.NONE);
      }
      throw unreachable(hop, viaHop, e, null);
    }
  }

  private static boolean isAuthFailure(IOException e) {
    String text = String.valueOf(e.getMessage());
    return e instanceof SshException
        && (text.contains("No more authentication methods") || text.contains("authentication"));
  }

  private static UnreachableException unreachable(
      Hop hop, Hop viaHop, Throwable e, String bridgeFailure) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String where =
        "ssh server "
            + hop.host()
            + ":"
            + hop.port()
            + (viaHop == null ? "" : " through " + viaHop.display());
    if (bridgeFailure != null) {
      return new UnreachableException(
          "cannot reach " + where + ": " + bridgeFailure,
          "check the host and port of the next hop, and that the jump host may connect to it",
          e);
    }
    if (root instanceof UnknownHostException || root instanceof UnresolvedAddressException) {
      return new UnreachableException(
          "cannot resolve " + where + ": unknown host name", "check the host name", e);
    }
    if (root instanceof ConnectException || root instanceof NoRouteToHostException) {
      return new UnreachableException(
          "cannot reach " + where + ": " + root.getMessage(),
          "check the host and port (-p), and that an SSH server runs there",
          e);
    }
    String why = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    return new UnreachableException(
        "cannot set up a session with " + where + ": " + why,
        "check that the port is an SSH server's; -v shows the exchange",
        e);
  }

  private static void closeQuietly(AutoCloseable c) {
    try {
      c.close();
    } catch (Exception ignored) {
      // Rolling back a failed connect; the failure itself is what gets reported.
    }
  }
}
