package dev.portkeep.cli;

import dev.portkeep.config.AddressFamily;
import dev.portkeep.config.Flags;
import dev.portkeep.error.UsageException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Option;

/** The OpenSSH connection flags every tunnel-making command takes (a picocli mixin). */
final class ConnectionOptions {
  @Option(
      names = "-J",
      paramLabel = "[user@]host[:port][,...]",
      description =
          "Connect through these jump hosts in order (ProxyJump), each with its host key checked.")
  String jump;

  @Option(
      names = "-F",
      paramLabel = "configfile",
      description = "Read this ssh_config instead of ~/.ssh/config (none: no file).")
  String configFile;

  @Option(names = "-p", paramLabel = "port", description = "SSH server port (default 22).")
  Integer port;

  @Option(names = "-l", paramLabel = "login", description = "User name on the server.")
  String login;

  @Option(names = "-i", paramLabel = "identity_file", description = "Private key file. Repeatable.")
  List<String> identities = new ArrayList<>();

  @Option(names = "-4", description = "IPv4 only.")
  boolean ipv4;

  @Option(names = "-6", description = "IPv6 only.")
  boolean ipv6;

  @Option(
      names = "-N",
      description = "Accepted for OpenSSH compatibility; portkeep never runs commands.")
  boolean noCommand;

  @Option(
      names = "-v",
      description = "More log detail; repeat for more (-vvv includes the SSH library).")
  boolean[] verbose = new boolean[0];

  @Option(
      names = "-o",
      paramLabel = "Key=Value",
      description =
          "An ssh_config option: Port, User, HostName, IdentityFile, IdentityAgent, IdentitiesOnly, CertificateFile, ProxyJump, ProxyCommand, StrictHostKeyChecking, UserKnownHostsFile, PreferredAuthentications, PasswordAuthentication, KbdInteractiveAuthentication, NumberOfPasswordPrompts, ExitOnForwardFailure, ConnectTimeout, BatchMode, ServerAliveInterval, ServerAliveCountMax, LocalForward, RemoteForward, DynamicForward; and portkeep's own Reconnect (yes|no), ReconnectHold (seconds), Sessions (1-16) and PasswordCommand (a command that prints the password).")
  List<String> options = new ArrayList<>();

  AddressFamily family() {
    if (ipv4 && ipv6) {
      throw new UsageException(
          "-4 and -6 were both given", "use one of them, or neither for both families");
    }
    return ipv4 ? AddressFamily.INET : ipv6 ? AddressFamily.INET6 : AddressFamily.ANY;
  }

  /** The flags for {@code destination} with these forwards. */
  Flags flags(String destination, List<String> local, List<String> remote, List<String> dynamic) {
    if (port != null && (port < 1 || port > 65_535)) {
      throw new UsageException(
          "invalid port '" + port + "' for -p (must be 1-65535)",
          "use the SSH server's port, 22 by default");
    }
    return new Flags(
        destination,
        Optional.ofNullable(port),
        Optional.ofNullable(login),
        identities,
        family(),
        local,
        remote,
        dynamic,
        Optional.ofNullable(jump),
        Optional.ofNullable(configFile),
        options);
  }
}
