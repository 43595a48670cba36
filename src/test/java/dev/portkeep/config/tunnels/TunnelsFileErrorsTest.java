package dev.portkeep.config.tunnels;

import static dev.portkeep.config.tunnels.TunnelsFixture.assertError;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.portkeep.error.UsageException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every mistake in a tunnels file: one message {@code tunnels.toml:<line>: <key>: ...} quoting the
 * value, and a hint. Listen-address clashes are in {@link ListenClashTest}.
 */
class TunnelsFileErrorsTest {
  @TempDir Path dir;
  TunnelsFixture fixture;

  @BeforeEach
  void setUp() {
    fixture = new TunnelsFixture(dir).sshConfig("Host db-gateway\n  HostName db.example.com\n");
  }

  @Test
  void syntaxError_namesJacksonsLineAndColumnAndQuotesTheLine() {
    UsageException e =
        fixture.error(
            """
            [tunnel.web]
            host = "gw.example.com
            """);

    assertThat(e.getMessage())
        .startsWith("tunnels.toml:2: TOML syntax error (column ")
        .contains("'host = \"gw.example.com'");
    assertThat(e.hint()).contains("strings in quotes");
  }

  @Test
  void syntaxError_aDateThatDoesNotExist_isOneToo() {
    UsageException e =
        fixture.error(
            """
            [tunnel.web]
            host = "gw.example.com"
            probe = 2024-02-30
            """);

    assertThat(e.getMessage())
        .isEqualTo("tunnels.toml:3: TOML syntax error: not a valid date or time: '2024-02-30'");
    assertThat(e.hint()).contains("in quotes");
  }

  @Test
  void syntaxError_extendingAnInlineTable_explainsInlineTables() {
    UsageException e =
        fixture.error(
            """
            [tunnel]
            fs = { host = "gw.example.com" }
            [tunnel.fs.smb]
            netbios = true
            """);

    assertThat(e.getMessage())
        .startsWith("tunnels.toml:3: TOML syntax error")
        .contains("'[tunnel.fs.smb]'");
    assertThat(e.hint()).contains("inline table");
  }

  @Test
  void duplicateTable_inlineThenHeader_namesBothLines() {
    UsageException e =
        fixture.error(
            """
            [tunnel.fs]
            host = "gw.example.com"
            smb = { fileserver = "fs" }
            [tunnel.fs.smb]
            netbios = true
            """);

    assertError(e, 4, "tunnel.fs.smb", "smb", "remove one");
    assertThat(e.getMessage()).contains("first at line 3");
  }

  @Test
  void unknownKey_atTopLevel_suggestsTheClosest() {
    UsageException e = fixture.error("log_file = \"x.log\"\nmetrcs = \"127.0.0.1:9724\"\n");

    assertError(e, 2, "metrcs", "metrcs", "did you mean 'metrics'?");
  }

  @Test
  void unknownKey_atTopLevel_thatATunnelTakes_saysWhereItGoes() {
    UsageException e = fixture.error("host = \"gw.example.com\"\n");

    assertError(e, 1, "host", "host", "[tunnel.NAME]");
  }

  @Test
  void unknownKey_atTopLevel_thatIsAnSshOption_saysWhereSshOptionsGo() {
    UsageException e = fixture.error("IdentityFile = \"~/.ssh/id_ed25519\"\n");

    assertError(e, 1, "IdentityFile", "IdentityFile", "under Host *");
  }

  @Test
  void unknownKey_inATunnel_suggestsTheClosest() {
    UsageException e =
        fixture.error(
            """
            [tunnel.web]
            hots = "gw.example.com"
            """);

    assertError(e, 2, "tunnel.web.hots", "hots", "did you mean 'host'?");
  }

  @Test
  void unknownKey_inATunnel_thatIsGlobal_saysToMoveItToTheTop() {
    UsageException e =
        fixture.error(
            """
            [tunnel.web]
            host = "gw.example.com"
            metrics = "127.0.0.1:9724"
            """);

    assertError(e, 3, "tunnel.web.metrics", "metrics", "global key");
  }

