package dev.portkeep.cli;

import dev.portkeep.config.tunnels.TunnelsFile;
import dev.portkeep.control.ControlPaths;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * The options every fleet command takes (a picocli mixin): the tunnels file and the control socket,
 * each with its per-user default.
 */
final class FleetOptions {
  @Option(
      names = {"-c", "--config"},
      paramLabel = "FILE",
      description = "The tunnels file (default: tunnels.toml in the user's config folder).")
  Path file;

  @Option(
      names = "--control",
      paramLabel = "PATH",
      description = "The control socket of the running portkeep up (default: a per-user folder).")
  Path control;

  /** The tunnels file named, or the user's default one. */
  Path file(Invocation invocation) {
    return file != null
        ? file
        : TunnelsFile.defaultPath(
            System.getProperty("os.name"), invocation.env().home(), System::getenv);
  }

  /**
   * The socket to serve ({@code up}): the default folder is created private (or checked to be), a
   * folder named with {@code --control} is created private when missing.
   */
  Path serveAt() {
    long uid = ControlPaths.currentUid();
    if (control != null) {
      Path parent = control.toAbsolutePath().getParent();
      if (parent != null && !Files.exists(parent)) {
        ControlPaths.ensurePrivate(parent, uid); // made for us, so private; an existing one is used
      }
      return control;
    }
    Path folder = ControlPaths.folder(System.getenv(), System.getProperty("os.name"), uid);
    return ControlPaths.ensurePrivate(folder, uid).resolve(ControlPaths.SOCKET_NAME);
  }

  /** The socket to ask (every other command): nothing is created. */
  Path askAt() {
    return control != null
        ? control
        : ControlPaths.defaultSocket(
            System.getenv(), System.getProperty("os.name"), ControlPaths.currentUid());
  }
}
