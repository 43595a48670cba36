package dev.portkeep.config.sshconfig;

import static dev.portkeep.config.Keyword.CONNECT_TIMEOUT;
import static dev.portkeep.config.Keyword.HOST_NAME;
import static dev.portkeep.config.Keyword.PORT;
import static dev.portkeep.config.Keyword.USER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portkeep.error.UsageException;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SshConfigMatchTest {
  @TempDir Path dir;
  TempHome home;

  @BeforeEach
  void setUp() {
    home = new TempHome(dir);
  }

  @Test
  void matchAll_appliesToEveryHost() {
    assertThat(home.resolve("Host other\nMatch all\n  Port 2\n", "x").first(PORT)).contains("2");
  }

  @Test
  void matchHost_seesTheHostNameSetEarlier() {
    String text =
        """
        Host db
          HostName db.internal.example
        Match host *.internal.example
          User svc
        """;
    assertThat(home.resolve(text, "db").first(USER)).contains("svc");
  }

  @Test
  void matchHost_withoutHostName_seesTheHostAsGiven_caseInsensitively() {
    SshConfig config = home.config("Match host WEB*\n  Port 2\n");
    assertThat(config.resolve("web1").first(PORT)).contains("2");
    assertThat(config.resolve("Web1").first(PORT)).contains("2");
  }

  @Test
  void matchHost_expandsPercentHInTheHostName() {
    String text = "Host *\n  HostName %h.corp.example\nMatch host *.corp.example\n  Port 2\n";
    HostConfig host = home.resolve(text, "git");
    assertThat(host.first(HOST_NAME)).contains("git.corp.example");
    assertThat(host.first(PORT)).contains("2");
  }

  @Test
  void matchOriginalHost_ignoresTheHostName() {
    String text =
        "HostName real.example\nMatch originalhost alias\n  Port 2\nMatch host alias\n  User u\n";
    HostConfig host = home.resolve(text, "alias");
    assertThat(host.first(PORT)).contains("2");
    assertThat(host.first(USER)).isEmpty();
  }

  @Test
  void matchHost_commaListWithNegation_excludes() {
    SshConfig config = home.config("Match host *.example,!secret.example\n  Port 2\n");
    assertThat(config.resolve("a.example").first(PORT)).contains("2");
    assertThat(config.resolve("secret.example").first(PORT)).isEmpty();
  }

  @Test
  void matchHost_onlyNegatedPatterns_neverMatches() {
    assertThat(home.resolve("Match host !foo\n  Port 2\n", "bar").first(PORT)).isEmpty();
  }

  @Test
  void matchNegatedCriterion_matchesWhenThePatternDoesNot() {
    assertThat(home.resolve("Match !host foo\n  Port 2\n", "bar").first(PORT)).contains("2");
  }

  @Test
  void matchUser_seesAnEarlierUserLine_caseSensitively() {
    String text =
        "Host x\n  User deploy\nMatch user deploy\n  Port 2\nMatch user DEPLOY\n  ConnectTimeout 3\n";
    HostConfig host = home.resolve(text, "x");
    assertThat(host.first(PORT)).contains("2");
    assertThat(host.first(CONNECT_TIMEOUT)).isEmpty();
  }

  @Test
  void matchUser_seesTheCommandLineUserFirst() {
    SshConfig config = home.config("User other\nMatch user cli\n  Port 2\n");
    assertThat(config.resolve("x", Overrides.NONE.withUser("cli")).first(PORT)).contains("2");
  }

  @Test
  void matchUser_withoutAnyUser_seesTheLocalUser() {
    assertThat(home.resolve("Match user ann\n  Port 2\n", "x").first(PORT)).contains("2");
  }

  @Test
  void matchLocalUser_seesTheLocalUser() {
    String text =
        "User remote\nMatch localuser ann\n  Port 2\nMatch localuser remote\n  ConnectTimeout 3\n";
    HostConfig host = home.resolve(text, "x");
    assertThat(host.first(PORT)).contains("2");
    assertThat(host.first(CONNECT_TIMEOUT)).isEmpty();
  }

  @Test
  void matchSeveralCriteria_allMustHold() {
    SshConfig config = home.config("Match host x* user ann\n  Port 2\n");
    assertThat(config.resolve("x1").first(PORT)).contains("2");
    assertThat(config.resolve("x1", Overrides.NONE.withUser("bob")).first(PORT)).isEmpty();
  }

  @Test
  void matchExec_isNotRun_treatedAsNotMatching_withANote() {
    String text = "Match host x exec \"test -e /tmp/vpn\"\n  Port 2\n";
    HostConfig host = home.resolve(text, "x");
    assertThat(host.first(PORT)).isEmpty();
    assertThat(host.notes())
        .containsExactly(
            "~/.ssh/config:1: Match exec test -e /tmp/vpn is not evaluated by portkeep; the block is skipped");
  }

  @Test
  void matchExec_afterACriterionThatFailed_leavesNoNote() {
    // OpenSSH does not run the command then either.
    assertThat(home.resolve("Match host other exec true\n  Port 2\n", "x").notes()).isEmpty();
  }

  @Test
  void matchNegatedExec_isAlsoTreatedAsNotMatching() {
    HostConfig host = home.resolve("Match !exec true\n  Port 2\n", "x");
    assertThat(host.first(PORT)).isEmpty();
    assertThat(host.notes()).hasSize(1);
  }

  @Test
  void matchNewerCriterion_isNotEvaluated_withANote() {
    HostConfig host = home.resolve("Match tagged work\n  Port 2\n", "x");
    assertThat(host.first(PORT)).isEmpty();
    assertThat(host.notes())
        .singleElement()
        .asString()
        .contains("Match tagged work is not evaluated");
  }

  @Test
  void matchCanonicalOrFinal_withoutAFinalPass_doNotMatchButTheirNegationsDo() {
    String text = "Match canonical\n  Port 2\nMatch !canonical\n  User u\n";
    HostConfig host = home.resolve(text, "x");
    assertThat(host.first(PORT)).isEmpty();
    assertThat(host.first(USER)).contains("u");
  }

  @Test
  void matchFinal_readsTheFileAgain_matchingHostLinesAgainstTheHostName() {
    String text =
        """
        Host alias
          HostName Real.Example
        Host real.example
          User fromsecondpass
        Match final host real.example
          Port 2
        Match canonical
          ConnectTimeout 3
        """;
    HostConfig host = home.resolve(text, "alias");
    assertThat(host.first(USER)).contains("fromsecondpass");
    assertThat(host.first(PORT)).contains("2");
    assertThat(host.first(CONNECT_TIMEOUT)).contains("3");
  }

  @Test
  void matchFinal_hostNameInTheSecondPass_isIgnoredAsInOpenSsh() {
    HostConfig host = home.resolve("Match final\n  HostName changed.example\n", "x");
    assertThat(host.first(HOST_NAME)).isEmpty();
  }

  @Test
  void matchFinal_inAnIncludeUnderAnInactiveBlock_stillCausesTheSecondPass() {
    home.write(".ssh/final.conf", "Match final\n  User never\n");
    String text =
        "Host alias\n  HostName real.example\nHost nomatch\n  Include final.conf\nHost real.example\n  Port 2\n";
    HostConfig host = home.resolve(text, "alias");
    assertThat(host.first(PORT)).contains("2");
    assertThat(host.first(USER)).isEmpty();
  }

  @Test
  void canonicalizeHostname_causesTheSecondPass_withoutResolvingAndNotes() {
    String text = "CanonicalizeHostname yes\nMatch canonical\n  Port 2\n";
    HostConfig host = home.resolve(text, "a.b.c");
    assertThat(host.first(PORT)).contains("2");
    assertThat(host.notes())
        .contains("~/.ssh/config:1: CanonicalizeHostname is not used by portkeep");
  }

  @Test
  void matchAll_afterOneCriterion_isAllowed() {
    assertThat(home.resolve("Match host x all\n  Port 2\n", "x").first(PORT)).contains("2");
  }

  @Test
  void matchAll_beforeAnotherCriterion_isABadMatchCondition() {
    assertThatThrownBy(() -> home.config("Match all host x\n"))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining(
            "~/.ssh/config: line 1: Bad Match condition: 'all' cannot be combined");
  }

  @Test
  void matchCriterionWithoutArgument_isABadMatchCondition() {
    assertThatThrownBy(() -> home.config("Match host\n"))
        .hasMessageContaining("missing Match criteria for host");
  }

  @Test
  void matchUnknownAttribute_isABadMatchCondition() {
    assertThatThrownBy(() -> home.config("Match hots x\n"))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining("unsupported Match attribute 'hots'");
  }

  @Test
  void matchOnlyAComment_needsAnAttribute() {
    assertThatThrownBy(() -> home.config("Match # nothing\n"))
        .hasMessageContaining("one or more attributes");
  }

  @Test
  void matchEqualsForm_isRead() {
    assertThat(home.resolve("Match host=x\n  Port 2\n", "x").first(PORT)).contains("2");
  }
}