  @Test
  void unknownKey_inATunnel_thatIsAnSshOption_saysToPutItInOptions() {
    UsageException e =
        fixture.error(
            """
            [tunnel.web]
            host = "gw.example.com"
            User = "ann"
            """);

    assertError(e, 3, "tunnel.web.User", "User", "options = { User = ");
  }

  @Test
  void unknownKey_withNothingClose_listsTheKnownKeys() {
    UsageException e =
        fixture.error(
            """
            [tunnel.web]
            host = "gw.example.com"
            colour = "blue"
            """);

    assertError(e, 3, "tunnel.web.colour", "colour", "known keys here: host, local, remote");
  }

  @Test
  void unknownKey_inSmb_suggestsTheClosest() {
    UsageException e =
        fixture.error(
            """
            [tunnel.fs]
            host = "gw.example.com"
            smb = { fileservr = "fs" }
            """);

    assertError(e, 3, "tunnel.fs.smb.fileservr", "fileservr", "did you mean 'fileserver'?");
  }

  @Test
  void wrongType_stringWhereAListGoes_hintPutsItInBrackets() {
    UsageException e =
        fixture.error(
            """
            [tunnel.web]
            host = "gw.example.com"
            local = "8080:web:80"
            """);

    assertError(e, 3, "tunnel.web.local", "8080:web:80", "local = [\"8080:web:80\"]");
    assertThat(e.getMessage()).contains("expected a list of strings, got a string");
  }

  @Test
  void wrongType_stringWhereABooleanGoes() {
    UsageException e =
        fixture.error(
            """
            [tunnel.web]
            host = "gw.example.com"
            local = ["8080:web:80"]
            enabled = "yes"
            """);

    assertError(e, 4, "tunnel.web.enabled", "yes", "without quotes");
  }

  @Test
  void wrongType_numberInAList_pointsAtTheElement() {
    UsageException e =
        fixture.error(
            """
            [tunnel.web]
            host = "gw.example.com"
            dynamic = [
              "1080",
              1081,
            ]
            """);

    assertError(e, 5, "tunnel.web.dynamic[1]", "1081", "in quotes");
  }

  @Test
  void wrongType_aDate_isNamedAsOne() {
    UsageException e =
        fixture.error(
            """
            [tunnel.web]
            host = 2024-01-02
            """);

    assertError(e, 2, "tunnel.web.host", "2024-01-02", "in quotes");
    assertThat(e.getMessage()).contains("a date or time");
  }

  @Test
  void wrongType_tunnelAsArrayOfTables_asksForNamedTables() {
    UsageException e =
        fixture.error(
            """
            [[tunnel]]
            host = "gw.example.com"
            """);

    assertError(e, 1, "tunnel", "[{\"host\":\"gw.example.com\"}]", "[tunnel.db]");
  }

  @Test
  void wrongType_tunnelThatIsNotATable() {
    UsageException e = fixture.error("tunnel.web = \"gw.example.com\"\n");

    assertError(e, 1, "tunnel.web", "gw.example.com", "[tunnel.web]");
  }

  @Test
  void wrongType_optionsThatIsNotATable() {
    UsageException e =
        fixture.error(
            """
            [tunnel.web]
            host = "gw.example.com"
            options = "ServerAliveInterval=10"
            """);

    assertError(e, 3, "tunnel.web.options", "ServerAliveInterval=10", "options = {");
  }

  @Test
  void duplicateTunnelName_isReportedOurWayWithBothLines() {
    UsageException e =
        fixture.error(
            """
            [tunnel.web]
            host = "gw.example.com"
            local = ["8080:web:80"]

            [tunnel.web]
            host = "other.example.com"
            """);

    assertError(e, 5, "tunnel.web", "web", "its own name");
    assertThat(e.getMessage()).contains("duplicate tunnel name").contains("first at line 1");
  }

