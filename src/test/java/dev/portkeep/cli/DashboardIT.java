package dev.portkeep.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portkeep.testing.Await;
import dev.portkeep.testing.EchoServer;
import dev.portkeep.testing.FreePort;
import dev.portkeep.testing.OpenSshServer;
import dev.portkeep.testing.RawHttp;
import dev.portkeep.testing.TunnelTables;
import dev.portkeep.web.UiSecret;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The web page of {@code portkeep up --ui} over HTTP, as a browser and as another site would reach
 * it: the secret, the Host check, foreign origins, bad bodies, the headers, the actions.
 */
@Timeout(value = 180, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class DashboardIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path home;
  private OpenSshServer sshd;
  private EchoServer echo;
  private Path socket;
  private CliRun up;
  private int tunnelPort;
  private int uiPort;
  private String secret;

  @BeforeEach
  void start() throws Exception {
    sshd = OpenSshServer.start();
    echo = EchoServer.start();
    socket = home.resolve("run/control.sock");
    tunnelPort = FreePort.pick();
    uiPort = FreePort.pick();
    Path file = home.resolve("tunnels.toml");
    Files.writeString(file, TunnelTables.local("a", sshd, tunnelPort, echo.port()));
    up = CliRun.upWithPage(home, file, socket, uiPort);
    Path secretFile = socket.resolveSibling(UiSecret.FILE_NAME);
    Await.until("the secret file", () -> Files.exists(secretFile));
    Await.until("the secret written", () -> read(secretFile).strip().length() == 64);
    secret = read(secretFile).strip();
    Await.until(
        "tunnel a up on the page",
        Duration.ofSeconds(40),
        () -> state("a").equals("up"),
        () -> up.err());
  }

  @AfterEach
  void stop() {
    if (up.isRunning()) {
      up.stop();
    }
    echo.close();
    sshd.close();
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (Exception e) {
      return "";
    }
  }

  private String host() {
    return "127.0.0.1:" + uiPort;
  }

  private RawHttp.Response api(String path) {
    return RawHttp.get(uiPort, path, host(), "X-Portkeep-Secret: " + secret + "\r\n");
  }

  private RawHttp.Response post(String body, String extraHeaders) {
    return RawHttp.send(
        uiPort,
        "POST /api/action HTTP/1.1\r\nHost: "
            + host()
            + "\r\nContent-Type: application/json\r\n"
            + extraHeaders,
        body.getBytes(StandardCharsets.UTF_8));
  }

  private RawHttp.Response action(String body) {
    return post(body, "X-Portkeep-Secret: " + secret + "\r\nOrigin: http://" + host() + "\r\n");
  }

  private String state(String tunnel) {
    try {
      RawHttp.Response r = api("/api/status");
      for (JsonNode t : JSON.readTree(r.body()).path("tunnels")) {
        if (t.path("name").asText().equals(tunnel)) {
          return t.path("state").asText();
        }
      }
      return "absent";
    } catch (Exception e) {
      return e.toString();
    }
  }

  private static String kind(RawHttp.Response r) throws Exception {
    return JSON.readTree(r.body()).path("error").path("kind").asText();
  }

  @Test
  void secretFile_hasMode0600_besideTheControlSocket() throws Exception {
    Path file = socket.resolveSibling(UiSecret.FILE_NAME);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
        .isEqualTo("rw-------");
    assertThat(up.err())
        .contains("web page at http://127.0.0.1:" + uiPort + "/")
        .doesNotContain(secret);
  }

  @Test
  void api_withoutOrWithWrongSecret_refused401() throws Exception {
    RawHttp.Response none = RawHttp.get(uiPort, "/api/status", host(), "");
    assertThat(none.status()).isEqualTo(401);
    assertThat(kind(none)).isEqualTo("secret_required");
    RawHttp.Response wrong =
        RawHttp.get(uiPort, "/api/status", host(), "X-Portkeep-Secret: " + "0".repeat(64) + "\r\n");
    assertThat(wrong.status()).isEqualTo(401);
    assertThat(wrong.body()).doesNotContain("\"tunnels\"");
  }

  @Test
  void api_withSecret_answersTheStatusWithThroughput() throws Exception {
    RawHttp.Response r = api("/api/status");
    assertThat(r.status()).isEqualTo(200);
    JsonNode doc = JSON.readTree(r.body());
    assertThat(doc.path("tunnels").get(0).path("name").asText()).isEqualTo("a");
    assertThat(doc.path("throughput").isObject()).isTrue();
  }

  @Test
  void hostHeader_foreignNameOrPort_refused403EvenWithTheSecret() throws Exception {
    String header = "X-Portkeep-Secret: " + secret + "\r\n";
    RawHttp.Response rebound =
        RawHttp.get(uiPort, "/api/status", "attacker.example:" + uiPort, header);
    assertThat(rebound.status()).isEqualTo(403);
    assertThat(kind(rebound)).isEqualTo("wrong_host");
    assertThat(RawHttp.get(uiPort, "/", "attacker.example", "").status()).isEqualTo(403);
    assertThat(RawHttp.get(uiPort, "/api/status", "127.0.0.1:1", header).status()).isEqualTo(403);
    assertThat(RawHttp.get(uiPort, "/api/status", "127.0.0.2:" + uiPort, header).status())
        .isEqualTo(403);
    assertThat(RawHttp.get(uiPort, "/api/status", "localhost:" + uiPort, header).status())
        .isEqualTo(200);
  }

  @Test
  void page_headersForbidFramingAndInlineScript_noCors() {
    RawHttp.Response page = RawHttp.get(uiPort, "/", host(), "Origin: http://evil.example\r\n");
    assertThat(page.status()).isEqualTo(200);
    assertThat(page.header("Content-Type")).startsWith("text/html");
    assertThat(page.header("Content-Security-Policy"))
        .contains("script-src 'self'")
        .contains("frame-ancestors 'none'")
        .doesNotContain("unsafe-inline");
    assertThat(page.header("X-Frame-Options")).isEqualTo("DENY");
    assertThat(page.headers().keySet()).noneMatch(h -> h.startsWith("access-control-"));
    assertThat(page.body()).contains("<script src=\"/app.js\"").doesNotContain("<script>");
    assertThat(RawHttp.get(uiPort, "/app.js", host(), "").header("Content-Type"))
        .startsWith("text/javascript");
  }

  @Test
  void action_fromForeignOrigin_refused403AndTheTunnelStaysUp() throws Exception {
    RawHttp.Response r =
        post(
            "{\"action\":\"stop\",\"tunnel\":\"a\"}",
            "X-Portkeep-Secret: " + secret + "\r\nOrigin: http://attacker.example\r\n");
    assertThat(r.status()).isEqualTo(403);
    assertThat(kind(r)).isEqualTo("foreign_origin");
    assertThat(state("a")).isEqualTo("up");
  }

  @Test
  void action_crossSiteFormWithoutTheHeader_refused401AndTheTunnelStaysUp() throws Exception {
    RawHttp.Response r =
        RawHttp.send(
            uiPort,
            "POST /api/action HTTP/1.1\r\nHost: "
                + host()
                + "\r\nOrigin: http://attacker.example\r\n"
                + "Content-Type: application/x-www-form-urlencoded\r\n",
            "action=stop&tunnel=a".getBytes(StandardCharsets.UTF_8));
    assertThat(r.status()).isEqualTo(401);
    assertThat(state("a")).isEqualTo("up");
  }

  @Test
  void action_badBodies_clearErrorsAndTheTunnelCarriesDataThroughout() throws Exception {
    RawHttp.Response notJson = action("{\"action\": ");
    assertThat(notJson.status()).isEqualTo(400);
    assertThat(JSON.readTree(notJson.body()).path("error").path("message").asText())
        .startsWith("bad action: the body is not JSON");
    RawHttp.Response unknownAction = action("{\"action\":\"explode\",\"tunnel\":\"a\"}");
    assertThat(unknownAction.status()).isEqualTo(400);
    assertThat(unknownAction.body()).contains("unknown action 'explode'");
    RawHttp.Response unknownField = action("{\"action\":\"stop\",\"tunnels\":[\"a\"]}");
    assertThat(unknownField.status()).isEqualTo(400);
    assertThat(unknownField.body()).contains("unknown field 'tunnels'");
    RawHttp.Response unknownTunnel = action("{\"action\":\"stop\",\"tunnel\":\"nope\"}");
    assertThat(unknownTunnel.status()).isEqualTo(404);
    assertThat(unknownTunnel.body()).contains("no tunnel named 'nope'");
    RawHttp.Response huge =
        action("{\"action\":\"stop\",\"tunnel\":\"" + "x".repeat(10_000) + "\"}");
    assertThat(huge.status()).isEqualTo(413);
    assertThat(kind(huge)).isEqualTo("too_large");
    RawHttp.Response wrongMethod = api("/api/action");
    assertThat(wrongMethod.status()).isEqualTo(405);

    assertThat(state("a")).isEqualTo("up");
    assertThat(EchoServer.echoesThrough(tunnelPort, Duration.ofSeconds(5))).isTrue();
  }

  @Test
  void action_stopThenStart_freesThePortAndTakesItBack() throws Exception {
    RawHttp.Response stopped = action("{\"action\":\"stop\",\"tunnel\":\"a\"}");
    assertThat(stopped.status()).isEqualTo(200);
    assertThat(JSON.readTree(stopped.body()).path("tunnels").get(0).path("state").asText())
        .isEqualTo("stopped");
    Await.until("a's port free", () -> FreePort.unused(tunnelPort));
    assertThat(action("{\"action\":\"start\",\"tunnel\":\"a\"}").status()).isEqualTo(200);
    Await.until("a up again", Duration.ofSeconds(40), () -> state("a").equals("up"), () -> "");
    assertThat(EchoServer.echoesThrough(tunnelPort, Duration.ofSeconds(5))).isTrue();
    assertThat(action("{\"action\":\"reload\"}").status()).isEqualTo(200);
  }

  @Test
  void events_streamTheStatusAsServerSentEvents() throws Exception {
    try (Socket s = new Socket("127.0.0.1", uiPort)) {
      s.setSoTimeout(10_000);
      s.getOutputStream()
          .write(
              ("GET /api/events HTTP/1.1\r\nHost: "
                      + host()
                      + "\r\nX-Portkeep-Secret: "
                      + secret
                      + "\r\n\r\n")
                  .getBytes(StandardCharsets.ISO_8859_1));
      InputStream in = s.getInputStream();
      StringBuilder seen = new StringBuilder();
      while (count(seen, "event: status") < 2) {
        int b = in.read();
        assertThat(b).as("stream ended after: %s", seen).isNotNegative();
        seen.append((char) b);
      }
      assertThat(seen.toString())
          .contains("text/event-stream")
          .contains("data: {\"tunnels\":[{\"name\":\"a\",\"state\":\"up\"");
    }
  }

  private static int count(CharSequence text, String what) {
    return (text.length() - text.toString().replace(what, "").length()) / what.length();
  }

  @Test
  void uiCommand_print_givesThePageWithTheSecretInTheFragment() {
    CliRun run = CliRun.run(home, "ui", "--print", "--control", socket.toString());
    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out().strip()).isEqualTo("http://127.0.0.1:" + uiPort + "/#secret=" + secret);
  }

  /**
   * With a desktop (DISPLAY set), {@code portkeep ui} hands the URL to xdg-open. This container has
   * no desktop, so a script of that name on PATH stands in for it and writes down what it was
   * given.
   */
  @Test
  void uiCommand_withADesktop_handsThePageWithTheSecretToTheOpener() throws Exception {
    Path given = home.resolve("opener-got.txt");
    Path bin = urlOpener("printf '%s\\n' \"$@\" > '" + given + "'");
    try (JarRun run = uiWithOpener(bin)) {
      assertThat(run.exitCode(Duration.ofSeconds(60))).as(run.err()).isZero();
      String page = "http://127.0.0.1:" + uiPort + "/";
      assertThat(run.out().strip()).isEqualTo("opened " + page + " in the browser");
      assertThat(read(given)).isEqualTo(page + "#secret=" + secret + "\n");
    }
  }

  @Test
  void uiCommand_openerFails_printsTheUrlInstead() throws Exception {
    Path bin = urlOpener("exit 3");
    try (JarRun run = uiWithOpener(bin)) {
      assertThat(run.exitCode(Duration.ofSeconds(60))).as(run.err()).isZero();
      assertThat(run.out().strip()).isEqualTo("http://127.0.0.1:" + uiPort + "/#secret=" + secret);
    }
  }

  /** {@code portkeep ui} as a process on a desktop (DISPLAY set) whose PATH starts with bin. */
  private JarRun uiWithOpener(Path bin) {
    return JarRun.start(
        home,
        Map.of("PATH", bin + ":/usr/bin:/bin", "DISPLAY", ":0"),
        "ui",
        "--control",
        socket.toString());
  }

  /** A directory holding an executable {@code xdg-open} that runs {@code body}. */
  private Path urlOpener(String body) throws Exception {
    Path bin = Files.createDirectories(home.resolve("opener-bin"));
    Path script = bin.resolve("xdg-open");
    Files.writeString(script, "#!/bin/sh\n" + body + "\n");
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
    return bin;
  }

  @Test
  void uiFlag_hostName_refusedNamingIt() {
    CliRun run =
        CliRun.run(
            home,
            "up",
            "-c",
            home.resolve("tunnels.toml").toString(),
            "--control",
            home.resolve("other/c.sock").toString(),
            "--ui=dashboard.example:9723");
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("not an IP address for --ui: 'dashboard.example:9723'");
  }

  @Test
  void uiCommand_noPageServed_saysHowToStartOne() throws Exception {
    Path other = home.resolve("plain");
    Files.createDirectories(other);
    int port = FreePort.pick();
    Path file = other.resolve("tunnels.toml");
    Files.writeString(file, TunnelTables.local("b", sshd, port, echo.port()));
    Path sock = other.resolve("run/c.sock");
    CliRun plain = CliRun.start(home, "up", "-c", file.toString(), "--control", sock.toString());
    try {
      Await.until("the second up's socket", () -> Files.exists(sock));
      CliRun run = CliRun.run(home, "ui", "--control", sock.toString());
      assertThat(run.exitCode()).isEqualTo(2);
      assertThat(run.err()).contains("the running portkeep up serves no web page");
    } finally {
      plain.stop();
    }
  }
}
