package dev.portkeep.config.tunnels;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portkeep.config.AddressFamily;
import dev.portkeep.config.BindAddress;
import dev.portkeep.config.Endpoint;
import dev.portkeep.config.Flags;
import dev.portkeep.config.ForwardSpec;
import dev.portkeep.config.Keyword;
import dev.portkeep.config.Plans;
import dev.portkeep.config.SmbAddresses;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The tunnels file read into records: a full example, every key, the defaults. */
class TunnelsFileTest {
  static final String FULL =
      """
      # portkeep tunnels
      ssh_config = "~/.ssh/config"
      on_change = "notify-send portkeep \\"$PORTKEEP_TUNNEL $PORTKEEP_STATE\\""
      hook_timeout = 10
      log_file = "~/portkeep.log"
      log_max_size = "512K"
      log_keep = 5
      metrics = "127.0.0.1:9724"
      ui = 9723

      [tunnel.files]
      host = "alice@gw.example.com:2222"   # user@host[:port]
      local = ["127.0.0.2:445:fileserver:445"]
      remote = ["0:localhost:22"]
      dynamic = ["1080"]
      options = { ServerAliveInterval = "10", IdentityFile = "~/.ssh/id_ed25519" }
      enabled = true

      [tunnel.db]
      host = "db-gateway"

      [tunnel.fs]
      host = "gw.example.com"
      smb = { fileserver = "fs", netbios = false }
      """;

  static final String SSH_CONFIG =
      """
      Host db-gateway
        HostName db-gw.example.com
        User ann
        LocalForward 5432 db.internal:5432
      """;

  @TempDir Path dir;
  TunnelsFixture fixture;

  @BeforeEach
  void setUp() {
    fixture = new TunnelsFixture(dir).sshConfig(SSH_CONFIG);
  }