  @Test
  void duplicateKey_inATable_namesBothLines() {
    UsageException e =
        fixture.error(
            """
            [tunnel.web]
            host = "gw.example.com"
            host = "other.example.com"
            """);

    assertError(e, 3, "tunnel.web.host", "host", "remove one");
    assertThat(e.getMessage()).contains("first at line 2");
  }

  @Test
  void tunnelNames_differingOnlyInCase_areRefused() {
    UsageException e =
        fixture.error(
            """
            [tunnel.web]
            host = "gw.example.com"
            local = ["8080:web:80"]
            [tunnel.WEB]
            host = "gw.example.com"
            local = ["8081:web:80"]
            """);

    assertError(e, 4, "tunnel.WEB", "WEB", "without case");
    assertThat(e.getMessage()).contains("'web' at line 1");
  }

  @Test
  void noHost_isRefusedAtTheTable() {
    UsageException e =
        fixture.error(
            """
            [tunnel.web]
            local = ["8080:web:80"]
            """);

    assertError(e, 1, "tunnel.web", "web", "add host = ");
  }

  @Test
  void badHost_givesDestinationsMessageAtTheKey() {
    UsageException e =
        fixture.error(
            """
            [tunnel.web]
            host = "@gw.example.com"
            local = ["8080:web:80"]
            """);

    assertError(e, 2, "tunnel.web.host", "@gw.example.com", "[user@]host[:port]");
  }

  @Test
  void badHost_withALineBreak_staysOnOneLine() {
    UsageException e =
        fixture.error(
            """
            [tunnel.web]
            host = \"\"\"gw
            .example.com\"\"\"
            local = ["8080:web:80"]
            """);

    assertError(e, 2, "tunnel.web.host", "gw\\n.example.com", "[user@]host[:port]");
  }

  @Test
  void nothingToForward_plainHost() {
    UsageException e =
        fixture.error(
            """
            [tunnel.web]
            host = "gw.example.com"
            """);

    assertError(e, 1, "tunnel.web", "web", "add local = ");
    assertThat(e.getMessage()).contains("forwards nothing");
  }

  @Test
  void nothingToForward_aliasWithoutForwards() {
    UsageException e =
        fixture.error(
            """

            [tunnel.db]
            host = "db-gateway"
            """);

    assertError(e, 2, "tunnel.db", "db-gateway", "LocalForward lines");
  }

  @Test
  void badForwardSpec_isForwardSyntaxsMessageAtTheElementsLine() {
    UsageException e =
        fixture.error(
            """
            [tunnel.web]
            host = "gw.example.com"
            local = [
              "8080:web:80",
              "8081:web",
            ]
            """);

    assertError(e, 5, "tunnel.web.local[1]", "-L 8081:web", "for example -L 8080:db.internal:5432");
  }

  @Test
  void badForwardSpec_remoteWithBadPort() {
    UsageException e =
        fixture.error(
            """
            [tunnel.web]
            host = "gw.example.com"
            remote = ["70000:localhost:22"]
            """);

    assertError(e, 3, "tunnel.web.remote[0]", "70000", "0 picks any free port");
  }

  @Test
  void badForwardSpec_inAnOption() {
    UsageException e =
        fixture.error(
            """
            [tunnel.web]
            host = "gw.example.com"
            options = { LocalForward = "8080 web:80 extra" }
            """);

    assertError(e, 3, "tunnel.web.options.LocalForward", "8080 web:80 extra", "LocalForward = ");
  }

  @Test
  void unknownSshOption_suggestsTheClosest() {
    UsageException e =
        fixture.error(
            """
            [tunnel.web]
            host = "gw.example.com"
            local = ["8080:web:80"]
            options = { ServerAliveIntervall = "10" }
            """);

    assertError(
        e,
        4,
        "tunnel.web.options.ServerAliveIntervall",
        "ServerAliveIntervall",
        "did you mean 'ServerAliveInterval'?");
  }

