package dev.portkeep.config.sshconfig;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portkeep.error.UsageException;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConfigLineTest {
  private static final Source AT = new Source("f", 1);

  private static ConfigLine parse(String text) {
    return ConfigLine.parse(text, AT).orElseThrow();
  }

  @Test
  void parse_blankAndCommentLines_areEmpty() {
    assertThat(ConfigLine.parse("", AT)).isEmpty();
    assertThat(ConfigLine.parse("   \t\r", AT)).isEmpty();
    assertThat(ConfigLine.parse("  # Port 2", AT)).isEmpty();
  }

  @Test
  void parse_equalsForms_allSplitTheSame() {
    for (String text :
        List.of("Port 2", "Port=2", "Port = 2", "Port =2", "Port= 2", "  Port\t2\r")) {
      ConfigLine line = parse(text);
      assertThat(line.keyword()).as(text).isEqualTo("Port");
      assertThat(line.args()).as(text).containsExactly("2");
    }
  }

  @Test
  void parse_onlyOneEqualsIsSkipped() {
    assertThat(parse("Port==2").args()).containsExactly("=2");
  }

  @Test
  void parse_quotesEscapesAndComments() {
    assertThat(parse("Host \"a b\" 'c d' e\\ f g\\\"h # i").args())
        .containsExactly("a b", "c d", "e f", "g\"h");
    assertThat(parse("Host a#b").args()).containsExactly("a#b");
  }

  @Test
  void parse_unterminatedQuote_isInvalid() {
    assertThatThrownBy(() -> parse("Host 'a"))
        .isInstanceOf(UsageException.class)
        .hasMessage("f: line 1: invalid quotes");
  }

  @Test
  void delimitedWords_splitAtEqualsAndHonourDoubleQuotes() {
    assertThat(parse("Match host=a exec \"x y\"").delimitedWords())
        .containsExactly("host", "a", "exec", "x y");
  }

  @Test
  void rawValue_keepsQuotesAndStopsAtHash() {
    assertThat(parse("ProxyJump \"u@h\" # c").rawValue()).isEqualTo("\"u@h\"");
  }
}
