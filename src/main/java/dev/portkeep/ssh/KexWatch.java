package dev.portkeep.ssh;

import dev.portkeep.config.KeepAlive;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.apache.sshd.common.kex.KexState;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.session.SessionListener;

/**
 * Declares a session dead when a key exchange has not finished within the keepalive budget,
 * interval x (countMax + 1).
 *
 * <p>MINA neither sends nor counts keepalives while a key exchange runs (so that a slow one does
 * not look like a dead server), so a server or link that went silent during one was never declared
 * dead: the session hung, every connection through it stalled, and no reconnect came. Freezing
 * sshd's session processes in a transfer under {@code RekeyLimit 1M} left 7 of 12 sessions hung for
 * good. OpenSSH's ssh counts its keepalives through a key exchange; this gives the exchange the
 * same budget, so a server that answered none of it by then counts as silent. Sessions whose
 * exchanges finish are never touched, however often they re-key.
 */
final class KexWatch {
  /**
   * How often a running exchange is looked at, at most; a quarter of the interval when that is
   * shorter. Detection comes within one look of the budget.
   */
  private static final Duration TICK = Duration.ofSeconds(1);

  private final long budgetNanos;
  private long since = -1;
  private long finishedAtSince;
  private boolean fired;

  KexWatch(Duration budget) {
    this.budgetNanos = budget.toNanos();
  }

  /**
   * One look: whether a key exchange is running ({@code exchanging}), how many have finished so far
   * ({@code finished}), the time now. True once the same exchange has been seen running for the
   * whole budget, and only that once; a count that moved means the earlier one finished and this is
   * another.
   */
  boolean expired(boolean exchanging, long finished, long nanoTime) {
    if (fired || !exchanging) {
      since = -1;
      return false;
    }
    if (since < 0 || finished != finishedAtSince) {
      since = nanoTime;
      finishedAtSince = finished;
    }
    fired = nanoTime - since >= budgetNanos;
    return fired;
  }

  /**
   * Watches {@code session} on MINA's own timer (no thread of its own) until it closes; runs {@code
   * onExpired} once, with the budget, when an exchange outlives it. Nothing when keepalives are
   * off.
   */
  static void attach(Session session, KeepAlive keepAlive, Consumer<Duration> onExpired) {
    if (!keepAlive.enabled()) {
      return;
    }
    Duration budget = keepAlive.deadline();
    KexWatch watch = new KexWatch(budget);
    AtomicLong finished = new AtomicLong();
    session.addSessionListener(
        new SessionListener() {
          @Override
          public void sessionEvent(Session s, Event event) {
            if (event == Event.KeyEstablished) {
              finished.incrementAndGet();
            }
          }
        });
    long tick = Math.max(1, Math.min(TICK.toMillis(), keepAlive.interval().toMillis() / 4));
    Runnable look =
        () -> {
          boolean exchanging = session.getKexState() != KexState.DONE;
          if (watch.expired(exchanging, finished.get(), System.nanoTime())) {
            onExpired.accept(budget);
          }
        };
    ScheduledFuture<?> task =
        session
            .getFactoryManager()
            .getScheduledExecutorService()
            .scheduleAtFixedRate(look, tick, tick, TimeUnit.MILLISECONDS);
    session.addCloseFutureListener(f -> task.cancel(false));
  }
}