  @Test
  void sshOption_listForAKeywordThatTakesOneValue_isRefused() {
    UsageException e =
        fixture.error(
            """
            [tunnel.web]
            host = "gw.example.com"
            local = ["8080:web:80"]
            options = { User = ["ann", "bob"] }
            """);

    assertError(e, 4, "tunnel.web.options.User", "[\"ann\",\"bob\"]", "only IdentityFile");
  }

  @Test
  void sshOption_givenTwiceInDifferentCase_isRefused() {
    UsageException e =
        fixture.error(
            """
            [tunnel.web]
            host = "gw.example.com"
            local = ["8080:web:80"]
            options = { User = "ann", user = "bob" }
            """);

    assertError(e, 4, "tunnel.web.options.user", "User", "keep one");
  }

  @Test
  void sshOption_emptyValue_isRefused() {
    UsageException e =
        fixture.error(
            """
            [tunnel.web]
            host = "gw.example.com"
            local = ["8080:web:80"]
            [tunnel.web.options]
            User = " "
            """);

    assertError(e, 5, "tunnel.web.options.User", " ", "give a value");
  }

  @Test
  void sshOption_decimalNumber_isRefused() {
    UsageException e =
        fixture.error(
            """
            [tunnel.web]
            host = "gw.example.com"
            local = ["8080:web:80"]
            options.ConnectTimeout = 2.5
            """);

    assertError(e, 4, "tunnel.web.options.ConnectTimeout", "2.5", "ConnectTimeout = \"value\"");
  }

  @Test
  void aliasThatDoesNotExist_isRefusedWithoutLookingItUp() {
    UsageException e =
        fixture.error(
            """
            [tunnel.db]
            host = "ann@db-gatway"
            local = ["5432:db:5432"]
            """);

    assertError(e, 2, "tunnel.db.host", "db-gatway", "'Host db-gatway' block");
    assertThat(e.getMessage()).contains("no Host block in ~/.ssh/config");
  }

  @Test
  void aliasCoveredOnlyByHostStar_doesNotExist() {
    fixture.sshConfig("Host *\n  User ann\n");

    UsageException e =
        fixture.error(
            """
            [tunnel.db]
            host = "db-gateway"
            local = ["5432:db:5432"]
            """);

    assertError(e, 2, "tunnel.db.host", "db-gateway", "full host name (db-gateway.example.com)");
  }

  @Test
  void aliasCheck_isSkippedForFullNamesAddressesAndAHostNameOption() {
    String toml =
        """
        [tunnel.a]
        host = "gw.example.com"
        local = ["8080:web:80"]
        [tunnel.b]
        host = "10.0.0.1"
        local = ["8081:web:80"]
        [tunnel.c]
        host = "[::1]:2222"
        local = ["8082:web:80"]
        [tunnel.d]
        host = "gw"
        local = ["8083:web:80"]
        options = { HostName = "gw.example.com" }
        [tunnel.e]
        host = "localhost"
        local = ["8084:web:80"]
        """;

    assertThat(fixture.parse(toml).names()).containsExactly("a", "b", "c", "d", "e");
  }

  @Test
  void badTunnelName_isRefusedWithASuggestion() {
    UsageException e =
        fixture.error(
            """
            [tunnel."my db"]
            host = "gw.example.com"
            local = ["5432:db:5432"]
            """);

    assertError(e, 1, "tunnel.\"my db\"", "my db", "e.g. [tunnel.my-db]");
  }

  @Test
  void badTunnelName_startingWithADash_orTooLong() {
    UsageException dash = fixture.error("[tunnel.-v]\nhost = \"gw.example.com\"\n");
    String long65 = "a".repeat(65);
    UsageException tooLong = fixture.error("[tunnel." + long65 + "]\nhost = \"gw.example.com\"\n");

    assertError(dash, 1, "tunnel.-v", "-v", "starting with a letter or digit");
    assertError(tooLong, 1, "tunnel." + long65, long65, "1-64 letters");
  }

