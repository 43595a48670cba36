package dev.portkeep.ssh.io;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Timers added from other threads run on the loop, however the loop sleeps when they are added:
 * with no timer at all, until a later one, or until an earlier one.
 */
@Timeout(30)
class EventLoopTimerTest {
  private final EventLoop loop = new EventLoop("pk-io-test");

  @AfterEach
  void end() {
    loop.shutdown();
  }

  /** Schedules a timer from this thread; the latch opens when it ran, on the loop's thread. */
  private CountDownLatch timer(Duration delay, AtomicLong ranAt) {
    CountDownLatch ran = new CountDownLatch(1);
    loop.schedule(
        delay.toNanos(),
        () -> {
          if (loop.inLoop()) {
            ranAt.set(System.nanoTime());
            ran.countDown();
          }
        });
    return ran;
  }

  /** Lets the loop reach select with what it has, so the next timer finds it asleep. */
  private void letLoopSleep() throws InterruptedException {
    CountDownLatch passed = new CountDownLatch(1);
    loop.execute(passed::countDown);
    assertThat(passed.await(5, TimeUnit.SECONDS)).isTrue();
    Thread.sleep(50);
  }

  @Test
  void schedule_loopAsleepWithNoTimer_runsIt() throws Exception {
    letLoopSleep();
    AtomicLong ranAt = new AtomicLong();
    long start = System.nanoTime();

    CountDownLatch ran = timer(Duration.ofMillis(100), ranAt);

    assertThat(ran.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(ranAt.get() - start).isGreaterThanOrEqualTo(Duration.ofMillis(100).toNanos());
  }

  @Test
  void schedule_earlierThanTheTimerTheLoopSleepsFor_runsWithoutWaitingForThatOne()
      throws Exception {
    CountDownLatch late = timer(Duration.ofSeconds(60), new AtomicLong());
    letLoopSleep();
    AtomicLong ranAt = new AtomicLong();

    CountDownLatch ran = timer(Duration.ofMillis(100), ranAt);

    // Without a wake-up the loop would sleep until the 60 s timer.
    assertThat(ran.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(late.getCount()).isOne();
  }

  @Test
  void schedule_laterThanTheTimerTheLoopSleepsFor_runsAfterThatOne() throws Exception {
    AtomicLong firstAt = new AtomicLong();
    CountDownLatch first = timer(Duration.ofMillis(300), firstAt);
    letLoopSleep();
    AtomicLong secondAt = new AtomicLong();
    long start = System.nanoTime();

    CountDownLatch second = timer(Duration.ofMillis(600), secondAt);

    assertThat(first.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(second.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(secondAt.get() - start).isGreaterThanOrEqualTo(Duration.ofMillis(600).toNanos());
    assertThat(secondAt.get()).isGreaterThan(firstAt.get());
  }

  @Test
  void cancel_beforeItIsDue_neverRuns() throws Exception {
    CountDownLatch ran = new CountDownLatch(1);
    EventLoop.Timer t = loop.schedule(Duration.ofMillis(100).toNanos(), ran::countDown);
    t.cancel();
    AtomicLong laterAt = new AtomicLong();
    CountDownLatch later = timer(Duration.ofMillis(300), laterAt);

    assertThat(later.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(ran.getCount()).isOne();
  }
}
