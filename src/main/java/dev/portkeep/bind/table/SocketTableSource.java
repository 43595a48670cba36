package dev.portkeep.bind.table;

import dev.portkeep.bind.rules.RuleSet;
import java.io.IOException;
import java.util.Locale;

/** Reads the host's TCP socket table and facts, and names the rules that apply to them. */
public interface SocketTableSource {

  /** Takes a snapshot; a socket whose owner cannot be seen is reported as such, never thrown. */
  default Snapshot snapshot() throws IOException {
    return snapshot(port -> true);
  }

  /**
   * Takes a snapshot of the sockets whose local port passes {@code ports} only. Finding owners is
   * the costly part on a busy host, so a check looks only at the ports it may name.
   */
  Snapshot snapshot(java.util.function.IntPredicate ports) throws IOException;

  /** The bind rules of the system this source reads. */
  RuleSet rules();

  /** The source for the system this JVM runs on: Linux /proc, or Windows commands. */
  static SocketTableSource forThisHost() {
    String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
    if (os.startsWith("windows")) {
      return new WindowsCommandSource();
    }
    if (os.startsWith("linux")) {
      return new LinuxProcSource();
    }
    throw new UnsupportedOperationException(
        "portkeep models Linux and Windows binds only, not '"
            + System.getProperty("os.name")
            + "' (BSD and macOS share ports differently)");
  }
}