  @Test
  void badAddress_forMetrics() {
    UsageException e = fixture.error("metrics = \"127.0.0.1:99999\"\n");

    assertError(e, 1, "metrics", "127.0.0.1:99999", "metrics = \"127.0.0.1:9724\"");
  }

  @Test
  void badAddress_forUi_unbracketedIpv6OrAName() {
    UsageException v6 = fixture.error("ui = \"::1:9723\"\n");
    UsageException name = fixture.error("\nui = \"portkeep.example.com:9723\"\n");

    assertError(v6, 1, "ui", "::1:9723", "IPv6 in brackets");
    assertError(name, 2, "ui", "portkeep.example.com:9723", "names are not looked up");
  }

  @Test
  void negativeNumber_isRefusedWithTheRange() {
    UsageException e =
        fixture.error(
            """
            [tunnel.web]
            host = "gw.example.com"
            local = ["8080:web:80"]
            probe = -1
            """);

    assertError(e, 4, "tunnel.web.probe", "-1", "from 0 to 86400 seconds");
  }

  @Test
  void hugeNumber_isRefusedWithTheRange() {
    UsageException e = fixture.error("log_keep = 99999999999999999999999\n");

    assertError(e, 1, "log_keep", "99999999999999999999999", "from 0 to 100 files");
  }

  @Test
  void hookTimeoutZero_isRefused() {
    UsageException e = fixture.error("hook_timeout = 0\n");

    assertError(e, 1, "hook_timeout", "0", "from 1 to 3600 seconds");
  }

  @Test
  void logSize_notASizeOrOutOfRange() {
    UsageException words = fixture.error("log_max_size = \"ten megs\"\n");
    UsageException tera = fixture.error("log_max_size = \"5000G\"\n");
    UsageException tiny = fixture.error("log_max_size = 100\n");

    assertError(words, 1, "log_max_size", "ten megs", "K, M or G");
    assertError(tera, 1, "log_max_size", "5000G", "from 1K to 1G");
    assertError(tiny, 1, "log_max_size", "100", "from 1024 to 1073741824 bytes");
  }

  @Test
  void addressFamily_unknown_isRefused() {
    UsageException e =
        fixture.error(
            """
            [tunnel.web]
            host = "gw.example.com"
            local = ["8080:web:80"]
            address_family = "ipv4"
            """);

    assertError(e, 4, "tunnel.web.address_family", "ipv4", "\"inet\"");
  }

  @Test
  void emptyCommand_isRefused() {
    UsageException e = fixture.error("on_change = \"  \"\n");

    assertError(e, 1, "on_change", "  ", "remove the key");
  }

  @Test
  void nulCharacter_inAString_isRefused() {
    UsageException e =
        fixture.error(
            """
            [tunnel.web]
            host = "gw.example.com"
            local = ["8080:web:80"]
            password_command = "pass\\u0000show"
            """);

    assertError(e, 4, "tunnel.web.password_command", "pass\\u0000show", "remove the \\u0000");
  }

  @Test
  void pathThisSystemCannotName_isRefused() {
    UsageException logFile = fixture.error("log_file = \"~/x\\uD800.log\"\n");
    UsageException sshConfig = fixture.error("\nssh_config = \"x\\uD800\"\n");

    assertError(logFile, 1, "log_file", "~/x\uD800.log", "check the path");
    assertError(sshConfig, 2, "ssh_config", "x\uD800", "check the path");
  }

  @Test
  void smbTunnel_withOtherForwards_isRefused() {
    UsageException e =
        fixture.error(
            """
            [tunnel.fs]
            host = "gw.example.com"
            smb = { fileserver = "fs" }
            local = ["8080:web:80"]
            """);

    assertError(e, 4, "tunnel.fs.local", "local", "a tunnel of their own");
  }

