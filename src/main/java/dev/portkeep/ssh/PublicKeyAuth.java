package dev.portkeep.ssh;

import dev.portkeep.ssh.agent.AgentClient;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.sshd.client.auth.pubkey.PublicKeyIdentity;
import org.apache.sshd.client.auth.pubkey.UserAuthPublicKey;
import org.apache.sshd.client.auth.pubkey.UserAuthPublicKeyFactory;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.signature.SignatureFactoriesManager;
import org.apache.sshd.common.util.buffer.Buffer;

/**
 * MINA's public-key authentication with portkeep's identities, in OpenSSH's order, instead of
 * MINA's own iteration; each one offered, refused or accepted is reported to the {@link
 * LoginAttempt}.
 */
final class PublicKeyAuth extends UserAuthPublicKey {
  private final LoginAttempt attempt;

  private PublicKeyAuth(LoginAttempt attempt) {
    this.attempt = attempt;
  }

  static UserAuthPublicKeyFactory factory(LoginAttempt attempt) {
    return new UserAuthPublicKeyFactory() {
      @Override
      public UserAuthPublicKey createUserAuth(ClientSession session) {
        return new PublicKeyAuth(attempt);
      }
    };
  }

  @Override
  protected Iterator<PublicKeyIdentity> createPublicKeyIterator(
      ClientSession session, SignatureFactoriesManager manager) {
    List<PublicKeyIdentity> offers = new ArrayList<>(attempt.offers());
    return offers.iterator();
  }

  @Override
  protected boolean sendAuthDataRequest(ClientSession session, String service) throws Exception {
    boolean sent = super.sendAuthDataRequest(session, service);
    if (sent && current instanceof Offer offer) {
      attempt.offered(offer, chosenAlgorithm);
    }
    return sent;
  }

  /**
   * An agent that will not sign (a key added with {@code ssh-add -c} whose use nobody confirmed)
   * costs that key only: the refusal is recorded and the next key is offered, as OpenSSH does.
   */
  @Override
  protected boolean processAuthDataRequest(ClientSession session, String service, Buffer buffer)
      throws Exception {
    try {
      return super.processAuthDataRequest(session, service, buffer);
    } catch (AgentClient.AgentRefusal refusal) {
      if (current instanceof Offer offer) {
        attempt.agentRefused(offer, refusal);
      }
      currentAlgorithms.clear(); // another algorithm for the same key would be refused again
      return sendAuthDataRequest(session, service);
    }
  }

  @Override
  public void signalAuthMethodSuccess(ClientSession session, String service, Buffer buffer)
      throws Exception {
    if (current instanceof Offer offer) {
      attempt.accepted(offer.description());
    }
    super.signalAuthMethodSuccess(session, service, buffer);
  }

  @Override
  public void signalAuthMethodFailure(
      ClientSession session,
      String service,
      boolean partial,
      List<String> serverMethods,
      Buffer buffer)
      throws Exception {
    if (current instanceof Offer offer && !partial) {
      attempt.refused(offer);
    }
    super.signalAuthMethodFailure(session, service, partial, serverMethods, buffer);
  }
}
