package dev.portkeep.status;

import dev.portkeep.config.ForwardSpec;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * One forward as its tunnel's observer tracks it. The connection counters are adders, bumped
 * without the observer's lock on every connection; the rest changes under it.
 */
final class ForwardTrack {
  final ForwardSpec spec;
  final LongAdder open = new LongAdder();
  final LongAdder total = new LongAdder();
  final Map<ChannelFailure, Long> failures = new EnumMap<>(ChannelFailure.class);
  List<String> listen = List.of();
  ForwardSnapshot.ForwardState state = ForwardSnapshot.ForwardState.PENDING;
  Problem lastError;
  ForwardSnapshot.ProbeSnapshot probe;
  Supplier<ForwardCounters> counters;
  SmbAccess smb;

  ForwardTrack(ForwardSpec spec) {
    this.spec = spec;
  }

  ForwardSnapshot snapshot() {
    // -R forwards are counted once their counters are known (portkeep up); not in a plain run
    boolean counted = !(spec instanceof ForwardSpec.Remote) || counters != null;
    ForwardCounters bytes = counters == null ? ForwardCounters.NONE : counters.get();
    return new ForwardSnapshot(
        spec.flag(),
        spec.spec(),
        listen,
        state,
        counted ? Optional.of(open.sum()) : Optional.empty(),
        counted ? Optional.of(total.sum()) : Optional.empty(),
        counted ? Optional.of(bytes.bytesUp()) : Optional.empty(),
        counted ? Optional.of(bytes.bytesDown()) : Optional.empty(),
        failures,
        Optional.ofNullable(lastError),
        Optional.ofNullable(probe),
        Optional.ofNullable(smb));
  }
}
