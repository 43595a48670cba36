package dev.portkeep.config.sshconfig;

import static dev.portkeep.config.Keyword.HOST_NAME;
import static dev.portkeep.config.Keyword.IDENTITY_FILE;
import static dev.portkeep.config.Keyword.USER_KNOWN_HOSTS_FILE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portkeep.error.UsageException;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SshConfigTokensTest {
  @TempDir Path dir;
  TempHome home;

  @BeforeEach
  void setUp() {
    home = new TempHome(dir);
  }

  @Test
  void identityFile_expandsTildeAndEveryPortkeepToken() {
    String text =
        """
        Host Alias
          HostName Real.Example
          User bob
          Port 2222
          IdentityFile ~/.ssh/%h-%p-%r-%u-%n-100%%
          IdentityFile %d/keys/%r
        """;
    HostConfig host = home.resolve(text, "Alias");
    assertThat(host.all(IDENTITY_FILE))
        .containsExactly(
            dir.resolve(".ssh/real.example-2222-bob-ann-Alias-100%").toString(), dir + "/keys/bob");
  }

  @Test
  void tokens_useTheFinalValues_evenWhenSetAfterTheIdentityFile() {
    String text = "IdentityFile /k/%r@%h:%p\nHost x\n  User late\n  Port 2\n";
    assertThat(home.resolve(text, "x").first(IDENTITY_FILE)).contains("/k/late@x:2");
  }

  @Test
  void tokens_withoutConfigValues_useDefaultsAndTheHostLowerCased() {
    assertThat(home.resolve("IdentityFile /k/%r@%h:%p\n", "MyHost").first(IDENTITY_FILE))
        .contains("/k/ann@myhost:22");
  }

  @Test
  void tokens_seeTheCommandLineValues() {
    SshConfig config = home.config("User fromfile\nIdentityFile /k/%r@%h:%p\n");
    Overrides given = Overrides.NONE.withUser("cli").withPort("2022").withHostName("%h.cli");
    assertThat(config.resolve("x", given).first(IDENTITY_FILE)).contains("/k/cli@x.cli:2022");
  }

  @Test
  void userKnownHostsFile_expandsEveryFileOfTheLine() {
    HostConfig host = home.resolve("UserKnownHostsFile ~/kh/%h /etc/kh/%n\n", "Web");
    assertThat(host.all(USER_KNOWN_HOSTS_FILE)).containsExactly(dir + "/kh/web", "/etc/kh/Web");
  }

  @Test
  void hostName_expandsPercentHWithTheHostAsGiven_andIsLowerCased() {
    assertThat(home.resolve("HostName %h.Corp.example.%%\n", "Git").first(HOST_NAME))
        .contains("git.corp.example.%");
  }

  @Test
  void hostName_withAnotherToken_isAnErrorLikeOpenSsh() {
    SshConfig config = home.config("Host x\n  HostName %p.example\n");
    assertThatThrownBy(() -> config.resolve("x"))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining("~/.ssh/config: line 2: unknown token '%p' in HostName '%p.example'")
        .satisfies(
            e ->
                assertThat(((UsageException) e).hint())
                    .isEqualTo("HostName accepts only %h and %%"));
  }

  @Test
  void unknownToken_isAnError() {
    SshConfig config = home.config("IdentityFile /k/%Z\n");
    assertThatThrownBy(() -> config.resolve("x"))
        .hasMessageContaining("unknown token '%Z' in IdentityFile");
  }

  @Test
  void trailingPercent_isAnError() {
    SshConfig config = home.config("IdentityFile /k/%\n");
    assertThatThrownBy(() -> config.resolve("x")).hasMessageContaining("ends with a lone '%'");
  }

  @Test
  void openSshTokensPortkeepDoesNotExpand_stayWithANote() {
    HostConfig host = home.resolve("IdentityFile /k/%C-%l\n", "x");
    assertThat(host.first(IDENTITY_FILE)).contains("/k/%C-%l");
    assertThat(host.notes()).anySatisfy(n -> assertThat(n).contains("does not expand %C"));
  }

  @Test
  void tildeOfAnotherUser_staysWithANote() {
    HostConfig host = home.resolve("IdentityFile ~bob/key\n", "x");
    assertThat(host.first(IDENTITY_FILE)).contains("~bob/key");
    assertThat(host.notes()).anySatisfy(n -> assertThat(n).contains("~user/"));
  }

  @Test
  void environmentVariables_stayWithANote() {
    HostConfig host = home.resolve("IdentityFile ${KEYS}/id\n", "x");
    assertThat(host.first(IDENTITY_FILE)).contains("${KEYS}/id");
    assertThat(host.notes()).anySatisfy(n -> assertThat(n).contains("${...}"));
  }

  @Test
  void otherValues_areLeftAsWritten() {
    assertThat(
            home.resolve("ProxyJump %h-jump\n", "x").first(dev.portkeep.config.Keyword.PROXY_JUMP))
        .contains("%h-jump");
  }
}
