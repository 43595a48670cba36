package dev.portkeep.config.sshconfig;

import static dev.portkeep.config.Keyword.IDENTITY_FILE;
import static dev.portkeep.config.Keyword.PORT;
import static dev.portkeep.config.Keyword.USER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portkeep.error.UsageException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SshConfigIncludeTest {
  @TempDir Path dir;
  TempHome home;

  @BeforeEach
  void setUp() {
    home = new TempHome(dir);
  }

  @Test
  void relativeGlob_readsMatchingFilesFromDotSshInSortedOrder() {
    home.write(".ssh/conf.d/20-b.conf", "Host x\n  Port 20\n  IdentityFile /keys/b\n");
    home.write(".ssh/conf.d/10-a.conf", "Host x\n  Port 10\n  IdentityFile /keys/a\n");
    home.write(".ssh/conf.d/.hidden.conf", "Host x\n  Port 99\n");
    HostConfig host = home.resolve("Include conf.d/*.conf\n", "x");
    assertThat(host.first(PORT)).contains("10");
    assertThat(host.all(IDENTITY_FILE)).containsExactly("/keys/a", "/keys/b");
    assertThat(host.where(PORT)).isEqualTo("~/.ssh/conf.d/10-a.conf:2");
  }

  @Test
  void tildeAndAbsolutePaths_areRead() {
    home.write("cfg/one", "Port 1\n");
    Path two = home.write("cfg/two", "User two\n");
    HostConfig host = home.resolve("Include ~/cfg/one " + two + "\n", "x");
    assertThat(host.first(PORT)).contains("1");
    assertThat(host.first(USER)).contains("two");
  }

  @Test
  void globInADirectoryComponent_matches() {
    home.write(".ssh/hosts/a/config", "Port 1\n");
    home.write(".ssh/hosts/b/config", "Port 2\n");
    assertThat(home.resolve("Include hosts/*/config\n", "x").all(PORT)).containsExactly("1");
  }

  @Test
  void includeInsideHost_appliesOnlyToThatHost() {
    home.write(".ssh/work.conf", "User worker\n");
    SshConfig config = home.config("Host work\n  Include work.conf\n");
    assertThat(config.resolve("work").first(USER)).contains("worker");
    assertThat(config.resolve("home").first(USER)).isEmpty();
  }

  @Test
  void hostInsideAnIncludedFile_doesNotChangeTheIncludingBlock() {
    home.write(".ssh/inc.conf", "Host nomatch\n  User nobody\n");
    String text = "Host x\n  Include inc.conf\n  Port 2\n";
    HostConfig host = home.resolve(text, "x");
    assertThat(host.first(PORT)).contains("2");
    assertThat(host.first(USER)).isEmpty();
  }

  @Test
  void hostStarInAnIncludeInsideAnInactiveBlock_neverMatches() {
    // OpenSSH parses such a file only for errors: Host and Match in it never match.
    home.write(".ssh/inc.conf", "Host *\n  User everyone\n");
    assertThat(home.resolve("Host other\n  Include inc.conf\n", "x").first(USER)).isEmpty();
  }

  @Test
  void unknownKeywordInAnIncludedFile_isAnErrorNamingThatFile() {
    home.write(".ssh/inc.conf", "\nBogus 1\n");
    SshConfig config = home.config("Host other\n  Include inc.conf\n");
    assertThatThrownBy(() -> config.resolve("x"))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining("~/.ssh/inc.conf: line 2: Bad configuration option: Bogus");
  }

  @Test
  void patternMatchingNothing_isSkippedWithANote() {
    HostConfig host = home.resolve("Include conf.d/*\nPort 2\n", "x");
    assertThat(host.first(PORT)).contains("2");
    assertThat(host.notes()).containsExactly("~/.ssh/config:1: Include conf.d/* matched no files");
  }

  @Test
  void selfInclude_isALoopError() {
    assertThatThrownBy(() -> home.config("Include config\n"))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining(
            "~/.ssh/config: line 1: Include loop: ~/.ssh/config -> ~/.ssh/config");
  }

  @Test
  void indirectLoop_namesEveryFileInIt() {
    home.write(".ssh/a", "Include b\n");
    home.write(".ssh/b", "Host x\n  Include a\n");
    assertThatThrownBy(() -> home.config("Include a\n"))
        .hasMessageContaining("~/.ssh/b: line 2: Include loop: ~/.ssh/a -> ~/.ssh/b -> ~/.ssh/a");
  }

  @Test
  void chainDeeperThanSixteen_isAnError() {
    for (int i = 1; i <= 17; i++) {
      home.write(".ssh/d" + i, "Include d" + (i + 1) + "\n");
    }
    home.write(".ssh/d18", "Port 2\n");
    assertThatThrownBy(() -> home.config("Include d1\n"))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining("~/.ssh/d16: line 1: Include nested more than 16 files deep");
  }

  @Test
  void chainOfSixteen_isRead() {
    for (int i = 1; i < 16; i++) {
      home.write(".ssh/d" + i, "Include d" + (i + 1) + "\n");
    }
    home.write(".ssh/d16", "Port 2\n");
    assertThat(home.resolve("Include d1\n", "x").first(PORT)).contains("2");
  }

  @Test
  void sameFileTwice_isNotALoop() {
    home.write(".ssh/common", "IdentityFile /keys/common\n");
    String text = "Host a\n  Include common\nHost *\n  Include common\n";
    assertThat(home.resolve(text, "a").all(IDENTITY_FILE)).containsExactly("/keys/common");
  }

  @Test
  void worldWritableIncludedFile_isRefused() throws Exception {
    Path inc = home.write(".ssh/inc.conf", "Port 2\n");
    Files.setPosixFilePermissions(inc, PosixFilePermissions.fromString("rw-rw-rw-"));
    assertThatThrownBy(() -> home.config("Include inc.conf\n"))
        .hasMessageContaining("bad permissions on ssh config ~/.ssh/inc.conf");
  }

  @Test
  void ignoreUnknownFromTheIncludingFile_coversTheIncludedOne() {
    home.write(".ssh/mac.conf", "UseKeychain yes\n");
    HostConfig host = home.resolve("IgnoreUnknown UseKeychain\nInclude mac.conf\nPort 2\n", "x");
    assertThat(host.first(PORT)).contains("2");
  }
}
