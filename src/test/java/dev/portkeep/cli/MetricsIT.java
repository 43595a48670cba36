package dev.portkeep.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.portkeep.testing.Await;
import dev.portkeep.testing.Command;
import dev.portkeep.testing.EchoServer;
import dev.portkeep.testing.FreePort;
import dev.portkeep.testing.OpenSshServer;
import dev.portkeep.testing.Payloads;
import dev.portkeep.testing.PrometheusServer;
import dev.portkeep.testing.TunnelTables;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code portkeep up --metrics} scraped by a real Prometheus: the bytes a test sends through a
 * tunnel come back from a PromQL query, and promtool finds nothing to fix in the exposition.
 */
@Timeout(value = 180, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class MetricsIT {
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @TempDir Path home;
  private OpenSshServer sshd;
  private EchoServer echo;
  private Path file;
  private final List<CliRun> running = new ArrayList<>();

  @BeforeEach
  void start() {
    sshd = OpenSshServer.start();
    echo = EchoServer.start();
    file = home.resolve("tunnels.toml");
  }

  @AfterEach
  void stop() {
    for (CliRun run : running) {
      if (run.isRunning()) {
        run.stop();
      }
    }
    echo.close();
    sshd.close();
  }

  private CliRun up(String... more) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "up", "-c", file.toString(), "--control", home.resolve("run/c.sock").toString()));
    args.addAll(List.of(more));
    CliRun run = CliRun.start(home, args.toArray(String[]::new));
    running.add(run);
    return run;
  }

  private static HttpResponse<String> get(String url) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static String scrapeWhenUp(int port, String tunnel) {
    return scrapeUntil(port, "portkeep_tunnel_up{tunnel=\"" + tunnel + "\"} 1.0");
  }

  /** Scrapes {@code /metrics} at {@code port} until the text contains {@code line}; returns it. */
  private static String scrapeUntil(int port, String line) {
    String[] text = {""};
    Await.until(
        line + " in the metrics",
        Duration.ofSeconds(40),
        () -> {
          try {
            text[0] = get("http://127.0.0.1:" + port + "/metrics").body();
          } catch (Exception e) {
            text[0] = e.toString();
            return false;
          }
          return text[0].contains(line);
        },
        () -> text[0]);
    return text[0];
  }

  /** The tunnels file: metrics served at {@code metricsPort}, and {@code table}. */
  private void writeWithMetrics(int metricsPort, String table) throws IOException {
    Files.writeString(file, "metrics = \"127.0.0.1:" + metricsPort + "\"\n" + table);
  }

  /** Sends {@code n} bytes through the tunnel at {@code port} and reads the echo back. */
  private static void echoThrough(int port, int n) throws Exception {
    byte[] data = Payloads.bytes(n, 7);
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(10_000);
      OutputStream out = s.getOutputStream();
      out.write(data);
      out.flush();
      InputStream in = s.getInputStream();
      byte[] back = in.readNBytes(n);
      assertThat(back).isEqualTo(data);
    }
  }

  @Test
  void prometheusScrapesUp_queryReturnsTheBytesSentThroughTheTunnel() throws Exception {
    assumeTrue(
        PrometheusServer.missing().isEmpty(), () -> PrometheusServer.missing().orElseThrow());
    int tunnelPort = FreePort.pick();
    int metricsPort = FreePort.pick();
    Files.writeString(file, TunnelTables.local("files", sshd, tunnelPort, echo.port()));
    CliRun up = up("--metrics", "127.0.0.1:" + metricsPort);
    scrapeWhenUp(metricsPort, "files");
    assertThat(up.err()).contains("metrics at http://127.0.0.1:" + metricsPort + "/metrics");

    int sent = 123_457;
    echoThrough(tunnelPort, sent);

    try (PrometheusServer prometheus = PrometheusServer.scraping("127.0.0.1:" + metricsPort)) {
      String query = "sum(portkeep_forward_up_bytes_total{tunnel=\"files\"})";
      OptionalDouble[] last = {OptionalDouble.empty()};
      Await.until(
          "prometheus to see " + sent + " bytes up",
          Duration.ofSeconds(60),
          () -> {
            last[0] = prometheus.query(query);
            return last[0].isPresent() && last[0].getAsDouble() == sent;
          },
          () -> query + " = " + last[0] + "; target " + prometheus.targetHealth());
      assertThat(prometheus.query("portkeep_forward_down_bytes_total{tunnel=\"files\"}"))
          .hasValue(sent);
      assertThat(prometheus.query("portkeep_tunnel_up{tunnel=\"files\"}")).hasValue(1.0);
      assertThat(prometheus.query("portkeep_forward_connections_total{tunnel=\"files\"}"))
          .hasValue(1.0);
      assertThat(prometheus.query("jvm_threads_current")).isPresent();
    }
  }

  @Test
  void exposition_promtoolCheckMetricsReportsNothing() throws Exception {
    assumeTrue(
        PrometheusServer.missing().isEmpty(), () -> PrometheusServer.missing().orElseThrow());
    int tunnelPort = FreePort.pick();
    int metricsPort = FreePort.pick();
    writeWithMetrics(metricsPort, TunnelTables.local("db", sshd, tunnelPort, echo.port()));
    up();
    scrapeWhenUp(metricsPort, "db");
    echoThrough(tunnelPort, 1000);
    String text = get("http://127.0.0.1:" + metricsPort + "/metrics").body();
    assertThat(text)
        .contains("portkeep_tunnel_state{state=\"up\",tunnel=\"db\"} 1.0")
        .contains("portkeep_forward_channel_failures_total{")
        .contains("portkeep_tunnel_reconnects_total{tunnel=\"db\"} 0.0")
        .doesNotContain("127.0.0.1:" + tunnelPort + "\",client");

    Command.Result check = PrometheusServer.checkMetrics(text);
    assertThat(check.exitCode()).as(check.toString()).isZero();
    assertThat(check.stdout() + check.stderr()).isEmpty();
  }

  /**
   * A {@code -R} forward has the same series as a local one, counted from the connection the server
   * sent back, and the exposition stays valid for promtool.
   */
  @Test
  void remoteForward_hasConnectionAndByteSeries() throws Exception {
    assumeTrue(
        PrometheusServer.missing().isEmpty(), () -> PrometheusServer.missing().orElseThrow());
    int metricsPort = FreePort.pick();
    int remote = FreePort.pick();
    writeWithMetrics(
        metricsPort,
        TunnelTables.local(
            "db",
            sshd,
            FreePort.pick(),
            echo.port(),
            "remote = [\"127.0.0.1:" + remote + ":127.0.0.1:" + echo.port() + "\"]"));
    up();
    scrapeWhenUp(metricsPort, "db");
    Await.until("the server listening for -R", () -> !FreePort.unused(remote));
    echoThrough(remote, 1000);

    String series =
        "{forward=\"-R 127.0.0.1:" + remote + ":127.0.0.1:" + echo.port() + "\",tunnel=\"db\"}";
    String text = scrapeUntil(metricsPort, "portkeep_forward_connections_total" + series + " 1.0");
    assertThat(text)
        .contains("portkeep_forward_up_bytes_total" + series + " 1000.0")
        .contains("portkeep_forward_down_bytes_total" + series + " 1000.0");
    Command.Result check = PrometheusServer.checkMetrics(text);
    assertThat(check.exitCode()).as(check.toString()).isZero();
  }

  @Test
  void metricsFlag_hostName_refusedNamingIt() throws Exception {
    Files.writeString(file, TunnelTables.local("db", sshd, FreePort.pick(), echo.port()));
    CliRun run = up("--metrics", "metrics.example:9724");
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("not an IP address for --metrics: 'metrics.example:9724'");
  }

  @Test
  void metricsFlag_badPort_refusedNamingIt() throws Exception {
    Files.writeString(file, TunnelTables.local("db", sshd, FreePort.pick(), echo.port()));
    CliRun run = up("--metrics", "127.0.0.1:99999");
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("bad address for --metrics: '127.0.0.1:99999'");
  }

  @Test
  void metricsAddress_held_upRefusesNamingTheAddress() throws Exception {
    int port = FreePort.pick();
    Files.writeString(file, TunnelTables.local("db", sshd, FreePort.pick(), echo.port()));
    try (java.net.ServerSocket held =
        new java.net.ServerSocket(port, 1, java.net.InetAddress.getLoopbackAddress())) {
      CliRun run = up("--metrics", "127.0.0.1:" + port);
      assertThat(run.exitCode()).isEqualTo(2);
      assertThat(run.err()).contains("cannot serve the metrics on 127.0.0.1:" + port);
    }
  }
}
