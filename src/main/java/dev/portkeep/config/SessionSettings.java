package dev.portkeep.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Everything needed to open and keep one SSH session, after flags and {@code -o} options have been
 * merged. Identity files are explicit ({@code -i}, IdentityFile) or OpenSSH's defaults.
 */
public record SessionSettings(
    String host,
    int port,
    String user,
    IdentitySource identities,
    StrictHostKeyChecking strictHostKeyChecking,
    List<Path> knownHostsFiles,
    boolean exitOnForwardFailure,
    Duration connectTimeout,
    boolean batchMode,
    AddressFamily family,
    KeepAlive keepAlive,
    ReconnectPolicy reconnect,
    List<Hop> jumps) {

  public SessionSettings {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(user, "user");
    Objects.requireNonNull(identities, "identities");
    Objects.requireNonNull(strictHostKeyChecking, "strictHostKeyChecking");
    knownHostsFiles = List.copyOf(knownHostsFiles);
    Objects.requireNonNull(connectTimeout, "connectTimeout");
    Objects.requireNonNull(family, "family");
    Objects.requireNonNull(keepAlive, "keepAlive");
    Objects.requireNonNull(reconnect, "reconnect");
    jumps = List.copyOf(jumps);
    if (port < 1 || port > 65_535) {
      throw new IllegalArgumentException("port " + port);
    }
    if (knownHostsFiles.isEmpty()) {
      throw new IllegalArgumentException("no known_hosts file");
    }
  }

  /** {@code user@host:port}, as shown in status lines. */
  public String display() {
    return destination().display();
  }

  /** The final server as a hop. */
  public Hop destination() {
    return new Hop(user, host, port);
  }

  /** Every server to connect through, jumps first, the destination last. */
  public List<Hop> route() {
    List<Hop> all = new java.util.ArrayList<>(jumps);
    all.add(destination());
    return List.copyOf(all);
  }

  /**
   * A convenience for code that builds settings by hand (the demo, tests): defaults for the rest.
   */
  public static SessionSettings direct(
      String host,
      int port,
      String user,
      List<Path> identities,
      List<Path> knownHosts,
      StrictHostKeyChecking strict) {
    return new SessionSettings(
        host,
        port,
        user,
        new IdentitySource.Explicit(identities),
        strict,
        knownHosts,
        true,
        Duration.ofSeconds(10),
        true,
        AddressFamily.ANY,
        KeepAlive.DEFAULT,
        ReconnectPolicy.DEFAULT,
        List.of());
  }

  public SessionSettings withReconnect(ReconnectPolicy policy) {
    return new SessionSettings(
        host,
        port,
        user,
        identities,
        strictHostKeyChecking,
        knownHostsFiles,
        exitOnForwardFailure,
        connectTimeout,
        batchMode,
        family,
        keepAlive,
        policy,
        jumps);
  }

  public SessionSettings withKeepAlive(KeepAlive k) {
    return new SessionSettings(
        host,
        port,
        user,
        identities,
        strictHostKeyChecking,
        knownHostsFiles,
        exitOnForwardFailure,
        connectTimeout,
        batchMode,
        family,
        k,
        reconnect,
        jumps);
  }

  public SessionSettings withJumps(List<Hop> hops) {
    return new SessionSettings(
        host,
        port,
        user,
        identities,
        strictHostKeyChecking,
        knownHostsFiles,
        exitOnForwardFailure,
        connectTimeout,
        batchMode,
        family,
        keepAlive,
        reconnect,
        hops);
  }

  /** Where private keys come from: named by the user (each must load) or OpenSSH's defaults. */
  public sealed interface IdentitySource {
    List<Path> files();

    /** Files named with {@code -i} or IdentityFile; a file that cannot be used is an error. */
    record Explicit(List<Path> files) implements IdentitySource {
      public Explicit {
        files = List.copyOf(files);
      }
    }

    /** OpenSSH's default files; missing ones are skipped, unusable ones skipped with a warning. */
    record Defaults(List<Path> files) implements IdentitySource {
      public Defaults {
        files = List.copyOf(files);
      }
    }
  }
}
