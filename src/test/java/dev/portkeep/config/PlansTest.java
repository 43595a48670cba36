package dev.portkeep.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portkeep.error.UsageException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PlansTest {
  @TempDir Path home;

  private Environment env(boolean interactive) {
    return new Environment(home, "me", interactive);
  }

  static Flags flags(
      String dest,
      Optional<Integer> port,
      Optional<String> login,
      List<String> ids,
      List<String> locals,
      List<String> options) {
    return new Flags(
        dest,
        port,
        login,
        ids,
        AddressFamily.ANY,
        locals,
        List.of(),
        List.of(),
        Optional.empty(),
        Optional.empty(),
        options);
  }

  private TunnelPlan plan(List<String> locals, List<String> options, String... identities) {
    return Plans.fromFlags(
        flags("gw", Optional.empty(), Optional.empty(), List.of(identities), locals, options),
        env(false));
  }

  @Test
  void fromFlags_defaults_followOpenSsh() {
    SessionSettings s = plan(List.of("8080:h:80"), List.of()).session();
    assertThat(s.destination()).isEqualTo(new Hop("me", "gw", 22));
    assertThat(s.login().identities()).isInstanceOf(IdentitySource.Defaults.class);
    assertThat(s.login().identities().files())
        .containsExactly(
            home.resolve(".ssh/id_rsa"),
            home.resolve(".ssh/id_ecdsa"),
            home.resolve(".ssh/id_ed25519"));
    assertThat(s.hostKeys().knownHostsFiles())
        .containsExactly(home.resolve(".ssh/known_hosts"), home.resolve(".ssh/known_hosts2"));
    assertThat(s.transport().connectTimeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(s.exitOnForwardFailure()).isTrue();
  }

  @Test
  void fromFlags_noTerminal_strictCheckingDefaultsToYes() {
    assertThat(plan(List.of("1:h:2"), List.of()).session().hostKeys().strict())
        .isEqualTo(StrictHostKeyChecking.YES);
  }

  @Test
  void fromFlags_terminal_strictCheckingDefaultsToAsk() {
    TunnelPlan p =
        Plans.fromFlags(
            flags("gw", Optional.empty(), Optional.empty(), List.of(), List.of("1:h:2"), List.of()),
            env(true));
    assertThat(p.session().hostKeys().strict()).isEqualTo(StrictHostKeyChecking.ASK);
  }

  @Test
  void fromFlags_batchModeWithTerminal_neverAsks() {
    TunnelPlan p =
        Plans.fromFlags(
            flags(
                "gw",
                Optional.empty(),
                Optional.empty(),
                List.of(),
                List.of("1:h:2"),
                List.of("BatchMode=yes")),
            env(true));
    assertThat(p.session().hostKeys().strict()).isEqualTo(StrictHostKeyChecking.YES);
    assertThat(p.session().login().batchMode()).isTrue();
  }

  @Test
  void fromFlags_options_areCaseInsensitiveAndFirstWins() {
    SessionSettings s =
        plan(
                List.of("1:h:2"),
                List.of(
                    "port=2200",
                    "Port 2300",
                    "USER=bob",
                    "StrictHostKeyChecking=accept-new",
                    "ConnectTimeout=7",
                    "ExitOnForwardFailure=no",
                    "UserKnownHostsFile=~/kh1 /tmp/kh2"))
            .session();
    assertThat(s.destination().port()).isEqualTo(2200);
    assertThat(s.destination().user()).isEqualTo("bob");
    assertThat(s.hostKeys().strict()).isEqualTo(StrictHostKeyChecking.ACCEPT_NEW);
    assertThat(s.transport().connectTimeout()).isEqualTo(Duration.ofSeconds(7));
    assertThat(s.exitOnForwardFailure()).isFalse();
    assertThat(s.hostKeys().knownHostsFiles())
        .containsExactly(home.resolve("kh1"), Path.of("/tmp/kh2"));
  }

  @Test
  void fromFlags_explicitFlags_beatOptionsAndDestinationBeatsOptions() {
    TunnelPlan p =
        Plans.fromFlags(
            flags(
                "alice@gw:2201",
                Optional.empty(),
                Optional.empty(),
                List.of(),
                List.of("1:h:2"),
                List.of("Port=2300", "User=bob")),
            env(false));
    assertThat(p.session().destination()).isEqualTo(new Hop("alice", "gw", 2201));
    TunnelPlan q =
        Plans.fromFlags(
            flags(
                "alice@gw:2201",
                Optional.of(2202),
                Optional.of("carol"),
                List.of(),
                List.of("1:h:2"),
                List.of()),
            env(false));
    assertThat(q.session().destination()).isEqualTo(new Hop("carol", "gw", 2202));
  }

  @Test
  void fromFlags_localForwardOption_addsAForward() {
    TunnelPlan p = plan(List.of(), List.of("LocalForward=\"8080 db:5432\"".replace("\"", "")));
    assertThat(p.forwards()).hasSize(1);
    assertThat(((ForwardSpec.Local) p.forwards().get(0)).target())
        .isEqualTo(new Endpoint("db", 5432));
  }

  @Test
  void fromFlags_unknownOption_isAnErrorNamingIt() {
    assertThatThrownBy(() -> plan(List.of("1:h:2"), List.of("Compresion=yes")))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining("unknown option 'Compresion'");
  }

  @Test
  void fromFlags_optionWithoutValue_isAnError() {
    assertThatThrownBy(() -> plan(List.of("1:h:2"), List.of("Port=")))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining("missing value for option 'Port'");
  }

  @Test
  void fromFlags_badStrictValue_namesIt() {
    assertThatThrownBy(() -> plan(List.of("1:h:2"), List.of("StrictHostKeyChecking=maybe")))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining("invalid value 'maybe' for StrictHostKeyChecking");
  }

  @Test
  void fromFlags_badConnectTimeout_namesIt() {
    assertThatThrownBy(() -> plan(List.of("1:h:2"), List.of("ConnectTimeout=soon")))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining("invalid value 'soon' for ConnectTimeout");
  }

  @Test
  void fromFlags_twoForwardsOnOneListenAddress_areRejected() {
    assertThatThrownBy(() -> plan(List.of("3301:a:1", "3301:b:2"), List.of()))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining("duplicate forward on localhost:3301");
  }

  @Test
  void fromFlags_missingIdentityFile_isAnErrorNamingIt() {
    assertThatThrownBy(() -> plan(List.of("1:h:2"), List.of(), "~/.ssh/nope"))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining("identity file '~/.ssh/nope' does not exist");
  }

  @Test
  void fromFlags_identityFiles_areExplicitAndExpanded() throws IOException {
    Files.createDirectories(home.resolve(".ssh"));
    Files.writeString(home.resolve(".ssh/k"), "x");
    SessionSettings s =
        plan(List.of("1:h:2"), List.of("IdentityFile=~/.ssh/k"), "~/.ssh/k").session();
    assertThat(s.login().identities())
        .isEqualTo(new IdentitySource.Explicit(List.of(home.resolve(".ssh/k"))));
  }

  @Test
  void withConfig_returnsNewOptions_andLeavesTheCommandLineAsItWas() throws IOException {
    Path file = home.resolve("cfg");
    Files.writeString(file, "Host gw\n  User filed\n  Port 2022\n  ConnectTimeout 9\n");
    SshOptions commandLine =
        SshOptions.commandLine(
            Flags.of("gw", List.of(), List.of("Port=2200")), Destination.parse("gw"));
    SshOptions merged =
        commandLine.withConfig(
            dev.portkeep.config.sshconfig.SshConfig.load(file, env(false)).resolve("gw"));
    assertThat(merged).isNotSameAs(commandLine);
    assertThat(commandLine.first(Keyword.USER)).isEmpty();
    assertThat(commandLine.first(Keyword.CONNECT_TIMEOUT)).isEmpty();
    assertThat(merged.first(Keyword.USER)).contains("filed");
    assertThat(merged.first(Keyword.PORT)).contains("2200");
  }

  @Test
  void fromFlags_configFile_fillsWhatTheCommandLineLeftOpen() throws IOException {
    Files.writeString(
        home.resolve("cfg"), "Host gw\n  User filed\n  Port 2022\n  HostName gw.example\n");
    Flags withFile =
        new Flags(
            "gw",
            Optional.of(2201),
            Optional.empty(),
            List.of(),
            AddressFamily.ANY,
            List.of("1:h:2"),
            List.of(),
            List.of(),
            Optional.empty(),
            Optional.of(home.resolve("cfg").toString()),
            List.of());
    SessionSettings s = Plans.fromFlags(withFile, env(false)).session();
    assertThat(s.destination()).isEqualTo(new Hop("filed", "gw.example", 2201));
  }

  @Test
  void fromFlags_jumpHost_getsItsOwnPortAndUserFromTheConfigFile() throws IOException {
    Files.writeString(home.resolve("cfg"), "Host hop\n  User jumper\n  Port 2023\n");
    Flags viaJump =
        new Flags(
            "gw",
            Optional.empty(),
            Optional.empty(),
            List.of(),
            AddressFamily.ANY,
            List.of("1:h:2"),
            List.of(),
            List.of(),
            Optional.of("hop,ann@other:2024"),
            Optional.of(home.resolve("cfg").toString()),
            List.of());
    SessionSettings s = Plans.fromFlags(viaJump, env(false)).session();
    assertThat(s.jumps())
        .containsExactly(new Hop("jumper", "hop", 2023), new Hop("ann", "other", 2024));
    assertThat(s.route()).last().isEqualTo(new Hop("me", "gw", 22));
  }

  private Login login(Environment env, String... options) {
    return Plans.fromFlags(Flags.of("gw", List.of("1:h:2"), List.of(options)), env)
        .session()
        .login();
  }

  private Environment envWith(Map<String, String> variables) {
    return new Environment(home, "me", false, variables);
  }

  @Test
  void agent_fromSshAuthSock_unlessIdentityAgentSaysOtherwise() {
    Environment env = envWith(Map.of("SSH_AUTH_SOCK", "/run/a.sock", "OTHER", "/run/b.sock"));
    assertThat(login(env).agent()).contains(new Login.Agent("/run/a.sock", "SSH_AUTH_SOCK"));
    assertThat(login(env, "IdentityAgent=none").agent()).isEmpty();
    assertThat(login(env, "IdentityAgent=SSH_AUTH_SOCK").agent().map(Login.Agent::location))
        .contains("/run/a.sock");
    assertThat(login(env, "IdentityAgent=$OTHER").agent())
        .contains(new Login.Agent("/run/b.sock", "IdentityAgent ($OTHER)"));
    assertThat(login(env, "IdentityAgent=$UNSET").agent()).isEmpty();
    assertThat(login(envWith(Map.of())).agent()).isEmpty();
  }

  @Test
  void agent_identityAgentPath_expandsTildeAndTokens() {
    Login l = login(envWith(Map.of()), "IdentityAgent=~/agents/%r@%h.sock");
    assertThat(l.agent()).contains(new Login.Agent(home + "/agents/me@gw.sock", "IdentityAgent"));
    assertThat(l.agent().get().named()).isTrue();
  }

  @Test
  void agent_identityAgentFromTheConfigFile_namesItsLine() throws IOException {
    Files.createDirectories(home.resolve(".ssh"));
    Files.writeString(home.resolve(".ssh/config"), "Host gw\n  IdentityAgent /run/%u.sock\n");
    assertThat(login(envWith(Map.of("SSH_AUTH_SOCK", "/x"))).agent().map(Login.Agent::toString))
        .hasValueSatisfying(a -> assertThat(a).contains("/run/me.sock", "IdentityAgent at "));
  }

  @Test
  void agent_badVariableName_isAnErrorNamingIt() {
    assertThatThrownBy(() -> login(envWith(Map.of()), "IdentityAgent=$1-x"))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining("invalid value '$1-x' for IdentityAgent");
  }

  @Test
  void identitiesOnly_andCertificateFiles_areRead() throws IOException {
    Files.writeString(home.resolve("id-cert.pub"), "x");
    Login l = login(envWith(Map.of()), "IdentitiesOnly=yes", "CertificateFile=~/id-cert.pub");
    assertThat(l.identitiesOnly()).isTrue();
    assertThat(l.certificateFiles()).containsExactly(home.resolve("id-cert.pub"));
  }

  @Test
  void certificateFile_missing_isAnErrorNamingIt() {
    assertThatThrownBy(() -> login(envWith(Map.of()), "CertificateFile=~/nope-cert.pub"))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining("certificate file '" + home + "/nope-cert.pub' does not exist");
  }

  @Test
  void identityFile_onlyItsPublicKeyExists_isAccepted() throws IOException {
    Files.writeString(home.resolve("agent-key.pub"), "x");
    assertThat(login(envWith(Map.of()), "IdentityFile=~/agent-key").identities().files())
        .containsExactly(home.resolve("agent-key"));
  }

  private SessionSettings settings(Flags flags) {
    return Plans.fromFlags(flags, envWith(Map.of())).session();
  }

  private static Flags jumpFlags(String jump, String... options) {
    return new Flags(
        "ann@gw",
        Optional.empty(),
        Optional.empty(),
        List.of(),
        AddressFamily.ANY,
        List.of("1:h:2"),
        List.of(),
        List.of(),
        Optional.ofNullable(jump),
        Optional.empty(),
        List.of(options));
  }

  @Test
  void proxyCommand_fromTheCommandLine_hasItsTokensExpanded() {
    assertThat(
            settings(jumpFlags(null, "ProxyCommand=nc %h %p %r %n %%", "HostName=gw.example"))
                .transport()
                .proxyCommand())
        .contains("nc gw.example 22 ann gw %");
  }

  @Test
  void proxyCommand_unknownToken_isAnErrorNamingIt() {
    assertThatThrownBy(() -> settings(jumpFlags(null, "ProxyCommand=nc %d %p")))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining("unknown token '%d' in ProxyCommand");
  }

  @Test
  void proxyCommandNone_meansTcp() {
    assertThat(settings(jumpFlags(null, "ProxyCommand=none")).transport().proxyCommand()).isEmpty();
  }

  @Test
  void proxyCommandAndJump_theFirstGivenWins() throws IOException {
    SessionSettings jumpFirst = settings(jumpFlags("hop", "ProxyCommand=nc %h %p"));
    assertThat(jumpFirst.jumps()).extracting(Hop::host).containsExactly("hop");
    assertThat(jumpFirst.transport().proxyCommand()).isEmpty();
    SessionSettings commandFirst =
        settings(jumpFlags(null, "ProxyCommand=nc %h %p", "ProxyJump=hop"));
    assertThat(commandFirst.jumps()).isEmpty();
    assertThat(commandFirst.transport().proxyCommand()).contains("nc gw 22");
    Files.createDirectories(home.resolve(".ssh"));
    Files.writeString(home.resolve(".ssh/config"), "Host gw\n  ProxyJump hop\n");
    SessionSettings overConfig = settings(jumpFlags(null, "ProxyCommand=nc %h %p"));
    assertThat(overConfig.jumps()).isEmpty();
  }

  @Test
  void jumpHostsOwnProxyCommand_carriesTheFirstHop() throws IOException {
    Files.createDirectories(home.resolve(".ssh"));
    Files.writeString(
        home.resolve(".ssh/config"),
        "Host bastion\n  HostName b.example\n  ProxyCommand relay %h:%p as %r\n");
    SessionSettings s = settings(jumpFlags("bastion"));
    assertThat(s.jumps()).containsExactly(new Hop("me", "b.example", 22));
    assertThat(s.transport().proxyCommand()).contains("relay b.example:22 as me");
  }

  @Test
  void methods_defaultToOpenSshsOrder_andFollowTheKeywords() {
    assertThat(login(envWith(Map.of())).methods().enabled())
        .containsExactly("publickey", "keyboard-interactive", "password");
    Login.Methods m =
        login(
                envWith(Map.of()),
                "PreferredAuthentications=password,gssapi-with-mic,publickey,keyboard-interactive",
                "KbdInteractiveAuthentication=no",
                "NumberOfPasswordPrompts=1",
                "PasswordCommand=pass show gw")
            .methods();
    assertThat(m.enabled()).containsExactly("password", "publickey");
    assertThat(m.passwordPrompts()).isEqualTo(1);
    assertThat(m.passwordCommand()).contains("pass show gw");
  }

  @Test
  void methods_noneLeftToTry_isAnErrorNamingWhy() {
    assertThatThrownBy(
            () ->
                login(
                    envWith(Map.of()),
                    "PreferredAuthentications=password",
                    "PasswordAuthentication=no"))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining(
            "no authentication method left to try: PreferredAuthentications is 'password',"
                + " PasswordAuthentication no");
  }

  @Test
  void numberOfPasswordPrompts_notANumber_isAnErrorNamingIt() {
    assertThatThrownBy(() -> login(envWith(Map.of()), "NumberOfPasswordPrompts=many"))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining("invalid value 'many' for NumberOfPasswordPrompts");
  }

  @Test
  void passwordCommand_inTheConfigFile_isRejectedAsPortkeepsOwn() throws IOException {
    Files.createDirectories(home.resolve(".ssh"));
    Files.writeString(home.resolve(".ssh/config"), "Host gw\n  PasswordCommand pass show gw\n");
    assertThatThrownBy(() -> login(envWith(Map.of())))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining("Bad configuration option: PasswordCommand")
        .extracting(e -> ((UsageException) e).hint())
        .asString()
        .contains("give it with -o");
  }

  /** Found by the fuzzer: a bracketed HostName was shown as ann@[[::1]]:22. */
  @Test
  void fromFlags_hostNameAlreadyInBrackets_isShownWithOnePair() {
    SessionSettings s = plan(List.of(), List.of("HostName=[::1]")).session();

    assertThat(s.destination().display()).isEqualTo("me@[::1]:22");
  }

  /** Found by the fuzzer: Port with digits of another script was read as a number. */
  @Test
  void fromFlags_portInArabicIndicDigits_isAnInvalidValue() {
    assertThatThrownBy(() -> plan(List.of(), List.of("Port=\u0662\u0662")))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining("invalid value '\u0662\u0662' for Port");
  }

  /** Found by the fuzzer: a path with a NUL escaped as InvalidPathException. */
  @Test
  void fromFlags_knownHostsFileWithANulCharacter_isAUsageError() {
    assertThatThrownBy(() -> plan(List.of(), List.of("UserKnownHostsFile=~/.ssh/kh\u0000x")))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining("invalid path '~/.ssh/kh\\0x'");
  }
}
