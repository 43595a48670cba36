package dev.portkeep.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.portkeep.testing.Await;
import dev.portkeep.testing.EchoServer;
import dev.portkeep.testing.FreePort;
import dev.portkeep.testing.HeadlessChromium;
import dev.portkeep.testing.OpenSshServer;
import dev.portkeep.testing.Payloads;
import dev.portkeep.testing.TunnelTables;
import dev.portkeep.web.UiSecret;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;

/**
 * The web page in a real headless Chromium (Debian's chromium and chromium-driver, named explicitly
 * so Selenium never fetches a driver), with three tunnels to two sshds: {@code a} and {@code held}
 * (whose port the test holds) through the first, {@code b} through the second. The cards, live
 * bytes, the stop button, one server's loss seen on its card only, and a bind failure's whole
 * explanation. Each test saves a screenshot under target/.
 */
@Timeout(value = 240, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class DashboardBrowserIT {

  @TempDir Path home;
  private OpenSshServer sshd;
  private OpenSshServer second;
  private EchoServer echo;
  private ServerSocket held;
  private CliRun up;
  private HeadlessChromium chromium;
  private int aPort;
  private int bPort;
  private int heldPort;
  private int uiPort;

  @BeforeEach
  void start() throws Exception {
    assumeTrue(
        HeadlessChromium.missing().isEmpty(), () -> HeadlessChromium.missing().orElseThrow());
    sshd = OpenSshServer.start();
    second = OpenSshServer.start();
    echo = EchoServer.start();
    aPort = FreePort.pick();
    bPort = FreePort.pick();
    heldPort = FreePort.pick();
    uiPort = FreePort.pick();
    held = new ServerSocket(heldPort, 1, InetAddress.getLoopbackAddress());
    Path file = home.resolve("tunnels.toml");
    Files.writeString(
        file,
        TunnelTables.local("a", sshd, aPort, echo.port())
            + "\n"
            + TunnelTables.local("held", sshd, heldPort, echo.port())
            + "\n"
            + TunnelTables.local("b", second, bPort, echo.port()));
    Path socket = home.resolve("run/control.sock");
    up = CliRun.upWithPage(home, file, socket, uiPort);
    chromium = HeadlessChromium.start();
    chromium.openDashboard(uiPort, socket.resolveSibling(UiSecret.FILE_NAME));
  }

  @AfterEach
  void stop(TestInfo info) throws Exception {
    if (chromium != null) {
      chromium.closeAfterScreenshot(info);
    }
    if (up != null && up.isRunning()) {
      up.stop();
    }
    if (held != null) {
      held.close();
    }
    if (echo != null) {
      echo.close();
    }
    if (second != null) {
      second.close();
    }
    if (sshd != null) {
      sshd.close();
    }
  }

  /** The text at {@code css} inside tunnel {@code name}'s card, or "" while it is not there. */
  private String text(String name, String css) {
    return chromium.text("[data-tunnel='" + name + "'] " + css);
  }

  private long bytes(String name) {
    String value = chromium.data("[data-tunnel='" + name + "'] .bytes-total", "bytes");
    return value.isEmpty() ? -1 : Long.parseLong(value);
  }

  private void awaitText(String what, Supplier<Boolean> condition, String name) {
    Await.until(
        what,
        Duration.ofSeconds(40),
        condition::get,
        () -> "card: " + text(name, "") + "\nportkeep: " + up.err());
  }

  @Test
  void page_showsEachTunnelUpAndItsBytesRiseWithTraffic() throws Exception {
    awaitText("a up", () -> text("a", ".state").equalsIgnoreCase("up"), "a");
    awaitText("b up", () -> text("b", ".state").equalsIgnoreCase("up"), "b");
    assertThat(chromium.driver().findElements(By.cssSelector("section.card"))).hasSize(3);
    assertThat(text("held", ".state")).isNotEqualToIgnoringCase("up");
    assertThat(chromium.driver().getCurrentUrl()).doesNotContain("secret");
    assertThat(text("a", ".listen")).contains("127.0.0.1:" + aPort);
    long before = bytes("a");
    assertThat(before).isNotNegative();

    byte[] data = Payloads.bytes(200_000, 3);
    try (Socket s = new Socket("127.0.0.1", aPort)) {
      s.setSoTimeout(10_000);
      OutputStream out = s.getOutputStream();
      out.write(data);
      out.flush();
      InputStream in = s.getInputStream();
      assertThat(in.readNBytes(data.length)).isEqualTo(data);
    }
    awaitText(
        "a's bytes to rise by what was sent and echoed",
        () -> bytes("a") >= before + 2L * data.length,
        "a");
  }

  @Test
  void stopButton_stopsTheTunnelAndFreesItsPort() {
    awaitText("a up", () -> text("a", ".state").equalsIgnoreCase("up"), "a");
    chromium
        .driver()
        .findElement(By.cssSelector("[data-tunnel='a'] button[data-action='stop']"))
        .click();
    awaitText("a stopped", () -> text("a", ".state").equalsIgnoreCase("stopped"), "a");
    Await.until("a's port free", () -> FreePort.unused(aPort));
    chromium
        .driver()
        .findElement(By.cssSelector("[data-tunnel='a'] button[data-action='start']"))
        .click();
    awaitText("a up again", () -> text("a", ".state").equalsIgnoreCase("up"), "a");
    assertThat(EchoServer.echoesThrough(aPort, Duration.ofSeconds(5))).isTrue();
  }

  /**
   * The reload button after the ssh_config stopped reading: the running tunnels stay up, and the
   * banner names each one left as it runs, with the error and the hint; a reload that keeps none
   * clears it.
   */
  @Test
  void reloadButton_sshConfigNoLongerReads_bannerNamesTheTunnelsKeptAsTheyRun() throws Exception {
    awaitText("a up", () -> text("a", ".state").equalsIgnoreCase("up"), "a");
    awaitText("b up", () -> text("b", ".state").equalsIgnoreCase("up"), "b");
    Path config = home.resolve(".ssh/config");
    Files.createDirectories(config.getParent());
    Files.writeString(config, "Host *\n  ServerAliveInterval soon\n");

    chromium.driver().findElement(By.id("reload")).click();

    Await.until(
        "the banner naming a and b",
        Duration.ofSeconds(20),
        () -> chromium.text("#banner").contains("b runs as it was"),
        () -> "banner: " + chromium.text("#banner") + "\nportkeep: " + up.err());
    String shown = chromium.text("#banner");
    assertThat(shown.lines())
        .filteredOn(l -> l.startsWith("a runs as it was, though a start now would fail: "))
        .singleElement()
        .asString()
        .contains("'soon'")
        .contains(" — ");
    assertThat(text("a", ".state")).isEqualToIgnoringCase("up");
    assertThat(EchoServer.echoesThrough(aPort, Duration.ofSeconds(5))).isTrue();

    Files.delete(config);
    chromium.driver().findElement(By.id("reload")).click();
    Await.until("the banner cleared", () -> chromium.text("#banner").isEmpty());
  }

  @Test
  void secondSshdKilled_onlyItsCardTurnsReconnectingThenUp_withoutAReload() {
    awaitText("a up", () -> text("a", ".state").equalsIgnoreCase("up"), "a");
    awaitText("b up", () -> text("b", ".state").equalsIgnoreCase("up"), "b");
    JavascriptExecutor js = chromium.driver();
    js.executeScript("window.portkeepTestMarker = 'same page';");
    second.kill();
    Await.until(
        "b reconnecting on the page within 5 s of its sshd's death",
        Duration.ofSeconds(5),
        () -> text("b", ".state").equalsIgnoreCase("reconnecting"),
        () -> "card: " + text("b", "") + "\nportkeep: " + up.err());
    assertThat(text("a", ".state")).isEqualToIgnoringCase("up");
    second.restart();
    awaitText("b up after the restart", () -> text("b", ".state").equalsIgnoreCase("up"), "b");
    awaitText("b's reconnects at 1", () -> text("b", ".reconnects").equals("1"), "b");
    assertThat(text("a", ".reconnects")).isEqualTo("0");
    assertThat(js.executeScript("return window.portkeepTestMarker;")).isEqualTo("same page");
  }

  @Test
  void heldPort_cardShowsTheBindExplanationWithTheHoldersPid() {
    awaitText(
        "the bind explanation on held's card",
        () -> !text("held", ".bind-explanation").isEmpty(),
        "held");
    String pid = String.valueOf(ProcessHandle.current().pid());
    awaitText("the holder's pid", () -> text("held", ".holder-pid").equals(pid), "held");
    assertThat(text("held", ".problem .message")).contains("127.0.0.1:" + heldPort);
    assertThat(text("held", ".hints")).isNotEmpty();
    assertThat(text("a", ".state")).isNotEqualToIgnoringCase("failed");
  }
}
