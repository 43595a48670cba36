package dev.portkeep.fuzz;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeoutException;

/**
 * Runs one target on mutated inputs and checks three properties per input: the parser throws
 * nothing but its documented exception, returns within {@code perInput}, and allocates no more than
 * the target's constant-plus-linear bound (measured with the worker thread's allocation counter).
 * Each call runs on a worker thread so a hang is seen; a hung worker cannot be stopped, so it is
 * abandoned (a daemon) and after {@link #MAX_HANGS} the target's run ends.
 */
final class Fuzzer {
  static final int MAX_HANGS = 3;

  /** What the run may spend: a number of inputs, or a time. */
  record Budget(long iterations, Duration time) {
    static Budget iterations(long n) {
      return new Budget(n, Duration.ofDays(1));
    }

    static Budget time(Duration time) {
      return new Budget(Long.MAX_VALUE, time);
    }
  }

  /** One distinct problem and the first input that showed it (an array: never compared). */
  @SuppressWarnings("ArrayRecordComponent")
  record Finding(
      String target, String signature, long seed, long iteration, byte[] input, String detail) {
    /** The report: what broke, how to regenerate the input, and the input itself. */
    String describe() {
      return target
          + ": "
          + signature
          + "\n  "
          + detail
          + "\n  replay: -Dfuzz.targets="
          + target
          + " -Dfuzz.replay="
          + seed
          + ":"
          + iteration
          + "\n  input ("
          + input.length
          + " bytes) hex: "
          + HexFormat.of().formatHex(input, 0, Math.min(input.length, 2048))
          + "\n  input as text: "
          + printable(input);
    }
  }

  /** The outcome of a run. */
  record Report(
      String target, long seed, long executions, Duration elapsed, List<Finding> findings) {}

  private record Outcome(Throwable thrown, long allocated) {}

  private static final com.sun.management.ThreadMXBean THREADS =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

  private final FuzzTarget target;
  private final Mutator mutator;
  private final Duration perInput;
  private final Map<String, Finding> findings = new LinkedHashMap<>();
  private ExecutorService worker = newWorker();
  private volatile Thread workerThread;
  private int hangs;

  Fuzzer(FuzzTarget target, Duration perInput) {
    this.target = target;
    this.mutator = new Mutator(target);
    this.perInput = perInput;
  }

  /** The input of {@code iteration} in the run with {@code seed}, on its own. */
  byte[] input(long seed, long iteration) {
    return mutator.next(new SplittableRandom(seed + iteration * 0x9E37_79B9_7F4A_7C15L));
  }

  /** Seeds first (unmutated, also warming the code), then mutated inputs until the budget ends. */
  Report run(long seed, Budget budget) {
    long start = System.nanoTime();
    long deadline = start + budget.time().toNanos();
    long executions = 0;
    try {
      List<byte[]> seeds = target.seeds();
      for (int i = 0; i < seeds.size(); i++) {
        check(seeds.get(i), seed, -1 - i, false);
        executions++;
      }
      for (long i = 0; i < budget.iterations() && System.nanoTime() < deadline; i++) {
        check(input(seed, i), seed, i, true);
        executions++;
        if (hangs >= MAX_HANGS) {
          break;
        }
      }
    } finally {
      worker.shutdownNow();
    }
    return new Report(
        target.name(),
        seed,
        executions,
        Duration.ofNanos(System.nanoTime() - start),
        List.copyOf(findings.values()));
  }

  /** Runs one input and records what it broke, if anything. */
  void check(byte[] input, long seed, long iteration, boolean measure) {
    Outcome outcome = call(input, seed, iteration);
    if (outcome == null) {
      return; // a hang, already recorded
    }
    if (outcome.thrown() != null && !target.documented(outcome.thrown())) {
      Throwable t = outcome.thrown();
      record(
          t.getClass().getName() + " at " + where(t.getStackTrace()),
          seed,
          iteration,
          input,
          String.valueOf(t.getMessage()));
      return;
    }
    long bound = target.allocationBound(input.length);
    if (measure && outcome.allocated() > bound) {
      Outcome again = call(input, seed, iteration); // class loading on a first call also counts
      if (again != null && again.allocated() > bound) {
        record(
            "allocation above the bound",
            seed,
            iteration,
            input,
            again.allocated()
                + " bytes allocated for a "
                + input.length
                + "-byte input, bound "
                + bound);
      }
    }
  }

  private Outcome call(byte[] input, long seed, long iteration) {
    byte[] copy = input.clone();
    Future<Outcome> future =
        worker.submit(
            () -> {
              workerThread = Thread.currentThread();
              long before = THREADS.getCurrentThreadAllocatedBytes();
              Throwable thrown = null;
              try {
                target.run(copy);
              } catch (Throwable t) { // StackOverflowError and OutOfMemoryError are findings too
                thrown = t;
              }
              return new Outcome(thrown, THREADS.getCurrentThreadAllocatedBytes() - before);
            });
    try {
      return future.get(perInput.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      Thread stuck = workerThread;
      StackTraceElement[] stack = stuck == null ? new StackTraceElement[0] : stuck.getStackTrace();
      future.cancel(true);
      worker.shutdownNow(); // the thread may keep spinning: it is a daemon, and abandoned
      worker = newWorker();
      hangs++;
      record(
          "no answer within " + perInput.toMillis() + " ms at " + where(stack),
          seed,
          iteration,
          input,
          "stack: " + List.of(stack).subList(0, Math.min(8, stack.length)));
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while fuzzing " + target.name(), e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("the worker failed outside the target", e.getCause());
    }
  }

  private void record(String signature, long seed, long iteration, byte[] input, String detail) {
    findings.putIfAbsent(
        signature, new Finding(target.name(), signature, seed, iteration, input, detail));
  }

  /** The first frame in portkeep's main code (not this harness), else the top frame. */
  private static String where(StackTraceElement[] stack) {
    for (StackTraceElement frame : stack) {
      String c = frame.getClassName();
      if (c.startsWith("dev.portkeep.")
          && !c.startsWith("dev.portkeep.fuzz.")
          && !c.contains("FuzzEntry")) {
        return frame.getClassName().substring(frame.getClassName().lastIndexOf('.') + 1)
            + "."
            + frame.getMethodName()
            + ":"
            + frame.getLineNumber();
      }
    }
    return stack.length == 0 ? "?" : stack[0].toString();
  }

  private static ExecutorService newWorker() {
    return Executors.newSingleThreadExecutor(
        r -> {
          Thread t = new Thread(r, "fuzz-worker");
          t.setDaemon(true);
          return t;
        });
  }

  /** The input as UTF-8 with control characters escaped, cut at 400 characters. */
  static String printable(byte[] input) {
    String text = new String(input, StandardCharsets.UTF_8);
    StringBuilder out = new StringBuilder();
    text.codePoints()
        .limit(400)
        .forEach(
            cp -> {
              if (cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp < 0xA0) || cp == '\\') {
                out.append(String.format("\\u%04x", cp));
              } else if (cp > 0x7F) {
                out.append(String.format(cp > 0xFFFF ? "\\U%06x" : "\\u%04x", cp));
              } else {
                out.appendCodePoint(cp);
              }
            });
    return out.toString();
  }

  /** All findings of some reports, one block each. */
  static List<String> describe(List<Report> reports) {
    List<String> out = new ArrayList<>();
    reports.forEach(r -> r.findings().forEach(f -> out.add(f.describe())));
    return out;
  }
}
