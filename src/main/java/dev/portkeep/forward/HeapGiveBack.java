package dev.portkeep.forward;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands the heap back to the system once traffic stops.
 *
 * <p>During a burst over many connections, received packets wait in the channels' queues long
 * enough to be promoted, and the serial collector returns old-generation memory to the system only
 * after a full collection, which a quiet tunnel never triggers by itself: after 64 parallel 1 GiB
 * transfers one tunnel sat at 204 MiB RSS, 99 MiB after one full collection (115 MiB of garbage, 5
 * MiB live). So when no byte has moved for a whole period and the heap holds more than {@code
 * threshold}, one collection runs; then not again until traffic has come and gone.
 */
public final class HeapGiveBack {
  private static final Logger log = LoggerFactory.getLogger(HeapGiveBack.class);

  /** How long without a byte moved counts as quiet. */
  public static final Duration QUIET = Duration.ofSeconds(10);

  /** Heap committed above which a quiet tunnel collects: an idle one commits 10-25 MiB. */
  public static final long THRESHOLD = 48L << 20;

  private final LongSupplier bytesMoved;
  private final LongSupplier heapCommitted;
  private final Runnable collect;
  private final long threshold;
  private long lastMoved = -1;
  private boolean collectedSinceTraffic;

  /** For the tests: every part injected, ticks driven by hand. */
  HeapGiveBack(
      LongSupplier bytesMoved, LongSupplier heapCommitted, Runnable collect, long threshold) {
    this.bytesMoved = bytesMoved;
    this.heapCommitted = heapCommitted;
    this.collect = collect;
    this.threshold = threshold;
  }

  /** A counter being watched; closing stops watching it. */
  public interface Watch extends AutoCloseable {
    @Override
    void close();
  }

  private static final List<LongSupplier> SOURCES = new CopyOnWriteArrayList<>();
  private static HeapGiveBack shared;

  /**
   * Adds a tunnel's byte counter to the one watcher of this process (started with the first), which
   * looks every {@link #QUIET} on a daemon thread: one collection policy for every tunnel, however
   * many {@code portkeep up} runs. Closing the handle removes the counter.
   */
  public static synchronized Watch watch(LongSupplier bytesMoved) {
    SOURCES.add(bytesMoved);
    if (shared == null) {
      Runtime runtime = Runtime.getRuntime();
      shared =
          new HeapGiveBack(
              () -> SOURCES.stream().mapToLong(LongSupplier::getAsLong).sum(),
              runtime::totalMemory,
              System::gc,
              THRESHOLD);
      ScheduledExecutorService timer =
          Executors.newSingleThreadScheduledExecutor(
              r -> Thread.ofPlatform().daemon().name("pk-heap").unstarted(r));
      long period = QUIET.toMillis();
      var unused =
          timer.scheduleWithFixedDelay(shared::tick, period, period, TimeUnit.MILLISECONDS);
    }
    return () -> SOURCES.remove(bytesMoved);
  }

  /**
   * One look: collects if nothing moved since the last look, the heap is large, and it has not yet.
   */
  synchronized void tick() {
    long moved = bytesMoved.getAsLong();
    boolean quiet = moved == lastMoved;
    lastMoved = moved;
    if (!quiet) {
      collectedSinceTraffic = false;
      return;
    }
    long committed = heapCommitted.getAsLong();
    if (collectedSinceTraffic || committed <= threshold) {
      return;
    }
    collectedSinceTraffic = true;
    collect.run();
    log.debug(
        "traffic stopped: heap {} MiB committed before a full collection, {} MiB after",
        committed >> 20,
        heapCommitted.getAsLong() >> 20);
  }
}
