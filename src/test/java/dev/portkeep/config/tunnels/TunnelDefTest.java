package dev.portkeep.config.tunnels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portkeep.config.Keyword;
import dev.portkeep.error.UsageException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Equality is "the same tunnel", whatever line it was written on; the records refuse bad values.
 */
class TunnelDefTest {
  static final String BEFORE =
      """
      [tunnel.web]
      host = "gw.example.com"
      local = ["8080:web:80"]
      options = { ServerAliveInterval = 10, BatchMode = true }

      [tunnel.db]
      host = "gw.example.com"
      local = ["5432:db:5432"]
      """;

  @TempDir Path dir;
  TunnelsFixture fixture;

  @BeforeEach
  void setUp() {
    fixture = new TunnelsFixture(dir);
  }

  private Map<String, TunnelDef> byName(String toml) {
    return fixture.parse(toml).tunnels().stream()
        .collect(Collectors.toMap(TunnelDef::name, Function.identity()));
  }

  @Test
  void equality_ignoresLinesOrderAndHowAValueWasWritten() {
    Map<String, TunnelDef> before = byName(BEFORE);
    Map<String, TunnelDef> after =
        byName(
            """
            # moved, reordered, and written another way
            [tunnel.db]
            host = "gw.example.com"
            local = ["5432:db:5432"]

            [tunnel.web]
            options.batchmode = "yes"
            options.ServerAliveInterval = "10"
            local = [ "8080:web:80" ]
            host = 'gw.example.com'
            """);

    assertThat(after.get("web").origin()).isNotEqualTo(before.get("web").origin());
    assertThat(after).isEqualTo(before);
    assertThat(after.get("web").hashCode()).isEqualTo(before.get("web").hashCode());
  }

  @Test
  void equality_seesEveryChangeThatMakesAnotherTunnel() {
    Map<String, TunnelDef> before = byName(BEFORE);
    String[] changes = {
      BEFORE.replace("8080:web:80", "8081:web:80"),
      BEFORE.replace("ServerAliveInterval = 10", "ServerAliveInterval = 11"),
      BEFORE.replace(
          "[tunnel.web]\nhost = \"gw.example.com\"", "[tunnel.web]\nhost = \"gw2.example.com\""),
      BEFORE.replace("[tunnel.web]\n", "[tunnel.web]\nenabled = false\n"),
      BEFORE.replace("[tunnel.web]\n", "[tunnel.web]\nprobe = 5\n"),
      BEFORE.replace("[tunnel.web]\n", "[tunnel.web]\non_change = \"true\"\n"),
      BEFORE.replace("[tunnel.web]\n", "[tunnel.web]\npassword_command = \"pass gw\"\n"),
      BEFORE.replace("[tunnel.web]\n", "[tunnel.web]\naddress_family = \"inet\"\n"),
    };
    for (String changed : changes) {
      Map<String, TunnelDef> after = byName(changed);
      assertThat(after.get("web")).as(changed).isNotEqualTo(before.get("web"));
      assertThat(after.get("db")).as(changed).isEqualTo(before.get("db"));
    }
  }

  @Test
  void equality_seesAnotherSshConfigInEveryTunnel() {
    Map<String, TunnelDef> before = byName(BEFORE);
    Map<String, TunnelDef> after = byName("ssh_config = \"none\"\n" + BEFORE);

    assertThat(after.get("web")).isNotEqualTo(before.get("web"));
    assertThat(after.get("db")).isNotEqualTo(before.get("db"));
  }

  @Test
  void explain_placesALaterErrorAtTheTunnelsTable() {
    TunnelDef db = byName(BEFORE).get("db");

    UsageException e =
        db.explain(new UsageException("identity file '~/.ssh/x' does not exist", "check the path"));

    assertThat(e.getMessage())
        .isEqualTo("tunnels.toml:6: tunnel 'db': identity file '~/.ssh/x' does not exist");
    assertThat(e.hint()).isEqualTo("check the path");
  }

  @Test
  void records_refuseWhatTheReaderWouldHaveRefused() {
    TunnelDef web = byName(BEFORE).get("web");

    assertThatThrownBy(() -> new Forwards(List.of("8080:web"), List.of(), List.of()))
        .isInstanceOf(UsageException.class);
    assertThatThrownBy(
            () ->
                new TunnelDef(
                    "bad name",
                    web.connection(),
                    web.forwards(),
                    web.smb(),
                    true,
                    web.probe(),
                    web.onChange(),
                    web.origin()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () ->
                new TunnelDef(
                    "web",
                    web.connection(),
                    web.forwards(),
                    Optional.of(
                        new SmbDef(
                            SmbDef.defaultFileServer(), false, Optional.empty(), Optional.empty())),
                    true,
                    web.probe(),
                    web.onChange(),
                    web.origin()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> web.options().put(Keyword.USER, List.of("x")))
        .isInstanceOf(UnsupportedOperationException.class);
  }
}
