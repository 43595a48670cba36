package dev.portkeep.config.sshconfig;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link SshConfig#hasHostBlockFor}: tells an alias from a name only the catch-all covers. */
class SshConfigHostBlockTest {
  @TempDir Path dir;
  TempHome home;

  @BeforeEach
  void setUp() {
    home = new TempHome(dir);
  }

  @Test
  void hasHostBlockFor_exactAndWildcardPatterns_nameTheHost() {
    SshConfig config =
        home.config(
            """
            Host db-gateway web?
              User ann
            """);
    assertThat(config.hasHostBlockFor("db-gateway")).isTrue();
    assertThat(config.hasHostBlockFor("web1")).isTrue();
    assertThat(config.hasHostBlockFor("web12")).isFalse();
  }

  @Test
  void hasHostBlockFor_onlyTheCatchAll_isFalse() {
    SshConfig config =
        home.config(
            """
            Host * !bastion
              User ann
            Host *
              Port 22
            """);
    assertThat(config.hasHostBlockFor("anything")).isFalse();
  }

  @Test
  void hasHostBlockFor_negatedOnThisLine_isFalse() {
    SshConfig config =
        home.config(
            """
            Host db* !db-old
              User ann
            """);
    assertThat(config.hasHostBlockFor("db-new")).isTrue();
    assertThat(config.hasHostBlockFor("db-old")).isFalse();
  }

  @Test
  void hasHostBlockFor_hostInAnIncludedFile_isTrue() {
    home.write(".ssh/config.d/work", "Host vault\n  HostName vault.corp\n");
    SshConfig config = home.config("Include config.d/*\n");
    assertThat(config.hasHostBlockFor("vault")).isTrue();
    assertThat(config.hasHostBlockFor("other")).isFalse();
  }

  @Test
  void hasHostBlockFor_emptyConfig_isFalse() {
    assertThat(SshConfig.empty(home.env).hasHostBlockFor("db")).isFalse();
  }
}
