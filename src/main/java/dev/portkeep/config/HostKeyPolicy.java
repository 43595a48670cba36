package dev.portkeep.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * How a server's host key is checked: OpenSSH's StrictHostKeyChecking against these known_hosts
 * files, new keys going to the first one.
 */
public record HostKeyPolicy(StrictHostKeyChecking strict, List<Path> knownHostsFiles) {
  public HostKeyPolicy {
    Objects.requireNonNull(strict, "strict");
    knownHostsFiles = List.copyOf(knownHostsFiles);
    if (knownHostsFiles.isEmpty()) {
      throw new IllegalArgumentException("no known_hosts file");
    }
  }
}
