package dev.portkeep.status;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * How clients reach an SMB forward once it listens: the share the tunnels file names (empty when it
 * names none) and one command per client OS, as the status and the web page show them.
 */
public record SmbAccess(Optional<String> share, List<ClientCommand> commands) {
  public SmbAccess {
    Objects.requireNonNull(share, "share");
    commands = List.copyOf(commands);
  }

  /**
   * A command for one client OS, copied as it is; {@code note} says what the user must still do
   * (put in a share's name, a version of the OS it needs), or is empty.
   */
  public record ClientCommand(String os, String command, Optional<String> note) {
    public ClientCommand {
      Objects.requireNonNull(os, "os");
      Objects.requireNonNull(command, "command");
      Objects.requireNonNull(note, "note");
    }
  }
}
