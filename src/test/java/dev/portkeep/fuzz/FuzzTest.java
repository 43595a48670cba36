package dev.portkeep.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/**
 * The seeded fuzzer over every parser of untrusted input. By default a short, fixed budget with a
 * fixed seed (the same inputs on every run, a few seconds in all). The long run is {@code
 * bench/fuzz SECONDS}: {@code -Dfuzz.seconds=N} gives each target N seconds, two targets at a time,
 * with a fresh seed that is printed; {@code -Dfuzz.targets=a,b} picks targets, {@code
 * -Dfuzz.seed=S} fixes the seed, {@code -Dfuzz.replay=S:I} runs the one input of seed S, iteration
 * I that a finding names.
 */
class FuzzTest {
  /** The short budget's seed: fixed, so the default suite sees the same inputs every time. */
  static final long SHORT_SEED = 0x5EED_2026_1202L;

  static final List<String> TARGETS = Targets.NAMES;

  @TempDir Path dir;

  @ParameterizedTest(name = "{0}")
  @FieldSource("TARGETS")
  void shortBudget_target_breaksNoProperty(String name) throws Exception {
    if (System.getProperty("fuzz.seconds") != null || System.getProperty("fuzz.replay") != null) {
      return; // the long run and the replay are the methods below
    }
    try (FuzzTarget target = Targets.create(name, dir)) {
      Fuzzer.Report report =
          new Fuzzer(target, Duration.ofSeconds(10))
              .run(SHORT_SEED, Fuzzer.Budget.iterations(target.shortIterations()));

      assertThat(Fuzzer.describe(List.of(report))).as("findings for %s", name).isEmpty();
      assertThat(report.executions()).isGreaterThan(target.shortIterations());
    }
  }

  /** {@code -Dfuzz.seconds=N}: every selected target for N seconds, two at a time. */
  @Test
  void longRun_everyTarget_reportsExecutionsAndFindings() throws Exception {
    String seconds = System.getProperty("fuzz.seconds");
    if (seconds == null || System.getProperty("fuzz.replay") != null) {
      return;
    }
    Duration each = Duration.ofSeconds(Long.parseLong(seconds));
    long seed = Long.getLong("fuzz.seed", new java.security.SecureRandom().nextLong());
    List<String> names = selected();
    System.out.printf(
        "fuzz: %d s per target, seed %d, targets %s%n", each.toSeconds(), seed, names);
    ExecutorService pool = Executors.newFixedThreadPool(Integer.getInteger("fuzz.parallel", 2));
    List<Future<Fuzzer.Report>> runs = new ArrayList<>();
    for (String name : names) {
      runs.add(
          pool.submit(
              () -> {
                try (FuzzTarget target = Targets.create(name, dir)) {
                  Fuzzer.Report r =
                      new Fuzzer(target, timeout()).run(seed, Fuzzer.Budget.time(each));
                  System.out.printf(
                      "fuzz: %-13s done: %,d executions in %d s, %d distinct findings%n",
                      r.target(), r.executions(), r.elapsed().toSeconds(), r.findings().size());
                  return r;
                }
              }));
    }
    List<Fuzzer.Report> reports = new ArrayList<>();
    for (Future<Fuzzer.Report> run : runs) {
      reports.add(run.get());
    }
    pool.shutdown();
    System.out.println(table(reports));
    Fuzzer.describe(reports).forEach(System.out::println);
    assertThat(Fuzzer.describe(reports)).as("findings").isEmpty();
  }

  /** {@code -Dfuzz.replay=S:I -Dfuzz.targets=name}: that one input, with its outcome. */
  @Test
  void replay_oneInput_reportsWhatItBreaks() throws Exception {
    String replay = System.getProperty("fuzz.replay");
    if (replay == null) {
      return;
    }
    String[] parts = replay.split(":");
    for (String name : selected()) {
      try (FuzzTarget target = Targets.create(name, dir)) {
        Fuzzer fuzzer = new Fuzzer(target, timeout());
        byte[] input = fuzzer.input(Long.parseLong(parts[0]), Long.parseLong(parts[1]));
        System.out.printf("fuzz: %s input: %s%n", name, Fuzzer.printable(input));
        fuzzer.check(input, Long.parseLong(parts[0]), Long.parseLong(parts[1]), true);
        Fuzzer.Report report = fuzzer.run(0, Fuzzer.Budget.iterations(0));
        System.out.println(Fuzzer.describe(List.of(report)));
      }
    }
  }

  private static List<String> selected() {
    String targets = System.getProperty("fuzz.targets", "");
    return targets.isBlank() ? TARGETS : List.of(targets.split(","));
  }

  private static Duration timeout() {
    return Duration.ofMillis(Long.getLong("fuzz.timeoutMillis", 5_000));
  }

  static String table(List<Fuzzer.Report> reports) {
    StringBuilder out = new StringBuilder();
    out.append(
        String.format("%-13s %14s %9s %9s%n", "target", "executions", "findings", "seconds"));
    for (Fuzzer.Report r : reports) {
      out.append(
          String.format(
              "%-13s %,14d %9d %9d%n",
              r.target(), r.executions(), r.findings().size(), r.elapsed().toSeconds()));
    }
    return out.toString();
  }
}
