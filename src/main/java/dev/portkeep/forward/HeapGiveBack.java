package dev.portkeep.forward;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
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
public final class HeapGiveBack implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(HeapGiveBack.class);

  /** How long without a byte moved counts as quiet. */
  public static final Duration QUIET = Duration.ofSeconds(10);

  /** Heap committed above which a quiet tunnel collects: an idle one commits 10-25 MiB. */
  public static final long THRESHOLD = 48L << 20;

  private final LongSupplier bytesMoved;
  private final LongSupplier heapCommitted;
  private final Runnable collect;
  private final long threshold;
  private ScheduledExecutorService timer;
  private ScheduledFuture<?> ticks;
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

  /**
   * Watches {@code bytesMoved} (all forwards' bytes, both ways) every {@link #QUIET} on a daemon
   * thread.
   */
  public static HeapGiveBack start(LongSupplier bytesMoved) {
    Runtime runtime = Runtime.getRuntime();
    HeapGiveBack watcher =
        new HeapGiveBack(bytesMoved, runtime::totalMemory, System::gc, THRESHOLD);
    watcher.timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> Thread.ofPlatform().daemon().name("pk-heap").unstarted(r));
    long period = QUIET.toMillis();
    watcher.ticks =
        watcher.timer.scheduleWithFixedDelay(watcher::tick, period, period, TimeUnit.MILLISECONDS);
    return watcher;
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

  @Override
  public void close() {
    if (timer != null) {
      ticks.cancel(false);
      timer.shutdownNow();
    }
  }
}
