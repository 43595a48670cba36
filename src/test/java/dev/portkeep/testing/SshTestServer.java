package dev.portkeep.testing;

import dev.portkeep.config.SessionSettings;
import dev.portkeep.config.StrictHostKeyChecking;
import dev.portkeep.ssh.Prompts;
import dev.portkeep.ssh.SshConnector;
import dev.portkeep.ssh.SshSession;
import java.nio.file.Path;
import java.util.List;

/**
 * What every SSH server fixture offers, so one test can run against real OpenSSH and in-process
 * MINA alike.
 */
public sealed interface SshTestServer extends AutoCloseable permits OpenSshServer, MinaSshServer {
  String host();

  int port();

  /** The user that {@link #clientKey()} logs in as. */
  String user();

  /** The client's private key file (OpenSSH format, mode 0600). */
  Path clientKey();

  Path clientPublicKey();

  /** The host key as {@code "<type> <base64>"}. */
  String hostKeyPublicLine();

  /** A known_hosts file with {@code [host]:port <host key>}. */
  Path knownHostsFile();

  Path tempDir();

  /** Session settings that log in with {@link #clientKey()} and check the host key strictly. */
  default SessionSettings sessionSettings() {
    return SessionSettings.direct(
        host(),
        port(),
        user(),
        List.of(clientKey()),
        List.of(knownHostsFile()),
        StrictHostKeyChecking.YES);
  }

  /** A session logged in with {@link #sessionSettings()}, no prompts; the caller closes it. */
  default SshSession connect() {
    return new SshConnector(sessionSettings(), Prompts.NONE).connect();
  }

  /** Crash: ends the listener and every session at once, with no SSH goodbye. */
  void kill();

  /** Listens again on the same port with the same host key. */
  void restart();

  /** Ends everything and deletes the temporary directory; idempotent. */
  @Override
  void close();
}
