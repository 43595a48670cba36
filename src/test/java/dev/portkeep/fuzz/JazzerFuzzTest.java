package dev.portkeep.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

/**
 * The same targets and properties as {@link FuzzTest}, driven by Jazzer's coverage-guided engine.
 * In the default suite this is regression mode: each method runs the seed corpus under {@code
 * src/test/resources/dev/portkeep/fuzz/JazzerFuzzTestInputs/<method>/}. To fuzz one target for ten
 * minutes: {@code JAZZER_FUZZ=1 mvn test -Dtest=JazzerFuzzTest#socks} (Jazzer fuzzes one method per
 * JVM); a finding is written next to the seeds as {@code crash-<hash>} and replayed from then on.
 */
class JazzerFuzzTest {
  private static final long TIMEOUT_MILLIS = 5_000;
  private static final Path DIR = tempDir();
  private static final Map<String, FuzzTarget> TARGETS = new ConcurrentHashMap<>();
  private static final com.sun.management.ThreadMXBean THREADS =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
  private static final ExecutorService WORKER =
      Executors.newSingleThreadExecutor(
          r -> {
            Thread t = new Thread(r, "jazzer-worker");
            t.setDaemon(true);
            return t;
          });

  @FuzzTest(maxDuration = "10m")
  void socks(byte[] input) throws Throwable {
    check("socks", input);
  }

  @FuzzTest(maxDuration = "10m")
  void smb2(byte[] input) throws Throwable {
    check("smb2", input);
  }

  @FuzzTest(maxDuration = "10m")
  void knownHosts(byte[] input) throws Throwable {
    check("known_hosts", input);
  }

  @FuzzTest(maxDuration = "10m")
  void sshConfig(byte[] input) throws Throwable {
    check("ssh_config", input);
  }

  @FuzzTest(maxDuration = "10m")
  void forwardSpec(byte[] input) throws Throwable {
    check("forward_spec", input);
  }

  @FuzzTest(maxDuration = "10m")
  void tunnelsFile(byte[] input) throws Throwable {
    check("tunnels_file", input);
  }

  @FuzzTest(maxDuration = "10m")
  void control(byte[] input) throws Throwable {
    check("control", input);
  }

  /**
   * Runs {@code input} on the worker: an undocumented exception, a hang or an allocation above the
   * bound (seen twice: a first call also pays for class loading) is thrown as the finding.
   */
  private static void check(String name, byte[] raw) throws Throwable {
    FuzzTarget target = TARGETS.computeIfAbsent(name, JazzerFuzzTest::create);
    byte[] input = raw.length > target.maxInput() ? Arrays.copyOf(raw, target.maxInput()) : raw;
    long bound = target.allocationBound(input.length);
    long allocated = call(target, input);
    if (allocated > bound && call(target, input) > bound) {
      throw new AssertionError(
          name + ": " + allocated + " bytes allocated for " + input.length + " input bytes");
    }
  }

  private static long call(FuzzTarget target, byte[] input) throws Throwable {
    Future<Long> future =
        WORKER.submit(
            () -> {
              long before = THREADS.getCurrentThreadAllocatedBytes();
              try {
                target.run(input.clone());
              } catch (Exception e) {
                if (!target.documented(e)) {
                  throw e;
                }
              }
              return THREADS.getCurrentThreadAllocatedBytes() - before;
            });
    try {
      return future.get(TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw e.getCause();
    } catch (TimeoutException e) {
      throw new AssertionError(target.name() + ": no answer within " + TIMEOUT_MILLIS + " ms", e);
    }
  }

  private static FuzzTarget create(String name) {
    try {
      return Targets.create(name, DIR);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Path tempDir() {
    try {
      Path dir = Files.createTempDirectory("portkeep-jazzer-");
      Runtime.getRuntime().addShutdownHook(new Thread(() -> delete(dir)));
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void delete(Path dir) {
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // a temporary folder; the system cleans it eventually
    }
  }
}
