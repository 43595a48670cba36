package dev.portkeep;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portkeep.testing.Command;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The Windows launcher starts the JVM with the bash launcher's flags, as both files say. */
class LauncherFlagsTest {
  /** In ./portkeep only: Windows has no native heap trim, and the JVM warns at start about it. */
  private static final String LINUX_ONLY = "-XX:TrimNativeHeapInterval=1000";

  private static final Pattern CMD_FLAGS =
      Pattern.compile("(?m)^set \"PK_JVM_FLAGS=([^\"]*)\"\\r?$");

  @Test
  void windowsLauncher_jvmFlags_areTheBashLaunchersButHeapTrim() throws IOException {
    List<String> expected = new ArrayList<>(bashFlags());
    assertThat(expected).as("./portkeep's PORTKEEP_JVM_FLAGS").contains(LINUX_ONLY);
    expected.remove(LINUX_ONLY);

    assertThat(cmdFlags()).as("PK_JVM_FLAGS in portkeep.cmd").isEqualTo(expected);
  }

  /** The array as bash itself reads it; sourcing the launcher defines it and runs nothing. */
  private static List<String> bashFlags() {
    String printed =
        Command.run(
                Duration.ofSeconds(30),
                List.of(
                    "bash",
                    "-c",
                    "source ./portkeep && printf '%s\\n' \"${PORTKEEP_JVM_FLAGS[@]}\""))
            .orThrow()
            .stdout();
    return printed.lines().toList();
  }

  /** The one {@code set "PK_JVM_FLAGS=..."} line, split on spaces as cmd.exe splits it. */
  private static List<String> cmdFlags() throws IOException {
    Matcher m = CMD_FLAGS.matcher(Files.readString(Path.of("portkeep.cmd")));
    assertThat(m.find()).as("a set \"PK_JVM_FLAGS=...\" line in portkeep.cmd").isTrue();
    List<String> flags = List.of(m.group(1).strip().split(" +", -1));
    assertThat(m.find()).as("a second PK_JVM_FLAGS line in portkeep.cmd").isFalse();
    return flags;
  }
}
