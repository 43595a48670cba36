package dev.portkeep.config.tunnels;

import static dev.portkeep.config.tunnels.TunnelsFixture.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import dev.portkeep.error.UsageException;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Two listeners on one port clash when the kernel would refuse the second. */
class ListenClashTest {
  static final String HINT = "another port or address";

  @TempDir Path dir;
  TunnelsFixture fixture;

  @BeforeEach
  void setUp() {
    fixture =
        new TunnelsFixture(dir)
            .sshConfig("Host db-gateway\n  HostName db.example.com\n  LocalForward 5432 db:5432\n");
  }

  /** Two tunnels, the first listening on {@code first}, the second on {@code second}. */
  static String twoTunnels(String first, String second) {
    return """
        [tunnel.one]
        host = "gw.example.com"
        local = ["%s:one:80"]

        [tunnel.two]
        host = "gw.example.com"
        local = ["%s:two:80"]
        """
        .formatted(first, second);
  }

  @ParameterizedTest(name = "{0} and {1} clash")
  @CsvSource(
      delimiter = '|',
      value = {
        "*:8080 | 127.0.0.1:8080",
        "127.0.0.1:8080 | *:8080",
        ":8080 | [::1]:8080",
        "8080 | 127.0.0.1:8080",
        "localhost:8080 | [::1]:8080",
        "0.0.0.0:8080 | 127.0.0.5:8080",
        "0.0.0.0:8080 | localhost:8080",
        "[::]:8080 | 10.0.0.1:8080",
        "[::ffff:127.0.0.2]:8080 | 127.0.0.2:8080",
        "[0:0:0:0:0:0:0:1]:8080 | [::1]:8080",
        "[fe80::1%eth0]:8080 | [FE80::1%eth0]:8080",
        "db.internal:8080 | DB.internal:8080",
        "db.internal:8080 | *:8080",
      })
  void overlappingAddresses_onOnePort_clash(String first, String second) {
    UsageException e = fixture.error(twoTunnels(first, second));

    assertError(e, 7, "tunnel.two.local[0]", second + ":two:80", HINT);
    assertThat(e.getMessage()).contains("of tunnel.one.local[0] '" + first + ":one:80' at line 3");
  }

  @ParameterizedTest(name = "{0} and {1} do not clash")
  @CsvSource(
      delimiter = '|',
      value = {
        "127.0.0.1:8080 | 127.0.0.2:8080",
        "127.0.0.1:8080 | 127.0.0.1:8081",
        "0 | 0",
        "*:0 | *:0",
        "0.0.0.0:8080 | [::1]:8080",
        "[::1]:8080 | [::2]:8080",
        "[fe80::1%eth0]:8080 | [fe80::1%eth1]:8080",
        "db.internal:8080 | web.internal:8080",
        "db.internal:8080 | 127.0.0.1:8080",
      })
  void separateAddresses_doNotClash(String first, String second) {
    assertThat(fixture.parse(twoTunnels(first, second)).names()).containsExactly("one", "two");
  }

  @Test
  void addressFamilyInet_makesStarTheIpv4WildcardAndLocalhostIpv4Only() {
    String toml =
        """
        [tunnel.one]
        host = "gw.example.com"
        address_family = "inet"
        local = ["*:8080:one:80", "localhost:8081:one:81"]
        [tunnel.two]
        host = "gw.example.com"
        local = ["[::1]:8080:two:80", "[::1]:8081:two:81"]
        """;

    assertThat(fixture.parse(toml).names()).containsExactly("one", "two");
  }

  @Test
  void twoForwardsOfOneTunnel_clash() {
    UsageException e =
        fixture.error(
            """
            [tunnel.one]
            host = "gw.example.com"
            local = ["1080:one:80"]
            dynamic = ["127.0.0.1:1080"]
            """);

    assertError(e, 4, "tunnel.one.dynamic[0]", "127.0.0.1:1080", HINT);
  }

  @Test
  void remoteForwards_listenOnTheServerAndAreNotCompared() {
    String toml =
        """
        [tunnel.one]
        host = "gw.example.com"
        local = ["8080:one:80"]
        remote = ["8080:localhost:80"]
        [tunnel.two]
        host = "gw.example.com"
        remote = ["8080:localhost:80"]
        """;

    assertThat(fixture.parse(toml).names()).containsExactly("one", "two");
  }

  @Test
  void disabledTunnel_isNotComparedWithOthers() {
    String toml =
        """
        [tunnel.prod]
        host = "gw.example.com"
        local = ["5432:db-prod:5432"]
        [tunnel.staging]
        host = "gw.example.com"
        local = ["5432:db-staging:5432"]
        enabled = false
        """;

    assertThat(fixture.parse(toml).names()).containsExactly("prod", "staging");
  }

