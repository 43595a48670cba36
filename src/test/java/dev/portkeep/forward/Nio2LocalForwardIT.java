package dev.portkeep.forward;

import dev.portkeep.testing.OpenSshServer;
import dev.portkeep.testing.SshTestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The local-forward contract against a real OpenSSH sshd, with the SSH socket on MINA's NIO2
 * transport ({@code -Dportkeep.io=nio2}, kept to compare with in bench/ab): there the connections
 * are moved by {@link Pump}'s two threads, not by the session's event loop, and must keep the same
 * contract. The property is read when a tunnel builds its client, and the suite runs one test class
 * at a time.
 */
class Nio2LocalForwardIT extends LocalForwardContract {
  @BeforeAll
  void useNio2() {
    System.setProperty("portkeep.io", "nio2");
  }

  @AfterAll
  void backToLoops() {
    System.clearProperty("portkeep.io");
  }

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
    return 500;
  }
}
