package dev.portkeep.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portkeep.smb.Dialect;
import dev.portkeep.smb.ProbeResult;
import dev.portkeep.smb.Smb2Probe;
import dev.portkeep.testing.Await;
import dev.portkeep.testing.Command;
import dev.portkeep.testing.FreePort;
import dev.portkeep.testing.HeadlessChromium;
import dev.portkeep.testing.NetNamespace;
import dev.portkeep.testing.OpenSshServer;
import dev.portkeep.testing.SambaServer;
import dev.portkeep.testing.TunnelTables;
import dev.portkeep.web.UiSecret;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.StaleElementReferenceException;

/**
 * An SMB tunnel's card in a real headless Chromium: real Samba as the file server (a host of its
 * own, a network namespace, when the machine allows), a real OpenSSH sshd as the gateway, {@code
 * portkeep up --ui} in between. The card shows the dialect the probe found and the commands; the
 * Linux command, taken from the page as the copy button copies it, is run by the real smbclient.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 240, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class SmbCardBrowserIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String SHARE = "data";
  private static final String CARD = "[data-tunnel='files'] ";

  @TempDir Path home;
  private SambaServer samba;
  private OpenSshServer gateway;
  private NetNamespace fileServerHost;
  private Dialect dialect;
  private CliRun up;
  private HeadlessChromium chromium;
  private Path socket;
  private int uiPort;

  @BeforeAll
  void startServers() {
    assumeTrue(
        HeadlessChromium.missing().isEmpty(), () -> HeadlessChromium.missing().orElseThrow());
    assumeTrue(SambaServer.missing().isEmpty(), () -> SambaServer.missing().orElseThrow());
    SambaServer.Builder smbd = SambaServer.builder().share(SHARE);
    if (NetNamespace.available()) {
      fileServerHost = NetNamespace.create();
      smbd.inNamespace(fileServerHost);
    }
    samba = smbd.start();
    gateway = OpenSshServer.start();
    // What Samba negotiates when asked directly, for the card to show the same.
    ProbeResult direct = Smb2Probe.probe(samba.address(), Duration.ofSeconds(10));
    assertThat(direct).isInstanceOf(ProbeResult.Answered.class);
    dialect = ((ProbeResult.Answered) direct).dialect();
  }

  @AfterAll
  void stopServers() {
    if (gateway != null) {
      gateway.close();
    }
    if (samba != null) {
      samba.close();
    }
    if (fileServerHost != null) {
      fileServerHost.close();
    }
  }

  @AfterEach
  void stop(TestInfo info) {
    if (chromium != null) {
      chromium.closeAfterScreenshot(info);
    }
    if (up != null && up.isRunning()) {
      up.stop();
    }
  }

  /**
   * Starts {@code up --ui} with one SMB tunnel listening at {@code listen}, probed each second, and
   * opens its page.
   */
  private void startUp(String listen, String share) throws Exception {
    Path file = home.resolve("tunnels.toml");
    Files.writeString(
        file,
        TunnelTables.smb(
            "files", gateway, samba.host() + ":" + samba.port(), listen, share, "probe = 1"));
    socket = home.resolve("run/control.sock");
    uiPort = FreePort.pick();
    up = CliRun.upWithPage(home, file, socket, uiPort);
    chromium = HeadlessChromium.start();
    chromium.openDashboard(uiPort, socket.resolveSibling(UiSecret.FILE_NAME));
  }

  private String text(String css) {
    return chromium.text(CARD + css);
  }

  private void awaitCard(String what, BooleanSupplier condition) {
    Await.until(
        what,
        Duration.ofSeconds(40),
        condition,
        () -> "card: " + text("") + "\nportkeep: " + up.err());
  }

  /** The card's command for {@code os}, as shown and as its copy button carries it. */
  private String command(String os) {
    String shown = text(".smb [data-os='" + os + "'] code");
    assertThat(chromium.data(CARD + ".smb [data-os='" + os + "'] button.copy", "command"))
        .as("what the copy button copies")
        .isEqualTo(shown);
    return shown;
  }

  /**
   * Runs {@code pageCommand} through a shell, exactly as the page wrote it, with the credentials
   * and the client config after it.
   */
  private Command.Result run(String pageCommand, String... more) {
    String line =
        pageCommand
            + " -U '"
            + samba.user()
            + "%"
            + samba.password()
            + "' -s '"
            + samba.clientConfigFile()
            + "' "
            + String.join(" ", more);
    return Command.run(Duration.ofSeconds(60), List.of("/bin/sh", "-c", line));
  }

  private void clickCopy(String os) {
    Await.until(
        "a click on the " + os + " copy button",
        () -> {
          try {
            chromium
                .driver()
                .findElement(By.cssSelector(CARD + ".smb [data-os='" + os + "'] button.copy"))
                .click();
            return true;
          } catch (StaleElementReferenceException redrawn) {
            return false; // the card was redrawn between finding and clicking: find it again
          }
        });
  }

  @Test
  void namedShare_cardShowsTheDialect_andSmbclientRunsTheCopiedCommand() throws Exception {
    String proof = proofFile();
    int port = FreePort.pick();
    startUp("127.0.0.1:" + port, SHARE);

    String expectedDialect = "SMB: the probe found " + dialect;
    awaitCard("the dialect on the card", () -> text(".smb .dialect").equals(expectedDialect));
    assertThat(dialect).isEqualTo(Dialect.SMB_3_1_1); // Samba 4.17's highest, offered by the probe
    assertThat(text(".smb .share")).isEqualTo("share: " + SHARE);
    String linux = command("linux");
    assertThat(linux).isEqualTo("smbclient //127.0.0.1/" + SHARE + " -p " + port);
    assertThat(command("macos")).isEqualTo("open smb://127.0.0.1:" + port + "/" + SHARE);
    assertThat(command("windows"))
        .isEqualTo("net use \\\\127.0.0.1\\" + SHARE + " /TCPPORT:" + port);

    chromium.allowClipboard("http://127.0.0.1:" + uiPort);
    clickCopy("linux");
    Await.until(
        "the Linux command on the clipboard",
        Duration.ofSeconds(10),
        () -> chromium.clipboard().equals(linux),
        () -> "clipboard: " + chromium.clipboard());

    assertListsTheShare(chromium.clipboard(), proof);

    JsonNode smb = status().path("tunnels").get(0).path("forwards").get(0).path("smb");
    assertThat(smb.path("share").asText()).isEqualTo(SHARE);
    assertThat(smb.path("commands").findValuesAsText("command")).contains(linux);
    CliRun text = CliRun.run(home, "status", "--control", socket.toString());
    assertThat(text.out()).as("portkeep status, as text").contains("linux    " + linux + "\n");
  }

  @Test
  void noShareNamed_cardMakesNoneUp_andItsLinuxCommandListsTheShares() throws Exception {
    int port = FreePort.pick();
    startUp("127.0.0.1:" + port, null);

    awaitCard("the SMB commands on the card", () -> !text(".smb [data-os='linux'] code").isEmpty());
    assertThat(text(".smb .share")).startsWith("no share named");
    String linux = command("linux");
    assertThat(linux).isEqualTo("smbclient -L //127.0.0.1 -p " + port);
    assertThat(command("windows")).isEqualTo("net use \\\\127.0.0.1\\<share> /TCPPORT:" + port);
    assertThat(text(".smb")).contains("in place of <share>");
    assertThat(text(".smb")).doesNotContain("/share");

    Command.Result listed = run(linux);
    assertThat(listed.exitCode()).as(listed.stderr() + listed.stdout()).isZero();
    assertThat(listed.stdout()).containsPattern("(?m)^\\s+" + SHARE + "\\s+Disk");

    JsonNode smb = status().path("tunnels").get(0).path("forwards").get(0).path("smb");
    assertThat(smb.path("share").isNull()).isTrue();
  }

  /** Port 445 on a loopback alias (as root): no client is told a port. */
  @Test
  void port445_linuxCommandNamesNoPort_andSmbclientReachesTheShare() throws Exception {
    String proof = proofFile();
    String alias = FreePort.loopbackFor(445);
    startUp(alias + ":445", SHARE);

    awaitCard("the SMB commands on the card", () -> !text(".smb [data-os='linux'] code").isEmpty());
    String linux = command("linux");
    assertThat(linux).isEqualTo("smbclient //" + alias + "/" + SHARE);
    assertThat(command("macos")).isEqualTo("open smb://" + alias + "/" + SHARE);
    assertThat(command("windows")).isEqualTo("net use \\\\" + alias + "\\" + SHARE);
    assertListsTheShare(linux, proof);
  }

  /**
   * An IPv6 listener: smbclient takes the literal bare (it refuses {@code //[::1]/data}), the URL
   * brackets it, Windows names it in the ipv6-literal.net form.
   */
  @Test
  void ipv6Listener_eachCommandWritesTheLiteralItsWay_andSmbclientReachesTheShare()
      throws Exception {
    String proof = proofFile();
    int port = FreePort.pick();
    startUp("[::1]:" + port, SHARE);

    awaitCard("the SMB commands on the card", () -> !text(".smb [data-os='linux'] code").isEmpty());
    String linux = command("linux");
    assertThat(linux).isEqualTo("smbclient //::1/" + SHARE + " -p " + port);
    assertThat(command("macos")).isEqualTo("open 'smb://[::1]:" + port + "/" + SHARE + "'");
    assertThat(command("windows"))
        .isEqualTo("net use \\\\0--1.ipv6-literal.net\\" + SHARE + " /TCPPORT:" + port);
    assertListsTheShare(linux, proof);
  }

  /** A file put in the share for smbclient to find, named anew for each test. */
  private String proofFile() throws Exception {
    String proof = "proof-" + UUID.randomUUID() + ".txt";
    Files.writeString(samba.shareDir().resolve(proof), "put there by the test\n");
    return proof;
  }

  /** Runs the page's {@code command} with {@code ls}, which must list {@code proof}. */
  private void assertListsTheShare(String command, String proof) {
    Command.Result listed = run(command, "-c ls");
    assertThat(listed.exitCode()).as(listed.stderr() + listed.stdout()).isZero();
    assertThat(listed.stdout()).contains(proof);
  }

  private JsonNode status() throws Exception {
    CliRun run = CliRun.run(home, "status", "--json", "--control", socket.toString());
    assertThat(run.exitCode()).as(run.err()).isZero();
    return JSON.readTree(run.out());
  }
}
