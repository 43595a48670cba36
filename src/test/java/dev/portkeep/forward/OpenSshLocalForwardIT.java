package dev.portkeep.forward;

import dev.portkeep.testing.OpenSshServer;
import dev.portkeep.testing.SshTestServer;

/** The local-forward contract against a real OpenSSH sshd. */
class OpenSshLocalForwardIT extends LocalForwardContract {
  @Override
  SshTestServer startServer() {
    return OpenSshServer.start();
  }

  @org.junit.jupiter.api.Test
  void forward_64MiBEachWayAtOnce_targetHalfClosesFirst_sha256EqualOnBothEnds() throws Exception {
    both64MiBStreamsWithTargetFinishingFirst();
  }

  @Override
  int shortConnections() {
    return 2_000;
  }
}
