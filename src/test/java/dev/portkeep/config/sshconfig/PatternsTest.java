package dev.portkeep.config.sshconfig;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portkeep.config.sshconfig.Patterns.ListMatch;
import org.junit.jupiter.api.Test;

class PatternsTest {
  @Test
  void matches_wildcards() {
    assertThat(Patterns.matches("web1.example", "web?.*")).isTrue();
    assertThat(Patterns.matches("abc", "*")).isTrue();
    assertThat(Patterns.matches("", "*")).isTrue();
    assertThat(Patterns.matches("abc", "a*c*")).isTrue();
    assertThat(Patterns.matches("abc", "a?")).isFalse();
    assertThat(Patterns.matches("ab", "a??")).isFalse();
    assertThat(Patterns.matches("aXbXc", "*b*c")).isTrue();
    assertThat(Patterns.matches("a[1]", "a[1]")).isTrue();
    assertThat(Patterns.matches("Web", "web")).isFalse();
  }

  @Test
  void matches_longRunsOfStars_stayFast() {
    assertThat(Patterns.matches("a".repeat(5000), "*a*a*a*a*a*a*a*a*b")).isFalse();
  }

  @Test
  void matchList_negationBeatsPositive_andLowerCasesPatternsOnly() {
    assertThat(Patterns.matchList("b.x", "*.x,!b.x", true)).isEqualTo(ListMatch.NEGATED);
    assertThat(Patterns.matchList("a.x", "*.X", true)).isEqualTo(ListMatch.MATCH);
    assertThat(Patterns.matchList("A.x", "a.*", true)).isEqualTo(ListMatch.NO_MATCH);
    assertThat(Patterns.matchList("a", "!b", false)).isEqualTo(ListMatch.NO_MATCH);
  }
}
