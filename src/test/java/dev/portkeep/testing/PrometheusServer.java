package dev.portkeep.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.concurrent.TimeUnit;

/**
 * A real Prometheus server (Debian's {@code prometheus}) on a free loopback port, with its own
 * configuration and data folder in a temporary directory, scraping one target every second. It is
 * ready once its {@code /-/ready} answers 200.
 */
public final class PrometheusServer implements AutoCloseable {
  public static final Path PROMETHEUS = Path.of("/usr/bin/prometheus");
  public static final Path PROMTOOL = Path.of("/usr/bin/promtool");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private final Process process;
  private final Path dir;
  private final int port;

  private PrometheusServer(Process process, Path dir, int port) {
    this.process = process;
    this.dir = dir;
    this.port = port;
  }

  /** Why Prometheus tests cannot run here, or empty when they can. */
  public static Optional<String> missing() {
    for (Path tool : List.of(PROMETHEUS, PROMTOOL)) {
      if (!Files.isExecutable(tool)) {
        return Optional.of("needs " + tool + " (Debian package prometheus)");
      }
    }
    return Optional.empty();
  }

  /**
   * Starts Prometheus scraping {@code target} ({@code host:port}) at {@code /metrics} each second.
   */
  public static PrometheusServer scraping(String target) {
    Path dir = TestFiles.tempDir("prometheus-");
    int port = FreePort.pick();
    TestFiles.write(
        dir.resolve("prometheus.yml"),
        "global:\n"
            + "  scrape_interval: 1s\n"
            + "  evaluation_interval: 1s\n"
            + "scrape_configs:\n"
            + "  - job_name: portkeep\n"
            + "    static_configs:\n"
            + "      - targets: ['"
            + target
            + "']\n");
    ProcessBuilder builder =
        new ProcessBuilder(
                PROMETHEUS.toString(),
                "--config.file=" + dir.resolve("prometheus.yml"),
                "--storage.tsdb.path=" + dir.resolve("data"),
                "--web.listen-address=127.0.0.1:" + port)
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("prometheus.log").toFile());
    Process process;
    try {
      process = builder.start();
    } catch (IOException e) {
      TestFiles.deleteTree(dir);
      throw new UncheckedIOException("cannot start " + PROMETHEUS, e);
    }
    PrometheusServer server = new PrometheusServer(process, dir, port);
    try {
      Await.until(
          "prometheus ready on port " + port, Duration.ofSeconds(60), server::ready, server::log);
    } catch (RuntimeException | Error e) {
      server.close();
      throw e;
    }
    return server;
  }

  public int port() {
    return port;
  }

  /** What Prometheus printed so far. */
  public String log() {
    Path log = dir.resolve("prometheus.log");
    return Files.exists(log) ? TestFiles.read(log) : "";
  }

  private boolean ready() {
    if (!process.isAlive()) {
      throw new IllegalStateException("prometheus exited: " + log());
    }
    try {
      return get("/-/ready").statusCode() == 200;
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * The value of an instant query's first sample, or empty when the result has none (yet).
   *
   * @throws IllegalStateException when Prometheus refuses the query
   */
  public OptionalDouble query(String promql) {
    JsonNode answer;
    try {
      HttpResponse<String> response =
          get("/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8));
      answer = JSON.readTree(response.body());
    } catch (IOException e) {
      throw new UncheckedIOException("query " + promql, e);
    }
    if (!"success".equals(answer.path("status").asText())) {
      throw new IllegalStateException("query " + promql + " failed: " + answer);
    }
    JsonNode result = answer.path("data").path("result");
    if (result.isEmpty()) {
      return OptionalDouble.empty();
    }
    return OptionalDouble.of(Double.parseDouble(result.get(0).path("value").get(1).asText()));
  }

  /**
   * The health of the scrape target as Prometheus sees it: {@code up}, {@code down}, {@code
   * unknown}.
   */
  public String targetHealth() {
    try {
      JsonNode answer = JSON.readTree(get("/api/v1/targets").body());
      JsonNode active = answer.path("data").path("activeTargets");
      return active.isEmpty()
          ? "none"
          : active.get(0).path("health").asText() + " " + active.get(0).path("lastError").asText();
    } catch (IOException e) {
      return e.toString();
    }
  }

  private HttpResponse<String> get(String path) throws IOException {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(10))
            .build();
    try {
      return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }

  /** Runs {@code promtool check metrics} on an exposition; its output, empty when it is clean. */
  public static Command.Result checkMetrics(String exposition) {
    Path file = TestFiles.tempDir("promtool-").resolve("metrics.txt");
    TestFiles.write(file, exposition);
    try {
      return Command.run(
          Duration.ofSeconds(30),
          "/bin/sh",
          "-c",
          "exec \"$1\" check metrics < \"$2\"",
          "sh",
          PROMTOOL.toString(),
          file.toString());
    } finally {
      TestFiles.deleteTree(file.getParent());
    }
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    TestFiles.deleteTree(dir);
  }
}
