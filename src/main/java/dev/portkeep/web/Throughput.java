package dev.portkeep.web;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portkeep.status.ForwardSnapshot;
import dev.portkeep.status.TunnelSnapshot;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Each tunnel's throughput, one sample a second for the last ten minutes, kept in a ring per tunnel
 * so the page's chart has its history when it opens. A sample is the bytes each way since the one
 * before, from the status counters; a counter that went back (a restart) counts from zero.
 */
final class Throughput {
  static final int SAMPLES = 600;

  /** One second's bytes up and down, at {@code epochSecond}. */
  record Sample(long epochSecond, long up, long down) {}

  private record Totals(long up, long down) {}

  private final Map<String, ArrayDeque<Sample>> rings = new HashMap<>();
  private final Map<String, Totals> last = new HashMap<>();

  /** Takes one sample of every tunnel; tunnels no longer there are forgotten. */
  synchronized void sample(List<TunnelSnapshot> tunnels, Instant now) {
    Map<String, Totals> next = new HashMap<>();
    for (TunnelSnapshot t : tunnels) {
      Totals total = totals(t);
      next.put(t.name(), total);
      Totals before = last.getOrDefault(t.name(), total);
      long up = total.up() >= before.up() ? total.up() - before.up() : total.up();
      long down = total.down() >= before.down() ? total.down() - before.down() : total.down();
      ArrayDeque<Sample> ring = rings.computeIfAbsent(t.name(), n -> new ArrayDeque<>());
      if (ring.size() == SAMPLES) {
        ring.removeFirst();
      }
      ring.addLast(new Sample(now.getEpochSecond(), up, down));
    }
    rings.keySet().retainAll(next.keySet());
    last.clear();
    last.putAll(next);
  }

  private static Totals totals(TunnelSnapshot t) {
    long up = 0;
    long down = 0;
    for (ForwardSnapshot f : t.forwards()) {
      up += f.bytesUp().orElse(0L);
      down += f.bytesDown().orElse(0L);
    }
    return new Totals(up, down);
  }

  /** {@code {"NAME": [[epochSecond, up, down], ...]}}, oldest first. */
  synchronized ObjectNode history() {
    ObjectNode n = JsonNodeFactory.instance.objectNode();
    rings.forEach(
        (name, ring) -> {
          ArrayNode list = n.putArray(name);
          ring.forEach(s -> list.add(sample(s)));
        });
    return n;
  }

  /** {@code {"NAME": [epochSecond, up, down]}}: each tunnel's newest sample. */
  synchronized ObjectNode latest() {
    ObjectNode n = JsonNodeFactory.instance.objectNode();
    rings.forEach(
        (name, ring) -> {
          if (!ring.isEmpty()) {
            n.set(name, sample(ring.getLast()));
          }
        });
    return n;
  }

  private static ArrayNode sample(Sample s) {
    ArrayNode a = JsonNodeFactory.instance.arrayNode();
    a.add(s.epochSecond()).add(s.up()).add(s.down());
    return a;
  }
}
