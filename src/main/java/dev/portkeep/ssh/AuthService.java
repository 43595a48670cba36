package dev.portkeep.ssh;

import java.io.IOException;
import java.util.List;
import org.apache.sshd.client.future.AuthFuture;
import org.apache.sshd.client.session.ClientUserAuthService;
import org.apache.sshd.client.session.ClientUserAuthServiceFactory;
import org.apache.sshd.common.Service;
import org.apache.sshd.common.session.Session;

/**
 * MINA's user authentication service, telling the {@link LoginAttempt} which methods the server
 * offers (MINA keeps them to itself), so a failed login can name them.
 */
final class AuthService extends ClientUserAuthService {
  private final LoginAttempt attempt;

  private AuthService(Session session, LoginAttempt attempt) {
    super(session);
    this.attempt = attempt;
  }

  static ClientUserAuthServiceFactory factory(LoginAttempt attempt) {
    return new ClientUserAuthServiceFactory() {
      @Override
      public Service create(Session session) throws IOException {
        return new AuthService(session, attempt);
      }
    };
  }

  /** MINA calls this right after taking the server's list from a failure answer. */
  @Override
  protected void tryNext(int cmd, AuthFuture authFuture) throws Exception {
    List<String> methods = serverMethods;
    if (methods != null) {
      attempt.serverMethods(methods);
    }
    super.tryNext(cmd, authFuture);
  }
}
