package dev.portkeep.forward;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The collection after a burst: only once traffic stopped, only for a large heap, once per burst.
 */
class HeapGiveBackTest {
  private final AtomicLong moved = new AtomicLong();
  private final AtomicLong committed = new AtomicLong(200L << 20);
  private final AtomicInteger collections = new AtomicInteger();
  private final HeapGiveBack watcher =
      new HeapGiveBack(
          moved::get,
          committed::get,
          () -> {
            collections.incrementAndGet();
            committed.set(20L << 20);
          },
          48L << 20);

  @Test
  void tick_whileBytesMove_neverCollects() {
    for (int i = 0; i < 5; i++) {
      moved.addAndGet(1 << 20);
      watcher.tick();
    }
    assertThat(collections).hasValue(0);
  }

  @Test
  void tick_quietAfterTraffic_largeHeap_collectsOnce() {
    moved.set(5L << 30);
    watcher.tick(); // first look: bytes moved since start
    watcher.tick(); // a whole period without a byte: collects
    watcher.tick();
    committed.set(200L << 20); // a large heap again, still without traffic: once per burst only
    watcher.tick();
    assertThat(collections).hasValue(1);
  }

  @Test
  void tick_quiet_smallHeap_leavesItAlone() {
    committed.set(30L << 20);
    watcher.tick();
    watcher.tick();
    watcher.tick();
    assertThat(collections).hasValue(0);
  }

  @Test
  void tick_nextBurstThenQuiet_collectsAgain() {
    watcher.tick();
    watcher.tick();
    assertThat(collections).hasValue(1);
    moved.addAndGet(1L << 30);
    committed.set(150L << 20);
    watcher.tick(); // traffic
    watcher.tick(); // quiet again
    assertThat(collections).hasValue(2);
  }
}