  @Test
  void smb_fileServerWithAUser_isRefused() {
    UsageException e =
        fixture.error(
            """
            [tunnel.fs]
            host = "gw.example.com"
            [tunnel.fs.smb]
            fileserver = "ann@fs"
            """);

    assertError(
        e, 4, "tunnel.fs.smb.fileserver", "ann@fs", "the SMB user name goes to the SMB client");
  }

  @Test
  void smb_listenOnAName_isRefused() {
    UsageException e =
        fixture.error(
            """
            [tunnel.fs]
            host = "gw.example.com"
            smb = { listen = "fileserver.local" }
            """);

    assertError(e, 3, "tunnel.fs.smb.listen", "fileserver.local", "one address");
  }

  @Test
  void smb_shareWithASlash_isRefused() {
    UsageException e =
        fixture.error(
            """
            [tunnel.fs]
            host = "gw.example.com"
            smb = { share = "//fs/data" }
            """);

    assertError(e, 3, "tunnel.fs.smb.share", "//fs/data", "share = \"data\"");
  }

  @Test
  void sshConfigSetting_thatDoesNotExist_isRefusedAtItsKey() {
    UsageException e =
        fixture.error(
            """
            ssh_config = "/nonexistent/ssh_config"
            [tunnel.web]
            host = "gw.example.com"
            local = ["8080:web:80"]
            """);

    assertError(e, 1, "ssh_config", "/nonexistent/ssh_config", "check the path in ssh_config");
  }

  @Test
  void badDefaultSshConfig_isReportedWithItsOwnFileAndLine() {
    fixture.sshConfig("Host gw\n  Bogus yes\n");

    UsageException e =
        fixture.error(
            """
            [tunnel.gw]
            host = "gw"
            local = ["8081:web:80"]
            """);

    assertThat(e.getMessage())
        .startsWith("tunnels.toml:2: tunnel.gw.host: ")
        .contains("line 2: Bad configuration option: Bogus");
  }

  @Test
  void missingFile_namesThePathAndGivesAMinimalExample() {
    Path missing = dir.resolve("nowhere/tunnels.toml");

    UsageException e =
        catchThrowableOfType(UsageException.class, () -> TunnelsFile.read(missing, fixture.env));

    assertThat(e.getMessage()).contains("'" + missing + "'");
    assertThat(e.hint()).contains("[tunnel.db] host = \"alice@gw.example.com\" local = [");
  }

  @Test
  void notUtf8_namesTheLineAndByte() throws Exception {
    Path file = dir.resolve("latin1.toml");
    Files.write(file, new byte[] {'#', ' ', 'o', 'k', '\n', '#', ' ', (byte) 0xE9, '\n'});

    UsageException e =
        catchThrowableOfType(UsageException.class, () -> TunnelsFile.read(file, fixture.env));

    assertThat(e.getMessage()).isEqualTo(file + ":2: not UTF-8 text: byte '0xE9' at offset 7");
    assertThat(e.hint()).contains("UTF-8");
  }

  @Test
  void folderInsteadOfAFile_isRefused() {
    UsageException e =
        catchThrowableOfType(UsageException.class, () -> TunnelsFile.read(dir, fixture.env));

    assertThat(e.getMessage()).contains("'" + dir + "'").contains("folder");
    assertThat(e.hint()).contains(dir.resolve("tunnels.toml").toString());
  }

  @Test
  void tooLargeFile_isRefused() throws Exception {
    Path file = dir.resolve("big.toml");
    Files.writeString(file, "#".repeat(TunnelsFileReader.MAX_BYTES + 1));

    UsageException e =
        catchThrowableOfType(UsageException.class, () -> TunnelsFile.read(file, fixture.env));

    assertThat(e.getMessage()).contains("'" + file + "'").contains("larger than 1024 KiB");
    assertThat(e.hint()).contains("-c");
  }
}
