package dev.portkeep.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.portkeep.error.UsageException;
import dev.portkeep.testing.Command;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * The three service definitions, checked by the tools that read them where this machine has them:
 * systemd's own verifier for the unit, Python's plistlib for the launchd plist, an XML parser and
 * the Task Scheduler elements for the Windows task.
 */
class ServiceFilesTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  /** A real executable: systemd-analyze verify checks that ExecStart's program exists. */
  private static final Path LAUNCHER = Path.of("portkeep").toAbsolutePath();

  @TempDir Path tmp;

  @Test
  void systemdUserUnit_passesSystemdAnalyzeVerify() throws IOException {
    assertVerifies(Scope.USER, "--user");
  }

  @Test
  void systemdSystemUnit_passesSystemdAnalyzeVerify() throws IOException {
    assertVerifies(Scope.SYSTEM, "--system");
  }

  private void assertVerifies(Scope scope, String managerFlag) throws IOException {
    assumeTrue(
        Files.isExecutable(Path.of("/usr/bin/systemd-analyze")),
        "systemd-analyze is not installed (apt-get install systemd; CI has it)");
    Path tunnels = Files.writeString(tmp.resolve("my tunnels.toml"), "");
    ServicePlan plan = Systemd.plan(scope, LAUNCHER, tunnels, tmp.resolve("config"));
    Path unit = Files.writeString(tmp.resolve(Systemd.UNIT), plan.content());

    // --user needs a runtime folder to set up its manager, and this sandbox has no user session.
    Path runtime = Files.createDirectories(tmp.resolve("run"));
    Command.Result r =
        Command.run(
            TIMEOUT,
            "/usr/bin/env",
            "XDG_RUNTIME_DIR=" + runtime,
            "systemd-analyze",
            managerFlag,
            // Documentation=man:portkeep(1) exists once the package is installed, not here
            "--man=no",
            "verify",
            unit.toString());

    assertThat(r.stdout() + r.stderr()).as("systemd-analyze verify").isEmpty();
    assertThat(r.exitCode()).isZero();
  }

  @Test
  void systemdUnit_restartsOnFailure_runsUpWithTheTunnelsFile_quotingSpaces() {
    String unit =
        Systemd.unit(Scope.USER, Path.of("/opt/portkeep/bin/portkeep"), Path.of("/h/my t.toml"));

    assertThat(unit)
        .contains("ExecStart=/opt/portkeep/bin/portkeep up -c \"/h/my t.toml\"\n")
        .contains("Restart=on-failure\n")
        .contains("RestartPreventExitStatus=2\n")
        .contains("WantedBy=default.target\n")
        .doesNotContain("network-online");
    assertThat(Systemd.unit(Scope.SYSTEM, LAUNCHER, Path.of("/etc/t.toml")))
        .contains("WantedBy=multi-user.target\n")
        .contains("After=network-online.target\n");
  }

  @Test
  void systemdPlan_userUnitGoesUnderXdgConfigHome_andIsEnabledWithSystemctlUser() {
    ServicePlan plan = Systemd.plan(Scope.USER, LAUNCHER, Path.of("/t.toml"), Path.of("/x/cfg"));

    assertThat(plan.file()).isEqualTo(Path.of("/x/cfg/systemd/user/portkeep.service"));
    assertThat(plan.afterWrite())
        .containsExactly(
            List.of("systemctl", "--user", "daemon-reload"),
            List.of("systemctl", "--user", "enable", "--now", "portkeep.service"));
    assertThat(plan.beforeRemove())
        .containsExactly(List.of("systemctl", "--user", "disable", "--now", "portkeep.service"));
    assertThat(Systemd.plan(Scope.SYSTEM, LAUNCHER, Path.of("/t"), Path.of("/x")).file())
        .isEqualTo(Path.of("/etc/systemd/system/portkeep.service"));
  }

  @Test
  void launchdPlist_parsesWithPlistlib_keepsAliveOnFailure_andLogsToAFile() throws IOException {
    assumeTrue(python3(), "python3 is not installed (CI has it)");
    ServicePlan plan =
        Launchd.plan(
            Scope.USER,
            Path.of("/Apps/pk & co/portkeep"),
            Path.of("/h/t.toml"),
            Path.of("/Users/al"),
            501);
    Path file = Files.writeString(tmp.resolve("agent.plist"), plan.content());
    String read =
        "import plistlib,sys,json; d=plistlib.load(open(sys.argv[1],'rb'));"
            + " print(json.dumps(d, sort_keys=True))";

    Command.Result r = Command.run(TIMEOUT, "python3", "-c", read, file.toString()).orThrow();

    assertThat(r.stdout().strip())
        .isEqualTo(
            "{\"KeepAlive\": {\"SuccessfulExit\": false}, \"Label\": \"dev.portkeep.up\","
                + " \"ProgramArguments\": [\"/Apps/pk & co/portkeep\", \"up\", \"-c\","
                + " \"/h/t.toml\"], \"RunAtLoad\": true,"
                + " \"StandardErrorPath\": \"/Users/al/Library/Logs/portkeep.log\","
                + " \"StandardOutPath\": \"/Users/al/Library/Logs/portkeep.log\","
                + " \"ThrottleInterval\": 5}");
    assertThat(plan.file())
        .isEqualTo(Path.of("/Users/al/Library/LaunchAgents/dev.portkeep.up.plist"));
    assertThat(plan.afterWrite())
        .containsExactly(List.of("launchctl", "bootstrap", "gui/501", plan.file().toString()));
  }

  @Test
  void windowsTask_isWellFormed_startsAtLogon_restartsOnFailure_runsUp() throws Exception {
    ServicePlan plan =
        TaskScheduler.plan(
            Scope.USER,
            Path.of("/c/portkeep/bin/portkeep.cmd"),
            Path.of("/c/Users/al/AppData/Roaming/portkeep/tunnels.toml"),
            "al");
    Document task = parse(plan.content().getBytes(StandardCharsets.UTF_16));

    Element root = task.getDocumentElement();
    assertThat(root.getTagName()).isEqualTo("Task");
    assertThat(root.getNamespaceURI())
        .isEqualTo("http://schemas.microsoft.com/windows/2004/02/mit/task");
    assertThat(texts(task, "LogonTrigger")).containsExactly("trueal");
    assertThat(texts(task, "RestartOnFailure")).containsExactly("PT1M999");
    assertThat(texts(task, "ExecutionTimeLimit")).containsExactly("PT0S");
    assertThat(texts(task, "Command")).containsExactly("/c/portkeep/bin/portkeep.cmd");
    assertThat(texts(task, "Arguments"))
        .containsExactly("up -c \"/c/Users/al/AppData/Roaming/portkeep/tunnels.toml\"");
    assertThat(texts(task, "LogonType")).containsExactly("InteractiveToken");
    assertThat(plan.charset()).isEqualTo(StandardCharsets.UTF_16);
    assertThat(plan.afterWrite().getFirst())
        .containsExactly(
            "schtasks", "/create", "/tn", "portkeep", "/xml", plan.file().toString(), "/f");
  }

  @Test
  void windowsSystemTask_startsAtBootAsSystem() throws Exception {
    Document task =
        parse(
            TaskScheduler.definition(Scope.SYSTEM, Path.of("pk.cmd"), Path.of("t.toml"), "al")
                .getBytes(StandardCharsets.UTF_16));

    assertThat(texts(task, "BootTrigger")).containsExactly("true");
    assertThat(texts(task, "LogonTrigger")).isEmpty();
    assertThat(texts(task, "UserId")).containsExactly("S-1-5-18");
  }

  @Test
  void scope_bothUserAndSystem_isRefusedNamingBoth() {
    assertThatThrownBy(() -> Scope.of(true, true, 0))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining("--user and --system together");
  }

  @Test
  void scope_systemByAnotherUser_isRefusedNamingTheUid() {
    assertThatThrownBy(() -> Scope.of(false, true, 1000))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining("--system needs root (running as uid 1000)");
    assertThat(Scope.of(false, false, 1000)).isEqualTo(Scope.USER);
    assertThat(Scope.of(false, true, 0)).isEqualTo(Scope.SYSTEM);
  }

  private static Document parse(byte[] xml) throws Exception {
    DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
    f.setNamespaceAware(true);
    f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
    return f.newDocumentBuilder().parse(new ByteArrayInputStream(xml));
  }

  private static List<String> texts(Document d, String tag) {
    List<String> all = new ArrayList<>();
    var nodes = d.getElementsByTagNameNS("*", tag);
    for (int i = 0; i < nodes.getLength(); i++) {
      all.add(nodes.item(i).getTextContent().strip().replaceAll("\\s*\n\\s*", ""));
    }
    return all;
  }

  private static boolean python3() {
    try {
      return Command.run(TIMEOUT, "python3", "--version").exitCode() == 0;
    } catch (java.io.UncheckedIOException e) {
      return false;
    }
  }
}
