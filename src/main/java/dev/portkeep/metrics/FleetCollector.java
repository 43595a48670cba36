package dev.portkeep.metrics;

import dev.portkeep.status.ChannelFailure;
import dev.portkeep.status.ForwardSnapshot;
import dev.portkeep.status.ProbeOutcome;
import dev.portkeep.status.TunnelSnapshot;
import dev.portkeep.status.TunnelState;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.prometheus.metrics.model.snapshots.Unit;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The fleet's status as Prometheus metrics, read from the status snapshots at each scrape, so
 * nothing is counted twice and nothing is kept here. Labels are the tunnel's name, the forward's
 * spec and a channel failure's reason: all from the tunnels file or a closed set, never a client's
 * address.
 */
public final class FleetCollector implements MultiCollector {
  private final Supplier<List<TunnelSnapshot>> status;

  public FleetCollector(Supplier<List<TunnelSnapshot>> status) {
    this.status = status;
  }

  @Override
  public MetricSnapshots collect() {
    Families f = new Families();
    for (TunnelSnapshot t : status.get()) {
      Labels tunnel = Labels.of("tunnel", t.name());
      f.tunnelUp.dataPoint(gauge(tunnel, t.state() == TunnelState.UP ? 1 : 0));
      for (TunnelState s : TunnelState.values()) {
        f.tunnelState.dataPoint(gauge(tunnel.add("state", s.label()), t.state() == s ? 1 : 0));
      }
      f.tunnelSince.dataPoint(gauge(tunnel, t.since().toEpochMilli() / 1000.0));
      f.reconnects.dataPoint(counter(tunnel, (double) t.reconnects()));
      for (ForwardSnapshot fw : t.forwards()) {
        forward(f, tunnel.add("forward", fw.flag() + " " + fw.spec()), fw);
      }
    }
    return f.build();
  }

  private static void forward(Families f, Labels labels, ForwardSnapshot fw) {
    f.forwardUp.dataPoint(gauge(labels, fw.state() == ForwardSnapshot.ForwardState.ACTIVE ? 1 : 0));
    for (ForwardSnapshot.ForwardState s : ForwardSnapshot.ForwardState.values()) {
      f.forwardState.dataPoint(gauge(labels.add("state", s.label()), fw.state() == s ? 1 : 0));
    }
    fw.bytesUp().ifPresent(v -> f.bytesUp.dataPoint(counter(labels, v)));
    fw.bytesDown().ifPresent(v -> f.bytesDown.dataPoint(counter(labels, v)));
    fw.open().ifPresent(v -> f.open.dataPoint(gauge(labels, v)));
    fw.total().ifPresent(v -> f.connections.dataPoint(counter(labels, v)));
    if (fw.open().isPresent()) {
      for (ChannelFailure reason : ChannelFailure.values()) {
        long n = fw.failures().getOrDefault(reason, 0L);
        f.failures.dataPoint(counter(labels.add("reason", reason.label()), (double) n));
      }
    }
    Optional<ForwardSnapshot.ProbeSnapshot> probe = fw.probe();
    if (probe.isPresent()) {
      ProbeOutcome outcome = probe.get().outcome();
      f.probeSuccess.dataPoint(gauge(labels, outcome instanceof ProbeOutcome.Answered ? 1 : 0));
      f.probeSeconds.dataPoint(gauge(labels, outcome.took().toNanos() / 1e9));
    }
  }

  private static GaugeDataPointSnapshot gauge(Labels labels, double value) {
    return GaugeDataPointSnapshot.builder().labels(labels).value(value).build();
  }

  private static CounterDataPointSnapshot counter(Labels labels, double value) {
    return CounterDataPointSnapshot.builder().labels(labels).value(value).build();
  }

  /** The metric families of one scrape, each named and described once. */
  private static final class Families {
    final GaugeSnapshot.Builder tunnelUp =
        gauge("portkeep_tunnel_up", "1 when the tunnel's SSH session is up and its forwards serve");
    final GaugeSnapshot.Builder tunnelState =
        gauge("portkeep_tunnel_state", "1 for the state the tunnel is in, 0 for the others");
    final GaugeSnapshot.Builder tunnelSince =
        gauge(
                "portkeep_tunnel_state_changed_timestamp_seconds",
                "When the tunnel entered its current state, in seconds since the epoch")
            .unit(Unit.SECONDS);
    final CounterSnapshot.Builder reconnects =
        counter("portkeep_tunnel_reconnects", "Sessions the tunnel set up again after a loss");
    final GaugeSnapshot.Builder forwardUp =
        gauge("portkeep_forward_up", "1 when the forward listens and its probe (if any) passes");
    final GaugeSnapshot.Builder forwardState =
        gauge("portkeep_forward_state", "1 for the state the forward is in, 0 for the others");
    final CounterSnapshot.Builder bytesUp =
        counter("portkeep_forward_up_bytes", "Bytes from clients to the target").unit(Unit.BYTES);
    final CounterSnapshot.Builder bytesDown =
        counter("portkeep_forward_down_bytes", "Bytes from the target back to clients")
            .unit(Unit.BYTES);
    final GaugeSnapshot.Builder open =
        gauge("portkeep_forward_connections_open", "Forwarded connections open now");
    final CounterSnapshot.Builder connections =
        counter("portkeep_forward_connections", "Forwarded connections accepted");
    final CounterSnapshot.Builder failures =
        counter("portkeep_forward_channel_failures", "Connections that got no channel, by reason");
    final GaugeSnapshot.Builder probeSuccess =
        gauge("portkeep_forward_probe_success", "1 when the last health probe's target answered");
    final GaugeSnapshot.Builder probeSeconds =
        gauge("portkeep_forward_probe_duration_seconds", "How long the last health probe took")
            .unit(Unit.SECONDS);

    private static GaugeSnapshot.Builder gauge(String name, String help) {
      return GaugeSnapshot.builder().name(name).help(help);
    }

    private static CounterSnapshot.Builder counter(String name, String help) {
      return CounterSnapshot.builder().name(name).help(help);
    }

    MetricSnapshots build() {
      return MetricSnapshots.builder()
          .metricSnapshot(tunnelUp.build())
          .metricSnapshot(tunnelState.build())
          .metricSnapshot(tunnelSince.build())
          .metricSnapshot(reconnects.build())
          .metricSnapshot(forwardUp.build())
          .metricSnapshot(forwardState.build())
          .metricSnapshot(bytesUp.build())
          .metricSnapshot(bytesDown.build())
          .metricSnapshot(open.build())
          .metricSnapshot(connections.build())
          .metricSnapshot(failures.build())
          .metricSnapshot(probeSuccess.build())
          .metricSnapshot(probeSeconds.build())
          .build();
    }
  }
}
