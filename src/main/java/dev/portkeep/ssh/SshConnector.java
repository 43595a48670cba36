package dev.portkeep.ssh;

import dev.portkeep.config.SessionSettings;
import dev.portkeep.error.AuthException;
import dev.portkeep.error.UnreachableException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.nio.channels.UnresolvedAddressException;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.List;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.SshException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens authenticated SSH sessions: host key verified against known_hosts, then public keys, then a
 * password prompt on a terminal. Every failure becomes one user-facing error with its exit code.
 */
public final class SshConnector {
  private static final Logger log = LoggerFactory.getLogger(SshConnector.class);

  private final SessionSettings settings;
  private final Prompts prompts;
  private final List<KeyPair> keys;

  /** Loads the identities at once, so a bad key file is reported before any connection. */
  public SshConnector(SessionSettings settings, Prompts prompts) {
    this.settings = settings;
    this.prompts = settings.batchMode() ? Prompts.NONE : prompts;
    this.keys = Identities.load(settings.identities(), this.prompts);
  }

  public SshSession connect() {
    HostKeyVerifier verifier = new HostKeyVerifier(settings, prompts);
    SshClient client = MinaSettings.newClient(verifier, settings.connectTimeout());
    client.start();
    ClientSession session = null;
    try {
      session = tcpConnect(client);
      keys.forEach(session::addPublicKeyIdentity);
      session.setUserInteraction(new PasswordPrompt(prompts));
      authenticate(session, verifier);
      log.debug("connected to {} ({})", settings.display(), session.getServerVersion());
      return new SshSession(client, session);
    } catch (RuntimeException e) {
      if (session != null) {
        session.close(true);
      }
      client.stop();
      throw e;
    }
  }

  private ClientSession tcpConnect(SshClient client) {
    try {
      return client
          .connect(settings.user(), settings.host(), settings.port())
          .verify(settings.connectTimeout())
          .getSession();
    } catch (IOException | UnresolvedAddressException e) {
      throw unreachable(e);
    }
  }

  private void authenticate(ClientSession session, HostKeyVerifier verifier) {
    try {
      session.auth().verify(settings.connectTimeout().plusSeconds(30));
    } catch (IOException e) {
      AuthException hostKey = verifier.takeRejection();
      if (hostKey != null) {
        throw hostKey;
      }
      if (isAuthFailure(e)) {
        throw new AuthException(
            "authentication failed for " + settings.display() + " (methods tried: " + methodsTried() + ")",
            keys.isEmpty()
                ? "give a private key with -i, or run in a terminal to type a password"
                : "check that the server's authorized_keys holds one of these keys, and the user name (-l)",
            e);
      }
      throw unreachable(e);
    }
  }

  private static boolean isAuthFailure(IOException e) {
    String text = String.valueOf(e.getMessage());
    return e instanceof SshException
        && (text.contains("No more authentication methods") || text.contains("authentication"));
  }

  private String methodsTried() {
    List<String> methods = new ArrayList<>();
    if (!keys.isEmpty()) {
      methods.add("publickey (" + keys.size() + (keys.size() == 1 ? " key)" : " keys)"));
    }
    if (prompts != Prompts.NONE) {
      methods.add("password");
    }
    return methods.isEmpty() ? "none: no key and no terminal for a password" : String.join(", ", methods);
  }

  private UnreachableException unreachable(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String where = "ssh server " + settings.host() + ":" + settings.port();
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
}
