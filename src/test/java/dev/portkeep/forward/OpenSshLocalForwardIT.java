package dev.portkeep.forward;

import dev.portkeep.testing.OpenSshServer;
import dev.portkeep.testing.SshTestServer;

/** The local-forward contract against a real OpenSSH sshd. */
class OpenSshLocalForwardIT extends LocalForwardContract {
  @Override
  SshTestServer startServer() {
    return OpenSshServer.start();
  }

  @Override
  int shortConnections() {
    return 2_000;
  }
}
