package dev.portkeep.metrics;

import dev.portkeep.bind.Addresses;
import dev.portkeep.bind.Listeners;
import dev.portkeep.error.UsageException;
import dev.portkeep.status.TunnelSnapshot;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.function.Supplier;

/**
 * The Prometheus endpoint of {@code portkeep up} at {@code /metrics}: the fleet's status and the
 * JVM's metrics, served by the official client's HTTP server with a registry of its own.
 */
public final class MetricsEndpoint implements AutoCloseable {
  private final HTTPServer server;
  private final InetSocketAddress address;

  private MetricsEndpoint(HTTPServer server, InetSocketAddress address) {
    this.server = server;
    this.address = address;
  }

  /**
   * Serves at {@code at} (port 0: any free one).
   *
   * @throws UsageException when the address cannot be bound
   */
  public static MetricsEndpoint start(InetSocketAddress at, Supplier<List<TunnelSnapshot>> status) {
    PrometheusRegistry registry = new PrometheusRegistry();
    JvmMetrics.builder().register(registry);
    registry.register(new FleetCollector(status));
    HTTPServer server;
    try {
      server =
          HTTPServer.builder()
              .inetAddress(at.getAddress())
              .port(at.getPort())
              .registry(registry)
              .buildAndStart();
    } catch (IOException e) {
      throw new UsageException(
          "cannot serve the metrics on " + Addresses.display(at) + ": " + e.getMessage(),
          "name another address: metrics = \"127.0.0.1:PORT\" in the tunnels file, or --metrics",
          e);
    }
    InetSocketAddress bound = new InetSocketAddress(at.getAddress(), server.getPort());
    Listeners.warnIfExposed(List.of(bound), "the metrics endpoint");
    return new MetricsEndpoint(server, bound);
  }

  /** Where Prometheus scrapes: {@code http://ADDRESS:PORT/metrics}. */
  public String url() {
    return "http://" + Addresses.display(address) + "/metrics";
  }

  public InetSocketAddress address() {
    return address;
  }

  @Override
  public void close() {
    server.close();
  }
}
