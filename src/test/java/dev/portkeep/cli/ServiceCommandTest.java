package dev.portkeep.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portkeep.config.Environment;
import dev.portkeep.ssh.Prompts;
import dev.portkeep.testing.Command;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * portkeep service on this Linux machine, with a temporary HOME and XDG_CONFIG_HOME: what install
 * writes, that uninstall removes exactly that, and every bad input. systemctl --user is run for
 * real; where it has no user manager to talk to (this sandbox: systemd is not PID 1) install says
 * the unit is not enabled and how to enable it.
 */
class ServiceCommandTest {
  @TempDir Path tmp;
  private Path config;
  private Path tunnels;
  private final Map<String, String> vars = new HashMap<>();
  private String out = "";
  private String err = "";

  @BeforeEach
  void setUp() throws IOException {
    config = tmp.resolve("cfg");
    tunnels = Files.createDirectories(config.resolve("portkeep")).resolve("tunnels.toml");
    Files.writeString(tunnels, "[tunnel.db]\nhost = \"alice@gw\"\nlocal = [\"5432:db:5432\"]\n");
    vars.put("XDG_CONFIG_HOME", config.toString());
    vars.put("PORTKEEP_LAUNCHER", Path.of("portkeep").toAbsolutePath().toString());
  }

  private int portkeep(String... args) {
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    ByteArrayOutputStream e = new ByteArrayOutputStream();
    Environment env = new Environment(tmp.resolve("home"), "tester", false, vars);
    int code =
        Main.run(
            args,
            new PrintStream(o, true, StandardCharsets.UTF_8),
            new PrintStream(e, true, StandardCharsets.UTF_8),
            env,
            Prompts.NONE,
            new StopSignal());
    out = o.toString(StandardCharsets.UTF_8);
    err = e.toString(StandardCharsets.UTF_8);
    return code;
  }

  private Path unit() {
    return config.resolve("systemd/user/portkeep.service");
  }

  @Test
  void installDryRun_printsTheUnitAndTheCommands_writesNothing() throws IOException {
    List<Path> before = files();

    assertThat(portkeep("service", "install", "--dry-run")).as(err).isZero();

    assertThat(out)
        .contains("would write " + unit() + " (systemd user unit):")
        .contains("  ExecStart=" + vars.get("PORTKEEP_LAUNCHER") + " up -c " + tunnels)
        .contains("  Restart=on-failure")
        .contains("would run: systemctl --user daemon-reload")
        .contains("would run: systemctl --user enable --now portkeep.service");
    assertThat(files()).isEqualTo(before);
  }

  @Test
  void install_writesTheUserUnit_thenUninstallRemovesExactlyIt() throws IOException {
    List<Path> before = files();

    assertThat(portkeep("service", "install")).as(err).isZero();

    assertThat(out).contains("wrote " + unit() + " (systemd user unit)");
    assertThat(Files.readString(unit())).contains("ExecStart=").contains("Restart=on-failure");
    if (userManagerAnswers()) {
      assertThat(out).contains("ran: systemctl --user enable --now portkeep.service");
    } else {
      assertThat(out)
          .contains("not enabled: systemctl --user daemon-reload failed:")
          .contains("hint: where the service manager runs, enable it with:");
    }

    assertThat(portkeep("service", "uninstall")).as(err).isZero();

    assertThat(out).contains("removed " + unit());
    assertThat(files()).isEqualTo(before);
  }

  @Test
  void uninstallDryRun_listsWhatItWouldDo_andKeepsTheUnit() {
    assertThat(portkeep("service", "install")).as(err).isZero();

    assertThat(portkeep("service", "uninstall", "--dry-run")).as(err).isZero();

    assertThat(out)
        .contains("would run: systemctl --user disable --now portkeep.service")
        .contains("would remove " + unit());
    assertThat(unit()).exists();
  }

  @Test
  void uninstall_notInstalled_saysSo_exit0() {
    assertThat(portkeep("service", "uninstall")).isZero();
    assertThat(out).contains("not installed: no " + unit());
  }

  @Test
  void install_overAUnitPortkeepDidNotWrite_exit2_leavesItAlone() throws IOException {
    Files.createDirectories(unit().getParent());
    Files.writeString(unit(), "[Service]\nExecStart=/bin/true\n");

    assertUsageError(
        portkeep("service", "install"), "is there, but portkeep service install did not write it");
    assertThat(Files.readString(unit())).isEqualTo("[Service]\nExecStart=/bin/true\n");
  }

  @Test
  void status_reportsInstalledEnabledRunningAndTheControlEndpoint() {
    assertThat(portkeep("service", "install")).as(err).isZero();

    assertThat(portkeep("service", "status", "--control", tmp.resolve("none.sock").toString()))
        .as(err)
        .isZero();

    assertThat(out.lines().toList())
        .hasSize(4)
        .satisfies(l -> assertThat(l.get(0)).isEqualTo("installed: yes, " + unit()))
        .satisfies(l -> assertThat(l.get(1)).startsWith("enabled:   "))
        .satisfies(l -> assertThat(l.get(2)).startsWith("running:   "))
        .satisfies(l -> assertThat(l.get(3)).startsWith("control:   ").contains("none.sock"));
    if (!userManagerAnswers()) {
      assertThat(out).contains("enabled:   unknown (").contains("running:   unknown (");
    }
  }

  @Test
  void install_withoutTunnelsFile_exit2_namingThePath() throws IOException {
    Files.delete(tunnels);
    assertUsageError(portkeep("service", "install"), "no tunnels file at " + tunnels);
  }

  @Test
  void service_withoutAction_exit2() {
    assertUsageError(
        portkeep("service"), "portkeep service needs an action: install, uninstall or status");
  }

  @Test
  void service_unknownAction_exit2_namingIt() {
    assertUsageError(portkeep("service", "instal"), "'instal'");
  }

  @Test
  void install_userAndSystem_exit2() {
    assertUsageError(
        portkeep("service", "install", "--user", "--system"), "--user and --system together");
  }

  @Test
  void install_withoutLauncher_exit2_namingTheVariable() {
    vars.remove("PORTKEEP_LAUNCHER");
    assertUsageError(portkeep("service", "install"), "PORTKEEP_LAUNCHER is not set");
  }

  private void assertUsageError(int code, String message) {
    assertThat(code).as(out + err).isEqualTo(ExitCode.USAGE.code());
    assertThat(err).contains(message);
    assertThat(err.lines().toList()).hasSize(2);
    assertThat(err.lines().toList().get(1)).startsWith("hint: ");
  }

  /** Whether systemctl --user reaches a user manager here (not in this sandbox). */
  private static boolean userManagerAnswers() {
    try {
      return Command.run(Duration.ofSeconds(30), "systemctl", "--user", "show-environment")
              .exitCode()
          == 0;
    } catch (java.io.UncheckedIOException notInstalled) {
      return false;
    }
  }

  private List<Path> files() throws IOException {
    try (Stream<Path> all = Files.walk(tmp)) {
      return all.filter(Files::isRegularFile).sorted().toList();
    }
  }
}