  @Test
  void fullExample_readsGlobalsAndEveryTunnelInOrder() {
    TunnelsFile file = fixture.parse(FULL);

    Globals g = file.globals();
    assertThat(g.sshConfig()).contains("~/.ssh/config");
    assertThat(g.onChange()).contains("notify-send portkeep \"$PORTKEEP_TUNNEL $PORTKEEP_STATE\"");
    assertThat(g.hookTimeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(g.log().file()).contains(dir.resolve("portkeep.log"));
    assertThat(g.log().maxSize()).isEqualTo(512 * 1024);
    assertThat(g.log().keep()).isEqualTo(5);
    assertThat(g.metrics().orElseThrow().bind())
        .isEqualTo(new BindAddress.Literal("127.0.0.1", AddressFamily.INET));
    assertThat(g.metrics().orElseThrow().port()).isEqualTo(9724);
    assertThat(g.ui().orElseThrow().bind()).isEqualTo(new BindAddress.Loopback());
    assertThat(g.ui().orElseThrow().port()).isEqualTo(9723);

    assertThat(file.names()).containsExactly("files", "db", "fs");
    TunnelDef files = file.tunnel("files").orElseThrow();
    assertThat(files.host()).isEqualTo("alice@gw.example.com:2222");
    assertThat(files.local()).containsExactly("127.0.0.2:445:fileserver:445");
    assertThat(files.remote()).containsExactly("0:localhost:22");
    assertThat(files.dynamic()).containsExactly("1080");
    assertThat(files.options())
        .containsExactly(
            Map.entry(Keyword.SERVER_ALIVE_INTERVAL, List.of("10")),
            Map.entry(Keyword.IDENTITY_FILE, List.of("~/.ssh/id_ed25519")));
    assertThat(files.enabled()).isTrue();
    assertThat(files.smb()).isEmpty();
    assertThat(files.origin()).isEqualTo(new Origin(TunnelsFixture.FILE, 11));

    TunnelDef db = file.tunnel("db").orElseThrow();
    assertThat(db.forwards()).isEqualTo(Forwards.NONE);
    assertThat(db.origin().line()).isEqualTo(19);

    TunnelDef fs = file.tunnel("fs").orElseThrow();
    assertThat(fs.smb())
        .contains(new SmbDef(new Endpoint("fs", 445), false, Optional.empty(), Optional.empty()));
    assertThat(fs.probe()).isEqualTo(Duration.ofSeconds(60));
    assertThat(fs.origin().line()).isEqualTo(22);
  }

  @Test
  void flags_areThoseOfTheEquivalentCommandLine() {
    TunnelDef files = fixture.parse(FULL).tunnel("files").orElseThrow();

    Flags flags = files.flags();

    assertThat(flags.destination()).isEqualTo("alice@gw.example.com:2222");
    assertThat(flags.localForwards()).containsExactly("127.0.0.2:445:fileserver:445");
    assertThat(flags.remoteForwards()).containsExactly("0:localhost:22");
    assertThat(flags.dynamicForwards()).containsExactly("1080");
    assertThat(flags.configFile()).contains("~/.ssh/config");
    assertThat(flags.options())
        .containsExactly("ServerAliveInterval=10", "IdentityFile=~/.ssh/id_ed25519");
    assertThat(flags.family()).isEqualTo(AddressFamily.ANY);
    assertThat(flags.port()).isEmpty();
    assertThat(flags.login()).isEmpty();
    assertThat(flags.jump()).isEmpty();
  }

  @Test
  void flags_givenToPlans_runTheForwardsOfTheFileAndOfTheAlias() throws Exception {
    Files.createDirectories(dir.resolve(".ssh"));
    Files.writeString(dir.resolve(".ssh/id_ed25519"), "not read while planning");
    TunnelsFile file = fixture.parse(FULL);

    var files = Plans.fromFlags(file.tunnel("files").orElseThrow().flags(), fixture.env);
    var db = Plans.fromFlags(file.tunnel("db").orElseThrow().flags(), fixture.env);

    assertThat(files.forwards())
        .extracting(ForwardSpec::spec)
        .containsExactly("127.0.0.2:445:fileserver:445", "0:localhost:22", "1080");
    assertThat(db.forwards())
        .extracting(ForwardSpec::spec)
        .containsExactly("5432:db.internal:5432");
  }

  @Test
  void smbTunnel_flagsHaveNoForwardsAndSmbSetupGivesThemForTheListener() {
    TunnelDef fs =
        fixture
            .parse(
                """
                [tunnel.fs]
                host = "gw.example.com"
                smb = { fileserver = "files.internal:1445", netbios = true, listen = "127.0.0.5", share = "data" }
                """)
            .tunnel("fs")
            .orElseThrow();

    SmbDef smb = fs.smb().orElseThrow();
    assertThat(smb.fileserver()).isEqualTo(new Endpoint("files.internal", 1445));
    assertThat(smb.listen()).contains("127.0.0.5");
    assertThat(smb.share()).contains("data");
    assertThat(fs.flags().localForwards()).isEmpty();
    SmbAddresses.Listen listen = smb.listenAddress().orElseThrow();
    assertThat(listen.address().address()).isEqualTo("127.0.0.5");
    assertThat(listen.port()).isEqualTo(445);
    assertThat(smb.netbios()).isTrue();
  }

  @Test
  void everyTunnelKey_isRead() {
    TunnelDef t =
        fixture
            .parse(
                """
                [tunnel.all-keys]
                host = "ann@[2001:db8::1]:2222"
                local = ["8080:web:80", "[::1]:8443:web:443"]
                remote = ["9000:localhost:9000"]
                dynamic = ["127.0.0.1:1080"]
                options.ServerAliveCountMax = 5
                options.BatchMode = true
                options.ExitOnForwardFailure = false
                options.IdentityFile = ["~/.ssh/a", "~/.ssh/b"]
                options.LocalForward = "7000 db:7000"
                address_family = "inet6"
                password_command = "pass show gw"
                enabled = false
                probe = 15
                on_change = "logger portkeep"
                """)
            .tunnel("all-keys")
            .orElseThrow();

    assertThat(t.options())
        .containsExactly(
            Map.entry(Keyword.SERVER_ALIVE_COUNT_MAX, List.of("5")),
            Map.entry(Keyword.BATCH_MODE, List.of("yes")),
            Map.entry(Keyword.EXIT_ON_FORWARD_FAILURE, List.of("no")),
            Map.entry(Keyword.IDENTITY_FILE, List.of("~/.ssh/a", "~/.ssh/b")),
            Map.entry(Keyword.LOCAL_FORWARD, List.of("7000 db:7000")));
    assertThat(t.flags().options())
        .containsExactly(
            "ServerAliveCountMax=5",
            "BatchMode=yes",
            "ExitOnForwardFailure=no",
            "IdentityFile=~/.ssh/a",
            "IdentityFile=~/.ssh/b",
            "LocalForward=7000 db:7000",
            "PasswordCommand=pass show gw");
    assertThat(t.connection().family()).isEqualTo(AddressFamily.INET6);
    assertThat(t.flags().family()).isEqualTo(AddressFamily.INET6);
    assertThat(t.passwordCommand()).contains("pass show gw");
    assertThat(t.enabled()).isFalse();
    assertThat(t.probe()).isEqualTo(Duration.ofSeconds(15));
    assertThat(t.onChange()).contains("logger portkeep");
  }

  @Test
  void defaults_whenOnlyHostAndAForwardAreGiven() {
    TunnelsFile file =
        fixture.parse(
            """
            [tunnel.web]
            host = "gw.example.com"
            local = ["8080:web:80"]
            """);

    assertThat(file.globals()).isEqualTo(Globals.DEFAULTS);
    assertThat(file.globals().hookTimeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(file.globals().log().maxSize()).isEqualTo(10 * 1024 * 1024);
    assertThat(file.globals().log().keep()).isEqualTo(3);
    TunnelDef web = file.tunnels().get(0);
    assertThat(web.enabled()).isTrue();
    assertThat(web.probe()).isEqualTo(Duration.ZERO);
    assertThat(web.onChange()).isEmpty();
    assertThat(web.options()).isEmpty();
    assertThat(web.connection().family()).isEqualTo(AddressFamily.ANY);
    assertThat(web.connection().sshConfig()).isEmpty();
    assertThat(web.flags().configFile()).isEmpty();
  }

  @Test
  void smbDefaults_fileServerIsTheGatewayAndProbeEveryMinute() {
    TunnelDef fs =
        fixture
            .parse(
                """
                [tunnel.fs]
                host = "gw.example.com"
                [tunnel.fs.smb]
                """)
            .tunnel("fs")
            .orElseThrow();

    assertThat(fs.smb())
        .contains(
            new SmbDef(new Endpoint("localhost", 445), false, Optional.empty(), Optional.empty()));
    assertThat(fs.smb().orElseThrow().fileserver()).isEqualTo(SmbDef.defaultFileServer());
    assertThat(fs.smb().orElseThrow().listenAddress()).isEmpty();
    assertThat(fs.probe()).isEqualTo(TunnelDef.SMB_PROBE);
  }

  @Test
  void emptyFile_isValidWithNoTunnels() {
    TunnelsFile file = fixture.parse("# nothing yet\n");

    assertThat(file.isEmpty()).isTrue();
    assertThat(file.enabled()).isEmpty();
    assertThat(file.globals()).isEqualTo(Globals.DEFAULTS);
    assertThat(fixture.parse("").isEmpty()).isTrue();
  }

  @Test
  void lookups_findNamesWithoutCaseAndGiveTheEffectiveHook() {
    TunnelsFile file =
        fixture.parse(
            """
            on_change = "global-hook"
            [tunnel.Web]
            host = "gw.example.com"
            local = ["8080:web:80"]
            [tunnel.db]
            host = "gw.example.com"
            local = ["5432:db:5432"]
            on_change = "db-hook"
            enabled = false
            """);

    assertThat(file.tunnel("web")).map(TunnelDef::name).contains("Web");
    assertThat(file.tunnel("nope")).isEmpty();
    assertThat(file.enabled()).extracting(TunnelDef::name).containsExactly("Web");
    assertThat(file.onChange(file.tunnel("Web").orElseThrow())).contains("global-hook");
    assertThat(file.onChange(file.tunnel("db").orElseThrow())).contains("db-hook");
  }

  @Test
  void quotedNamesAndDottedKeys_areTunnelsToo() {
    TunnelsFile file =
        fixture.parse(
            """
            tunnel."db.prod".host = "gw.example.com"
            tunnel."db.prod".local = ["5432:db:5432"]

            [tunnel."web_2"]
            host = 'gw.example.com'
            local = [
              "8080:web:80",
              "8443:web:443",
            ]
            """);

    assertThat(file.names()).containsExactly("db.prod", "web_2");
    assertThat(file.tunnel("db.prod").orElseThrow().origin().line()).isEqualTo(1);
    assertThat(file.tunnel("web_2").orElseThrow().origin().line()).isEqualTo(4);
    assertThat(file.tunnel("web_2").orElseThrow().local()).hasSize(2);
  }

  @Test
  void sizesAndAddresses_acceptTheirOtherForms() {
    TunnelsFile file =
        fixture.parse(
            """
            log_max_size = 2048
            metrics = "[::1]:9724"
            ui = "*:9723"
            """);

    assertThat(file.globals().log().maxSize()).isEqualTo(2048);
    assertThat(file.globals().metrics().orElseThrow().bind())
        .isEqualTo(new BindAddress.Literal("::1", AddressFamily.INET6));
    assertThat(file.globals().ui().orElseThrow().bind()).isEqualTo(new BindAddress.AllInterfaces());
    assertThat(fixture.parse("log_max_size = \"1G\"").globals().log().maxSize())
        .isEqualTo(1L << 30);
    assertThat(fixture.parse("log_max_size = \"10MiB\"").globals().log().maxSize())
        .isEqualTo(10L << 20);
  }

  @Test
  void relativePaths_areReadFromTheTunnelsFilesFolder() {
    TunnelsFile file =
        TunnelsFileReader.parse(
            dir.resolve("conf/tunnels.toml"),
            """
            ssh_config = "ssh/config"
            log_file = "logs/portkeep.log"
            """,
            fixture.env,
            TunnelsFileReader.sshConfigs(fixture.env));

    assertThat(file.globals().sshConfig()).contains(dir.resolve("conf/ssh/config").toString());
    assertThat(file.globals().log().file()).contains(dir.resolve("conf/logs/portkeep.log"));
    assertThat(fixture.parse("ssh_config = \"none\"").globals().sshConfig()).contains("none");
  }

  @Test
  void sshConfigSetting_isTheFileAliasesAreLookedUpIn() {
    fixture.write("other/ssh_config", "Host vault\n  HostName vault.example.com\n");
    TunnelsFile file =
        fixture.parse(
            """
            ssh_config = "%s"
            [tunnel.vault]
            host = "vault"
            local = ["8200:localhost:8200"]
            """
                .formatted(dir.resolve("other/ssh_config")));

    assertThat(file.tunnel("vault").orElseThrow().flags().configFile())
        .contains(dir.resolve("other/ssh_config").toString());
  }

  @Test
  void read_readsTheFileFromDisk() throws Exception {
    Path path = fixture.write("tunnels.toml", FULL);

    TunnelsFile file = TunnelsFile.read(path, fixture.env);

    assertThat(file.path()).isEqualTo(path);
    assertThat(file.names()).containsExactly("files", "db", "fs");
    assertThat(file.tunnel("files").orElseThrow().origin()).isEqualTo(new Origin(path, 11));
  }

  @Test
  void readmeExample_isAValidFile() throws Exception {
    String readme = Files.readString(Path.of("README.md"));
    int section = readme.indexOf("### The tunnels file");
    int start = readme.indexOf("```toml\n", section) + "```toml\n".length();
    String example = readme.substring(start, readme.indexOf("```", start));

    TunnelsFile file = fixture.parse(example);

    assertThat(file.names()).containsExactly("files", "db", "fs");
    assertThat(file.tunnel("fs").orElseThrow().smb().orElseThrow().fileserver())
        .isEqualTo(new Endpoint("fs.internal", 445));
  }

  @Test
  void byteOrderMark_isIgnored() {
    assertThat(fixture.parse("\uFEFFlog_keep = 1\n").globals().log().keep()).isEqualTo(1);
  }
}
