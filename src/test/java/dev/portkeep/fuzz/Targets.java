package dev.portkeep.fuzz;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Every fuzz target, each with its own folder under {@code dir} for the files it writes. */
final class Targets {
  static final List<String> NAMES =
      List.of(
          "socks", "smb2", "known_hosts", "ssh_config", "forward_spec", "tunnels_file", "control");

  private Targets() {}

  static FuzzTarget create(String name, Path dir) throws IOException {
    Path own = Files.createDirectories(dir.resolve(name));
    return switch (name) {
      case "socks" -> new SocksTarget();
      case "smb2" -> new SmbTarget();
      case "known_hosts" -> new KnownHostsTarget(own);
      case "ssh_config" -> new SshConfigTarget(own);
      case "forward_spec" -> new ForwardSpecTarget();
      case "tunnels_file" -> new TunnelsFileTarget(own);
      case "control" -> new ControlRequestTarget();
      default -> throw new IllegalArgumentException("no fuzz target '" + name + "'; " + NAMES);
    };
  }
}
