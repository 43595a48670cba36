package dev.portkeep.config.sshconfig;

import static dev.portkeep.config.Keyword.BATCH_MODE;
import static dev.portkeep.config.Keyword.CONNECT_TIMEOUT;
import static dev.portkeep.config.Keyword.DYNAMIC_FORWARD;
import static dev.portkeep.config.Keyword.HOST_NAME;
import static dev.portkeep.config.Keyword.IDENTITY_FILE;
import static dev.portkeep.config.Keyword.LOCAL_FORWARD;
import static dev.portkeep.config.Keyword.PORT;
import static dev.portkeep.config.Keyword.PROXY_JUMP;
import static dev.portkeep.config.Keyword.REMOTE_FORWARD;
import static dev.portkeep.config.Keyword.SERVER_ALIVE_INTERVAL;
import static dev.portkeep.config.Keyword.STRICT_HOST_KEY_CHECKING;
import static dev.portkeep.config.Keyword.USER;
import static dev.portkeep.config.Keyword.USER_KNOWN_HOSTS_FILE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portkeep.config.Keyword;
import dev.portkeep.error.UsageException;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SshConfigTest {
  @TempDir Path dir;
  TempHome home;

  @BeforeEach
  void setUp() {
    home = new TempHome(dir);
  }

  @Test
  void hostPatterns_starQuestionAndSeveralPerLine_match() {
    String text =
        """
        Host db? web*.example.com
          Port 2201
        Host *
          Port 22
        """;
    SshConfig config = home.config(text);
    assertThat(config.resolve("db1").first(PORT)).contains("2201");
    assertThat(config.resolve("web3.example.com").first(PORT)).contains("2201");
    assertThat(config.resolve("db12").first(PORT)).contains("22");
  }

  @Test
  void hostPatterns_negationMatching_excludesTheBlockEvenWhenAnotherPatternMatches() {
    String text =
        """
        Host *.corp !build.corp
          ProxyJump bastion.corp
        """;
    SshConfig config = home.config(text);
    assertThat(config.resolve("git.corp").first(PROXY_JUMP)).contains("bastion.corp");
    assertThat(config.resolve("build.corp").first(PROXY_JUMP)).isEmpty();
  }

  @Test
  void hostPatterns_negationAlone_neverMatches() {
    assertThat(home.resolve("Host !foo\n  Port 2\n", "bar").first(PORT)).isEmpty();
  }

  @Test
  void hostLineWithOnlyAComment_matchesNothing() {
    assertThat(home.resolve("Host # nothing\n  Port 2\n", "x").first(PORT)).isEmpty();
  }

  @Test
  void hostPatterns_caseDiffers_doesNotMatchAsInOpenSsh() {
    // readconf.c matches Host with match_pattern(), which is case-sensitive; Match host is not.
    SshConfig config = home.config("Host Gateway\n  Port 2\n");
    assertThat(config.resolve("Gateway").first(PORT)).contains("2");
    assertThat(config.resolve("gateway").first(PORT)).isEmpty();
  }

  @Test
  void hostPatterns_matchTheHostAsGivenNotTheHostName() {
    String text =
        """
        Host short
          HostName long.example.com
        Host long.example.com
          Port 2
        """;
    HostConfig host = home.resolve(text, "short");
    assertThat(host.first(HOST_NAME)).contains("long.example.com");
    assertThat(host.first(PORT)).isEmpty();
  }

  @Test
  void settingsBeforeAnyHost_applyToEveryHost() {
    assertThat(home.resolve("User ann2\nHost x\n  User bob\n", "x").first(USER)).contains("ann2");
  }

  @Test
  void firstValue_wins_acrossBlocks() {
    String text =
        """
        Host gw
          Port 2201
          User alice
        Host *
          Port 22
          User root
          ServerAliveInterval 30
        """;
    HostConfig host = home.resolve(text, "gw");
    assertThat(host.first(PORT)).contains("2201");
    assertThat(host.first(USER)).contains("alice");
    assertThat(host.first(SERVER_ALIVE_INTERVAL)).contains("30");
    assertThat(host.all(PORT)).containsExactly("2201");
  }

  @Test
  void identityFileAndForwards_accumulateInOrder_withoutDuplicates() {
    String text =
        """
        Host gw
          IdentityFile /keys/a
          LocalForward 8080 db:5432
          RemoteForward 9000 localhost:80
          RemoteForward 1080
          DynamicForward 1081
        Host *
          IdentityFile /keys/b
          IdentityFile /keys/a
          LocalForward 127.0.0.1:8081 [::1]:22
          LocalForward 8080 db:5432
        """;
    HostConfig host = home.resolve(text, "gw");
    assertThat(host.all(IDENTITY_FILE)).containsExactly("/keys/a", "/keys/b");
    assertThat(host.all(LOCAL_FORWARD)).containsExactly("8080:db:5432", "127.0.0.1:8081:[::1]:22");
    assertThat(host.all(REMOTE_FORWARD)).containsExactly("9000:localhost:80", "1080");
    assertThat(host.all(DYNAMIC_FORWARD)).containsExactly("1081");
  }

  @Test
  void userKnownHostsFile_firstLineWins_withAllItsFiles() {
    String text = "UserKnownHostsFile /kh/one /kh/two\nUserKnownHostsFile /kh/three\n";
    HostConfig host = home.resolve(text, "x");
    assertThat(host.all(USER_KNOWN_HOSTS_FILE)).containsExactly("/kh/one", "/kh/two");
    assertThat(host.first(USER_KNOWN_HOSTS_FILE)).contains("/kh/one");
  }

  @Test
  void lineForms_equalsSpacesTabsCaseAndComments_allRead() {
    String text =
        """
        # a comment

        \tport=2201
        USER = alice # trailing comment
        connecttimeout =7
        BatchMode\tyes
           StrictHostKeyChecking  accept-new
        """;
    HostConfig host = home.resolve(text, "x");
    assertThat(host.first(PORT)).contains("2201");
    assertThat(host.first(USER)).contains("alice");
    assertThat(host.first(CONNECT_TIMEOUT)).contains("7");
    assertThat(host.first(BATCH_MODE)).contains("yes");
    assertThat(host.first(STRICT_HOST_KEY_CHECKING)).contains("accept-new");
  }

  @Test
  void quotedValues_keepTheirSpaces() {
    String text =
        """
        IdentityFile "/keys/my key"
        IdentityFile '/keys/single quoted'
        IdentityFile /keys/escaped\\ space
        IdentityFile /keys/mid"dle part"
        """;
    assertThat(home.resolve(text, "x").all(IDENTITY_FILE))
        .containsExactly(
            "/keys/my key", "/keys/single quoted", "/keys/escaped space", "/keys/middle part");
  }

  @Test
  void where_namesFileAndLineWithTheHomeAsTilde() {
    HostConfig host = home.resolve("Host *\n\n  Port abc\n", "x");
    assertThat(host.where(PORT)).isEqualTo("~/.ssh/config:3");
    assertThat(host.values(PORT)).containsExactly(new HostConfig.Value("abc", "~/.ssh/config:3"));
  }

  @Test
  void where_keywordNotSet_failsNamingIt() {
    assertThatThrownBy(() -> home.resolve("Port 2\n", "x").where(USER))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("User");
  }

  @Test
  void unknownKeyword_isAnErrorWithFileAndLine() {
    SshConfig config = home.config("Host x\n  Port 2\n  UseKeychain yes\n");
    assertThatThrownBy(() -> config.resolve("x"))
        .isInstanceOf(UsageException.class)
        .hasMessage("~/.ssh/config: line 3: Bad configuration option: UseKeychain")
        .satisfies(e -> assertThat(((UsageException) e).hint()).contains("check the spelling"));
  }

  @Test
  void unknownKeyword_inABlockThatDoesNotApply_isStillAnError() {
    SshConfig config = home.config("Host other\n  Prot 2\n");
    assertThatThrownBy(() -> config.resolve("x"))
        .hasMessageContaining("line 2: Bad configuration option: Prot");
  }

  @Test
  void portkeepOnlyKeyword_inTheFile_isAnErrorThatSaysToUseDashO() {
    SshConfig config = home.config("Reconnect no\n");
    assertThatThrownBy(() -> config.resolve("x"))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining("Bad configuration option: Reconnect")
        .satisfies(e -> assertThat(((UsageException) e).hint()).contains("-o"));
  }

  @Test
  void ignoreUnknown_patternsCoverMatchingWordsCaseInsensitively() {
    String text =
        """
        IgnoreUnknown UseKeychain,Add*
        Host *
          usekeychain yes
          AddSomething no
          Port 2
        """;
    HostConfig host = home.resolve(text, "x");
    assertThat(host.first(PORT)).contains("2");
    assertThat(host.notes())
        .anySatisfy(n -> assertThat(n).contains("usekeychain").contains("IgnoreUnknown"));
  }

  @Test
  void ignoreUnknown_mustComeBeforeTheWord() {
    SshConfig config = home.config("UseKeychain yes\nIgnoreUnknown UseKeychain\n");
    assertThatThrownBy(() -> config.resolve("x"))
        .hasMessageContaining("line 1: Bad configuration option");
  }

  @Test
  void ignoreUnknown_inABlockThatDoesNotApply_coversNothing() {
    SshConfig config =
        home.config("Host mac\n  IgnoreUnknown UseKeychain\nHost *\n  UseKeychain yes\n");
    assertThat(config.resolve("mac").notes()).isNotEmpty();
    assertThatThrownBy(() -> config.resolve("linux"))
        .hasMessageContaining("line 4: Bad configuration option");
  }

  @Test
  void unusedOpenSshKeywords_areSkippedWithANote() {
    String text =
        """
        Host *
          ForwardAgent yes
          Ciphers aes128-ctr
          UseRoaming no
          Protocol 2
          Port 2
        """;
    HostConfig host = home.resolve(text, "x");
    assertThat(host.first(PORT)).contains("2");
    assertThat(host.notes())
        .contains(
            "~/.ssh/config:2: ForwardAgent is not used by portkeep",
            "~/.ssh/config:3: Ciphers is not used by portkeep")
        .anySatisfy(
            n -> assertThat(n).startsWith("~/.ssh/config:4: UseRoaming is not used by portkeep"));
  }

  @Test
  void unusedKeywords_inBlocksThatDoNotApply_leaveNoNote() {
    assertThat(home.resolve("Host other\n  ForwardAgent yes\n", "x").notes()).isEmpty();
  }

  @Test
  void proxyCommandFirst_winsOverALaterProxyJump_asInOpenSsh() {
    String text =
        """
        Host bastion
          ProxyCommand none
        Host *
          ProxyJump bastion
        """;
    SshConfig config = home.config(text);
    assertThat(config.resolve("bastion").first(PROXY_JUMP)).isEmpty();
    assertThat(config.resolve("bastion").notes())
        .anySatisfy(n -> assertThat(n).contains("ProxyJump ignored"));
    assertThat(config.resolve("db").first(PROXY_JUMP)).contains("bastion");
  }

  @Test
  void proxyCommand_isTheWholeRestOfTheLine_withItsTokensExpanded() {
    HostConfig host =
        home.resolve(
            "HostName x.example\nPort 2222\nProxyCommand=  ssh -W %h:%p \"jump #1\" # %r %n\n",
            "x");
    assertThat(host.first(Keyword.PROXY_COMMAND))
        .contains("ssh -W x.example:2222 \"jump #1\" # ann x");
  }

  @Test
  void proxyJumpFirst_winsOverALaterProxyCommand_withANote() {
    HostConfig host = home.resolve("ProxyJump j1\nProxyCommand nc %h %p\n", "x");
    assertThat(host.first(PROXY_JUMP)).contains("j1");
    assertThat(host.first(Keyword.PROXY_COMMAND)).isEmpty();
    assertThat(host.notes())
        .anySatisfy(n -> assertThat(n).contains("ProxyCommand ignored: the ProxyJump at"));
  }

  @Test
  void proxyJump_isTheRawTextUpToAComment() {
    HostConfig host = home.resolve("ProxyJump alice@j1:2222,j2   # two hops\n", "x");
    assertThat(host.first(PROXY_JUMP)).contains("alice@j1:2222,j2");
  }

  @Test
  void missingArgument_isAnError() {
    assertThatThrownBy(() -> home.config("Host x\n  Port\n"))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining("~/.ssh/config: line 2: no argument after keyword 'Port'");
  }

  @Test
  void extraArguments_isAnErrorQuotingThem() {
    assertThatThrownBy(() -> home.config("User alice bob\n"))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining("line 1: keyword User extra arguments at end of line: 'bob'");
  }

  @Test
  void localForwardWithOneWord_isMissingItsTarget() {
    assertThatThrownBy(() -> home.config("LocalForward 8080\n"))
        .hasMessageContaining("missing target argument");
  }

  @Test
  void unbalancedQuote_isAnError() {
    assertThatThrownBy(() -> home.config("IdentityFile \"/keys/a\n"))
        .hasMessageContaining("line 1: invalid quotes");
  }

  @Test
  void emptyHostPattern_isAnError() {
    assertThatThrownBy(() -> home.config("Host \"\"\n"))
        .hasMessageContaining("keyword Host empty argument");
  }

  @Test
  void defaultFileMissing_isEmpty() {
    HostConfig host = SshConfig.loadDefault(home.env).resolve("x");
    assertThat(host.first(PORT)).isEmpty();
    assertThat(host.notes()).isEmpty();
  }

  @Test
  void dashFFileMissing_isAUsageErrorNamingIt() {
    Path missing = dir.resolve("nope.conf");
    assertThatThrownBy(() -> SshConfig.load(missing, home.env))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining("cannot read ssh config '" + missing + "'");
  }

  @Test
  void dashFNone_readsNothing() {
    assertThat(SshConfig.load(Path.of("none"), home.env).resolve("x").first(PORT)).isEmpty();
  }

  @Test
  void dashFFile_isReadWithItsPathInMessages() {
    Path file = home.write("work/ssh.conf", "Port 2\n");
    HostConfig host = SshConfig.load(file, home.env).resolve("x");
    assertThat(host.where(PORT)).isEqualTo("~/work/ssh.conf:1");
  }

  @Test
  void worldWritableDefaultFile_isRefused() throws Exception {
    Path file = home.write(".ssh/config", "Port 2\n");
    java.nio.file.Files.setPosixFilePermissions(
        file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-rw-rw-"));
    assertThatThrownBy(() -> SshConfig.loadDefault(home.env))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining("bad permissions on ssh config ~/.ssh/config");
  }

  @Test
  void overrides_fixUserPortAndHostName_beforeTheFile() {
    String text = "User fromfile\nPort 2\nHostName file.example\n";
    HostConfig host =
        home.config(text)
            .resolve("x", Overrides.NONE.withUser("cli").withPort("3").withHostName("cli.example"));
    assertThat(host.first(USER)).isEmpty();
    assertThat(host.first(PORT)).isEmpty();
    assertThat(host.first(HOST_NAME)).isEmpty();
  }

  @Test
  void emptyConfig_resolvesToNothing() {
    HostConfig host = SshConfig.empty(home.env).resolve("x");
    assertThat(host.first(PORT)).isEqualTo(Optional.empty());
    assertThat(host.all(IDENTITY_FILE)).isEmpty();
  }

  /** Found by an earlier fuzzing run: args.get(0) on an empty list. */
  @Test
  void canonicalizeHostname_withOnlyAComment_isAMissingArgument() {
    assertThatThrownBy(() -> home.config("CanonicalizeHostname # on?\n").resolve("x"))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining("line 1: CanonicalizeHostname: missing argument");
  }

  /** Found by the fuzzer: Include with a NUL escaped as InvalidPathException. */
  @Test
  void lineWithANulCharacter_isAnErrorNamingTheLine() {
    assertThatThrownBy(() -> home.config("Host x\nInclude a\u0000b\n").resolve("x"))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining("line 2: NUL character in the line");
  }
}