  @Test
  void disabledTunnel_isStillCheckedOnItsOwn() {
    UsageException e =
        fixture.error(
            """
            [tunnel.staging]
            host = "gw.example.com"
            local = ["5432:db:5432", "*:5432:db:5433"]
            enabled = false
            """);

    assertError(e, 3, "tunnel.staging.local[1]", "*:5432:db:5433", HINT);
  }

  @Test
  void metricsAndUi_clashWithEachOther() {
    UsageException e = fixture.error("metrics = 9724\nui = \"127.0.0.1:9724\"\n");

    assertError(e, 2, "ui", "127.0.0.1:9724", HINT);
    assertThat(e.getMessage()).contains("of metrics 'localhost:9724' at line 1");
  }

  @Test
  void metrics_clashesWithATunnel() {
    UsageException e =
        fixture.error(
            """
            metrics = "*:9724"
            [tunnel.one]
            host = "gw.example.com"
            local = ["9724:one:80"]
            """);

    assertError(e, 4, "tunnel.one.local[0]", "9724:one:80", HINT);
  }

  @Test
  void smbListen_clashesWithALocalForward_andNetbiosWithPort139() {
    String smb =
        """
        [tunnel.fs]
        host = "gw.example.com"
        smb = { listen = "127.0.0.2", netbios = true }
        [tunnel.web]
        host = "gw.example.com"
        local = ["%s"]
        """;

    UsageException on445 = fixture.error(smb.formatted("127.0.0.2:445:web:80"));
    UsageException on139 = fixture.error(smb.formatted("*:139:web:80"));

    assertError(on445, 6, "tunnel.web.local[0]", "127.0.0.2:445:web:80", HINT);
    assertThat(on445.getMessage()).contains("tunnel.fs.smb.listen '127.0.0.2:445' at line 3");
    assertError(on139, 6, "tunnel.web.local[0]", "*:139:web:80", HINT);
    assertThat(on139.getMessage()).contains("'127.0.0.2:139' (netbios)");
  }

  @Test
  void localForwardOption_clashesWithAnotherTunnel() {
    UsageException e =
        fixture.error(
            """
            [tunnel.one]
            host = "gw.example.com"
            options = { LocalForward = ["8080 one:80"] }
            [tunnel.two]
            host = "gw.example.com"
            local = ["8080:two:80"]
            """);

    assertError(e, 6, "tunnel.two.local[0]", "8080:two:80", HINT);
    assertThat(e.getMessage())
        .contains("tunnel.one.options.LocalForward[0] '8080 one:80' at line 3");
  }

  @Test
  void aliasForwardFromSshConfig_clashesWithAnotherTunnel() {
    UsageException e =
        fixture.error(
            """
            [tunnel.db]
            host = "db-gateway"
            [tunnel.other]
            host = "gw.example.com"
            local = ["127.0.0.1:5432:db2:5432"]
            """);

    assertError(e, 5, "tunnel.other.local[0]", "127.0.0.1:5432:db2:5432", HINT);
    assertThat(e.getMessage())
        .contains("of tunnel.db.host LocalForward '5432:db:5432' at ~/.ssh/config:3 at line 2");
  }

  @Test
  void ipv6Groups_expandsEveryLiteralForm() {
    assertThat(ListenClash.ipv6Groups("::1"))
        .hasValueSatisfying(g -> assertThat(g).containsExactly(0, 0, 0, 0, 0, 0, 0, 1));
    assertThat(ListenClash.ipv6Groups("2001:db8::"))
        .hasValueSatisfying(g -> assertThat(g).containsExactly(0x2001, 0xdb8, 0, 0, 0, 0, 0, 0));
    assertThat(ListenClash.ipv6Groups("::ffff:10.1.2.3"))
        .hasValueSatisfying(
            g -> assertThat(g).containsExactly(0, 0, 0, 0, 0, 0xffff, 0x0a01, 0x0203));
    assertThat(ListenClash.ipv6Groups("1:2:3:4:5:6:7:8")).isPresent();
    assertThat(ListenClash.ipv6Groups("1:2:3:4:5:6:7")).isEmpty();
    assertThat(ListenClash.ipv6Groups("1::2::3")).isEmpty();
    assertThat(ListenClash.ipv6Groups("12345::1")).isEmpty();
    assertThat(ListenClash.ipv6Groups("::1.2.3.256")).isEmpty();
  }
}
