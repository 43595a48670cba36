package dev.portkeep.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything needed to open and keep one SSH session, after the command line and ssh_config have
 * been merged: the server, the jump hosts before it, how to log in, how to check host keys, how to
 * connect, and what to do when the session is lost.
 */
public record SessionSettings(
    Hop destination,
    List<Hop> jumps,
    Login login,
    HostKeyPolicy hostKeys,
    Transport transport,
    ReconnectPolicy reconnect,
    boolean exitOnForwardFailure) {

  public SessionSettings {
    Objects.requireNonNull(destination, "destination");
    jumps = List.copyOf(jumps);
    Objects.requireNonNull(login, "login");
    Objects.requireNonNull(hostKeys, "hostKeys");
    Objects.requireNonNull(transport, "transport");
    Objects.requireNonNull(reconnect, "reconnect");
  }

  /**
   * Settings built by hand (the demo, tests): keys from these files, no prompts, a 10 s connect
   * timeout, and defaults for the rest.
   */
  public static SessionSettings direct(
      String host,
      int port,
      String user,
      List<Path> identities,
      List<Path> knownHosts,
      StrictHostKeyChecking strict) {
    return new SessionSettings(
        new Hop(user, host, port),
        List.of(),
        Login.keys(identities),
        new HostKeyPolicy(strict, knownHosts),
        new Transport(
            Duration.ofSeconds(10), AddressFamily.ANY, KeepAlive.DEFAULT, Optional.empty()),
        ReconnectPolicy.DEFAULT,
        true);
  }

  /** {@code user@host:port}, as shown in status lines. */
  public String display() {
    return destination.display();
  }

  /** The address family of {@code -4} / {@code -6}, which the listeners follow too. */
  public AddressFamily family() {
    return transport.family();
  }

  /** Every server to connect through, jumps first, the destination last. */
  public List<Hop> route() {
    List<Hop> all = new ArrayList<>(jumps);
    all.add(destination);
    return List.copyOf(all);
  }
}
