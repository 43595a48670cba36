package dev.portkeep.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.portkeep.bind.Addresses;
import dev.portkeep.bind.Listeners;
import dev.portkeep.control.ControlFailure;
import dev.portkeep.control.ControlHandler;
import dev.portkeep.control.Request;
import dev.portkeep.error.UsageException;
import dev.portkeep.status.StatusJson;
import dev.portkeep.status.TunnelSnapshot;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The web page of {@code portkeep up}: static files from the jar, the status and throughput as
 * JSON, a stream of server-sent events once a second, and the start, stop, restart and reload
 * actions, which go to the same handler as the control endpoint's. Served by the JDK's HTTP server.
 *
 * <p>Every request must name this page in its {@code Host} header ({@link HostCheck}); every API
 * request must carry the {@link UiSecret} in a header; an action must also come from this page's
 * own origin. Responses forbid framing and inline script and carry no CORS headers. Request bodies
 * are read up to {@value #MAX_BODY} bytes; nothing a request holds can reach a tunnel except as a
 * typed control request.
 */
public final class Dashboard implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Dashboard.class);
  static final int MAX_BODY = 4096;
  private static final Duration PUSH_EVERY = Duration.ofSeconds(1);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Map<String, String> ASSETS =
      Map.of(
          "/", "index.html",
          "/index.html", "index.html",
          "/app.js", "app.js",
          "/app.css", "app.css");
  private static final Map<String, String> TYPES =
      Map.of(
          "html", "text/html; charset=utf-8",
          "js", "text/javascript; charset=utf-8",
          "css", "text/css; charset=utf-8");

  private final HttpServer server;
  private final ExecutorService workers;
  private final ScheduledExecutorService sampler;
  private final InetSocketAddress address;
  private final HostCheck hosts;
  private final UiSecret secret;
  private final Supplier<List<TunnelSnapshot>> status;
  private final ControlHandler actions;
  private final Clock clock;
  private final Throughput throughput = new Throughput();
  private final Object tick = new Object();
  private volatile boolean closed;

  private Dashboard(
      HttpServer server,
      UiSecret secret,
      Supplier<List<TunnelSnapshot>> status,
      ControlHandler actions,
      Clock clock) {
    this.server = server;
    this.address = server.getAddress();
    this.hosts = new HostCheck(address);
    this.secret = secret;
    this.status = status;
    this.actions = actions;
    this.clock = clock;
    this.workers =
        Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("pk-web-", 0).factory());
    this.sampler =
        Executors.newSingleThreadScheduledExecutor(
            r -> Thread.ofPlatform().daemon().name("pk-web-sampler").unstarted(r));
  }

  /**
   * Serves the page at {@code at} (port 0: any free one).
   *
   * @param actions what start, stop, restart and reload do: the control endpoint's handler
   * @throws UsageException when the address cannot be bound
   */
  public static Dashboard start(
      InetSocketAddress at,
      UiSecret secret,
      Supplier<List<TunnelSnapshot>> status,
      ControlHandler actions,
      Clock clock) {
    HttpServer server;
    try {
      server = HttpServer.create(at, 0);
    } catch (IOException e) {
      throw new UsageException(
          "cannot serve the web page on " + Addresses.display(at) + ": " + e.getMessage(),
          "name another address: ui = \"127.0.0.1:PORT\" in the tunnels file, or --ui ADDRESS",
          e);
    }
    Dashboard d = new Dashboard(server, secret, status, actions, clock);
    server.setExecutor(d.workers);
    server.createContext("/", d::serve);
    server.start();
    var unused =
        d.sampler.scheduleAtFixedRate(d::sample, 0, PUSH_EVERY.toMillis(), TimeUnit.MILLISECONDS);
    Listeners.warnIfExposed(List.of(d.address), "the web page");
    return d;
  }

  /** The page's address: {@code http://ADDRESS:PORT/}; a wildcard bind is shown as loopback. */
  public String url() {
    return "http://" + Addresses.display(Addresses.reachable(address)) + "/";
  }

  public InetSocketAddress address() {
    return address;
  }

  private void sample() {
    try {
      throughput.sample(status.get(), clock.instant());
    } catch (RuntimeException e) {
      log.debug("throughput sample failed", e);
    }
    synchronized (tick) {
      tick.notifyAll();
    }
  }

  private void serve(HttpExchange x) throws IOException {
    try (x) {
      secure(x);
      if (!hosts.allows(x.getRequestHeaders().getFirst("Host"))) {
        reply(x, 403, error("wrong_host", "this page answers only to " + url(), "open " + url()));
        return;
      }
      String path = x.getRequestURI().getPath();
      String asset = ASSETS.get(path);
      if (asset != null) {
        onlyMethod(x, "GET", () -> asset(x, asset));
        return;
      }
      if (!path.startsWith("/api/")) {
        reply(x, 404, error("not_found", "no page at " + path, "open " + url()));
        return;
      }
      if (!secret.matches(x.getRequestHeaders().getFirst(UiSecret.HEADER))) {
        reply(
            x,
            401,
            error(
                "secret_required",
                "this request lacks the page's secret",
                "open the page with portkeep ui"));
        return;
      }
      switch (path) {
        case "/api/status" -> onlyMethod(x, "GET", () -> reply(x, 200, statusDocument(true)));
        case "/api/events" -> onlyMethod(x, "GET", () -> events(x));
        case "/api/action" -> onlyMethod(x, "POST", () -> action(x));
        default -> reply(x, 404, error("not_found", "no API at " + path, "see the README"));
      }
    } catch (IOException e) {
      log.debug("web request ended: {}", e.toString());
    } catch (RuntimeException e) {
      log.warn("web request failed", e);
    }
  }

  @FunctionalInterface
  private interface Step {
    void run() throws IOException;
  }

  private static void onlyMethod(HttpExchange x, String method, Step step) throws IOException {
    if (x.getRequestMethod().equals(method)) {
      step.run();
      return;
    }
    x.getResponseHeaders().set("Allow", method);
    reply(
        x,
        405,
        error(
            "method_not_allowed",
            x.getRequestMethod() + " is not served at " + x.getRequestURI().getPath(),
            "use " + method));
  }

  /** Headers on every answer: no framing, no inline script, no caching, no sniffing. */
  private static void secure(HttpExchange x) {
    var h = x.getResponseHeaders();
    h.set(
        "Content-Security-Policy",
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
            + " connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'");
    h.set("X-Frame-Options", "DENY");
    h.set("X-Content-Type-Options", "nosniff");
    h.set("Referrer-Policy", "no-referrer");
    h.set("Cache-Control", "no-store");
  }

  private static void asset(HttpExchange x, String name) throws IOException {
    byte[] body;
    try (InputStream in = Dashboard.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("the jar lacks the web page's " + name);
      }
      body = in.readAllBytes();
    }
    x.getResponseHeaders().set("Content-Type", TYPES.get(name.substring(name.indexOf('.') + 1)));
    x.sendResponseHeaders(200, body.length);
    x.getResponseBody().write(body);
  }

  private ObjectNode statusDocument(boolean history) {
    ObjectNode doc = StatusJson.document(status.get());
    doc.put("now", clock.instant().toString());
    doc.set("throughput", history ? throughput.history() : throughput.latest());
    return doc;
  }

  /** Server-sent events: the status and the newest throughput sample, once a second. */
  private void events(HttpExchange x) throws IOException {
    x.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
    x.sendResponseHeaders(200, 0);
    OutputStream out = x.getResponseBody();
    while (!closed) {
      String data = JSON.writeValueAsString(statusDocument(false));
      out.write(("event: status\ndata: " + data + "\n\n").getBytes(StandardCharsets.UTF_8));
      out.flush();
      try {
        synchronized (tick) {
          tick.wait(PUSH_EVERY.toMillis() * 2);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /** {@code {"action": "start|stop|restart|reload", "tunnel": "NAME"}} from this page only. */
  private void action(HttpExchange x) throws IOException {
    String origin = x.getRequestHeaders().getFirst("Origin");
    String host = x.getRequestHeaders().getFirst("Host");
    if (origin != null && !origin.equalsIgnoreCase("http://" + host)) {
      reply(
          x,
          403,
          error(
              "foreign_origin",
              "an action from another origin is refused: " + origin,
              "use the page at " + url()));
      return;
    }
    String declared = x.getRequestHeaders().getFirst("Content-Length");
    boolean tooLong = declared != null && declared.length() > String.valueOf(MAX_BODY).length();
    byte[] body = tooLong ? new byte[0] : x.getRequestBody().readNBytes(MAX_BODY + 1);
    if (tooLong || body.length > MAX_BODY) {
      reply(
          x,
          413,
          error("too_large", "a request body over " + MAX_BODY + " bytes", "send one action"));
      return;
    }
    Request request;
    try {
      request = ActionRequest.parse(body);
    } catch (ControlFailure f) {
      reply(x, 400, failure(f));
      return;
    }
    try {
      ObjectNode answer = JsonNodeFactory.instance.objectNode().put("ok", true);
      answer.setAll(actions.handle(request));
      reply(x, 200, answer);
    } catch (ControlFailure f) {
      reply(x, f.answer().kind().equals("unknown_tunnel") ? 404 : 422, failure(f));
    }
  }

  private static ObjectNode failure(ControlFailure f) {
    return error(f.answer().kind(), f.answer().message(), f.answer().hint());
  }

  private static ObjectNode error(String kind, String message, String hint) {
    ObjectNode n = JsonNodeFactory.instance.objectNode();
    n.put("ok", false);
    ObjectNode e = n.putObject("error");
    e.put("kind", kind);
    e.put("message", message);
    e.put("hint", hint);
    return n;
  }

  private static void reply(HttpExchange x, int code, JsonNode body) throws IOException {
    byte[] bytes = JSON.writeValueAsBytes(body);
    x.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
    x.sendResponseHeaders(code, bytes.length);
    x.getResponseBody().write(bytes);
  }

  @Override
  public void close() {
    closed = true;
    sampler.shutdownNow();
    synchronized (tick) {
      tick.notifyAll();
    }
    server.stop(0);
    workers.shutdownNow();
  }
}
