package dev.portkeep.config.sshconfig;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GlobTest {
  @TempDir Path dir;

  @BeforeEach
  void files() throws IOException {
    for (String name :
        List.of(
            "a1.conf", "a2.conf", "b.conf", ".hidden.conf", "sub/x.conf", "sub/y.txt", "star*")) {
      Files.createDirectories(dir.resolve(name).getParent());
      Files.writeString(dir.resolve(name), "");
    }
  }

  private List<String> expand(String pattern) {
    return Glob.expand(dir + "/" + pattern, dir.getFileSystem()).stream()
        .map(p -> dir.relativize(p).toString())
        .toList();
  }

  @Test
  void expand_starAndQuestion_matchSortedSkippingDotFiles() {
    assertThat(expand("*.conf")).containsExactly("a1.conf", "a2.conf", "b.conf");
    assertThat(expand("a?.conf")).containsExactly("a1.conf", "a2.conf");
  }

  @Test
  void expand_patternStartingWithADot_matchesDotFiles() {
    assertThat(expand(".*.conf")).containsExactly(".hidden.conf");
  }

  @Test
  void expand_bracketsAndTheirNegation() {
    assertThat(expand("[ab]*.conf")).containsExactly("a1.conf", "a2.conf", "b.conf");
    assertThat(expand("a[!1].conf")).containsExactly("a2.conf");
    assertThat(expand("a[0-1].conf")).containsExactly("a1.conf");
  }

  @Test
  void expand_wildcardDirectory() {
    assertThat(expand("*/*.conf")).containsExactly("sub/x.conf");
  }

  @Test
  void expand_literalPath_existsOrNot() {
    assertThat(expand("b.conf")).containsExactly("b.conf");
    assertThat(expand("missing.conf")).isEmpty();
  }

  @Test
  void expand_escapedStar_isLiteral() {
    assertThat(expand("star\\*")).containsExactly("star*");
  }

  /**
   * An earlier fuzzing run: trying every split for every star took exponential time. The timeout
   * only stops a hang (the fixed matcher answers in microseconds), it measures nothing.
   */
  @Test
  void expand_manyStarsAgainstALongName_answersAtOnce() throws IOException {
    Files.writeString(dir.resolve("a".repeat(200)), "");

    List<String> found =
        org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(
            java.time.Duration.ofSeconds(30), () -> expand("*a*a*a*a*a*a*a*a*a*a*a*a*a*a*b"));

    assertThat(found).isEmpty();
    assertThat(expand("*a*a*a")).containsExactly("a".repeat(200));
  }

  @Test
  void expand_escapedWildcard_matchesItLiterally() {
    assertThat(expand("sta\\r\\*")).containsExactly("star*");
  }
}
