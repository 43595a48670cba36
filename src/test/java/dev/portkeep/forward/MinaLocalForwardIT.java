package dev.portkeep.forward;

import dev.portkeep.testing.MinaSshServer;
import dev.portkeep.testing.SshTestServer;

/**
 * The local-forward contract against an in-process MINA SSHD server with a small window. MINA's
 * server closes the whole channel when the target sends EOF (TcpipServerChannel's sessionClosed),
 * so the half-close-first duplex case runs against OpenSSH only.
 */
class MinaLocalForwardIT extends LocalForwardContract {
  @Override
  SshTestServer startServer() {
    return MinaSshServer.builder().windowSize(256 * 1024).maxPacketSize(16 * 1024).start();
  }

  @Override
  int shortConnections() {
    return 500;
  }
}
