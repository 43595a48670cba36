package dev.portkeep.config.tunnels;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The locator finds the line of tables, keys and array elements in the forms TOML allows. */
class TomlLinesTest {
  static final String TEXT =
      """
      top = 1                                   # 1
      multi = \"\"\"                               # 2
      [tunnel.fake]
      \"\"\"                                       # 4
      [tunnel.web]                              # 5
      host = "gw"                               # 6
      local = [                                 # 7
        "8080:a:80",  # a comment with ] in it    8
        '8081:b:81',                            # 9
      ]
      options = { User = "ann", Port = 22 }     # 11
      smb.netbios = true                        # 12
      [ tunnel . "my \\"db\\"" ]                  # 13
      host = 'db'                               # 14
      [tunnel.'lit.name'.smb]                   # 15
      share = "s"                               # 16
      """;

  final TomlLines lines = TomlLines.scan(TEXT);

  private int line(String... keys) {
    return lines.line(new KeyPath(List.of(keys), -1));
  }

  @Test
  void headersAndKeys_areFoundAndStringsAreSkipped() {
    assertThat(line("top")).isEqualTo(1);
    assertThat(line("multi")).isEqualTo(2);
    assertThat(line("tunnel", "fake"))
        .as("only in a string: the first table under tunnel")
        .isEqualTo(5);
    assertThat(line("tunnel", "web")).isEqualTo(5);
    assertThat(line("tunnel", "web", "host")).isEqualTo(6);
    assertThat(line("tunnel", "web", "local")).isEqualTo(7);
  }

  @Test
  void arrayElements_haveTheirOwnLines() {
    KeyPath local = KeyPath.of("tunnel", "web", "local");

    assertThat(lines.line(local.element(0))).isEqualTo(8);
    assertThat(lines.line(local.element(1))).isEqualTo(9);
    assertThat(lines.line(local.element(5))).as("no such element: the key").isEqualTo(7);
  }

  @Test
  void inlineTablesAndDottedKeys_areFound() {
    assertThat(line("tunnel", "web", "options", "Port")).isEqualTo(11);
    assertThat(line("tunnel", "web", "smb", "netbios")).isEqualTo(12);
    assertThat(line("tunnel", "web", "smb")).as("made by a dotted key").isEqualTo(12);
  }

  @Test
  void quotedNames_areUnquoted() {
    assertThat(line("tunnel", "my \"db\"")).isEqualTo(13);
    assertThat(line("tunnel", "my \"db\"", "host")).isEqualTo(14);
    assertThat(line("tunnel", "lit.name")).as("implicit: its first line").isEqualTo(15);
  }

  @Test
  void dottedKeysAtTheTop_defineTheirTables() {
    TomlLines dotted = TomlLines.scan("a = 1\ntunnel.dotted.host = \"x\"\n");

    assertThat(dotted.line(KeyPath.of("tunnel", "dotted"))).isEqualTo(2);
  }

  @Test
  void unknownPath_fallsBackToItsTableThenLineOne() {
    assertThat(line("tunnel", "web", "nothing")).isEqualTo(5);
    assertThat(line("nothing")).isEqualTo(1);
  }

  @Test
  void duplicateNear_findsTheFirstLineOfAKeyOrTable() {
    TomlLines dup = TomlLines.scan("[a]\nx = 1\n\n[a]\n");
    TomlLines key = TomlLines.scan("[a]\nx = 1\nx = 2\n");

    assertThat(dup.duplicateNear(4)).contains(new TomlLines.Duplicate(KeyPath.of("a"), 4, 1, true));
    assertThat(key.duplicateNear(4))
        .as("Jackson's line may be the next one")
        .contains(new TomlLines.Duplicate(KeyPath.of("a", "x"), 3, 2, false));
    assertThat(key.duplicateNear(1)).isEmpty();
  }

  @Test
  void anyText_givesAnAnswerWithoutThrowing() {
    String[] texts = {
      "",
      "[",
      "[[",
      "a = [",
      "a = {",
      "a = \"",
      "a = '''",
      "= = =",
      "[a.\"",
      "a.b.c",
      "\\",
      "a = [[[[" + "[".repeat(5000),
      "a = {b = {c = {" + "{".repeat(5000),
      "\u0000 = 1",
    };
    for (String text : texts) {
      TomlLines scanned = TomlLines.scan(text);
      assertThat(scanned.line(KeyPath.of("a", "b"))).as(text).isPositive();
    }
  }
}
