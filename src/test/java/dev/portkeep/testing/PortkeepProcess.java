package dev.portkeep.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * portkeep as users run it: the jar the build made ({@code target/portkeep.jar}) with the JVM flags
 * of the {@code portkeep} launcher (read from the script, which owns them), in a process of its
 * own, so what it holds (heap, file descriptors, threads) can be measured from outside without the
 * test's own objects counting. The launcher's start-up cache is left out: it changes how fast the
 * JVM starts, not what the tunnel holds, and making it costs a training run per build. Every line
 * the process prints is kept with the time it arrived.
 */
public final class PortkeepProcess implements AutoCloseable {
  private static final Path LAUNCHER = Path.of("portkeep").toAbsolutePath();
  private static final Path JAR = Path.of("target", "portkeep.jar").toAbsolutePath();
  private static final Path JAVA = Path.of(System.getProperty("java.home"), "bin", "java");
  private static final Path JCMD = Path.of(System.getProperty("java.home"), "bin", "jcmd");
  private static final Pattern FORWARDING = Pattern.compile("^forwarding \\S+:(\\d+) -> ");
  private static final Pattern HISTOGRAM_TOTAL = Pattern.compile("^Total\\s+\\d+\\s+(\\d+)\\s*$");

  /** One line of output and when it arrived ({@link System#nanoTime()}). */
  public record Line(long nanoTime, String text) {}

  private final Process process;
  private final Path home;
  private final List<Line> out = new CopyOnWriteArrayList<>();
  private final List<Line> err = new CopyOnWriteArrayList<>();

  private PortkeepProcess(Process process, Path home) {
    this.process = process;
    this.home = home;
    read(process.getInputStream(), out, "out");
    read(process.getErrorStream(), err, "err");
  }

  /**
   * Runs {@code portkeep <args>} and waits until it printed its first {@code forwarding} line.
   * {@code javaOpts} come after the launcher's flags, so they win, as PORTKEEP_JAVA_OPTS do. Its
   * user.home is a temporary folder of its own, so no ~/.ssh of the machine's reaches the test.
   */
  public static PortkeepProcess start(List<String> args, String... javaOpts) {
    if (!Files.isRegularFile(JAR)) {
      throw new IllegalStateException(JAR + " is missing: integration tests run after mvn package");
    }
    Path home = TestFiles.tempDir("portkeep-home-");
    List<String> argv = new ArrayList<>(List.of(JAVA.toString()));
    argv.addAll(launcherFlags());
    argv.add("-Duser.home=" + home);
    argv.addAll(List.of(javaOpts));
    argv.addAll(List.of("-jar", JAR.toString()));
    argv.addAll(args);
    ProcessBuilder builder = new ProcessBuilder(argv).redirectInput(ProcessBuilder.Redirect.PIPE);
    builder.environment().put("HOME", home.toString());
    PortkeepProcess p;
    try {
      p = new PortkeepProcess(builder.start(), home);
    } catch (IOException e) {
      TestFiles.deleteTree(home);
      throw new UncheckedIOException("cannot run " + argv + ": " + e.getMessage(), e);
    }
    try {
      p.awaitOut(l -> l.startsWith("forwarding "), Duration.ofSeconds(60));
    } catch (RuntimeException | Error e) {
      p.close();
      throw e;
    }
    return p;
  }

  /** PORTKEEP_JVM_FLAGS of the launcher script, which only defines things when sourced. */
  private static List<String> launcherFlags() {
    return Command.run(
            Duration.ofSeconds(10),
            "/bin/bash",
            "-c",
            "source \"$1\" && printf '%s\\n' \"${PORTKEEP_JVM_FLAGS[@]}\"",
            "bash",
            LAUNCHER.toString())
        .orThrow()
        .stdout()
        .lines()
        .toList();
  }

  /** The arguments that reach {@code server} with its key and known_hosts, after {@code extra}. */
  public static List<String> args(SshTestServer server, int port, String... extra) {
    List<String> args = new ArrayList<>(List.of(extra));
    args.addAll(
        List.of(
            "-p",
            String.valueOf(port),
            "-i",
            server.clientKey().toString(),
            "-o",
            "UserKnownHostsFile=" + server.knownHostsFile(),
            "-o",
            "StrictHostKeyChecking=yes",
            "-o",
            "BatchMode=yes",
            "-F",
            "none",
            server.user() + "@" + server.host()));
    return args;
  }

  /** The pid of the JVM running portkeep. */
  public long pid() {
    return process.pid();
  }

  /** The port of the first {@code forwarding} line. */
  public int port() {
    return ports(1).getFirst();
  }

  /**
   * The ports of the first {@code n} {@code forwarding} lines (one per listener socket, in the
   * order of the forwards), waiting up to 10 s for them.
   */
  public List<Integer> ports(int n) {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (true) {
      List<Integer> ports = new ArrayList<>();
      for (Line l : out) {
        Matcher m = FORWARDING.matcher(l.text());
        if (m.find()) {
          ports.add(Integer.parseInt(m.group(1)));
        }
      }
      if (ports.size() >= n) {
        return ports.subList(0, n);
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("fewer than " + n + " forwarding lines; stdout:\n" + text(out));
      }
      ProcessTree.sleep(10);
    }
  }

  /** The first stdout line matching {@code wanted}, waiting up to {@code timeout} for it. */
  public Line awaitOut(Predicate<String> wanted, Duration timeout) {
    return await(out, l -> wanted.test(l.text()), timeout);
  }

  /** The first stderr line matching {@code wanted}, waiting up to {@code timeout} for it. */
  public Line awaitErr(Predicate<String> wanted, Duration timeout) {
    return await(err, l -> wanted.test(l.text()), timeout);
  }

  /**
   * The first stderr line that arrived after {@code since} ({@link System#nanoTime()}) and matches
   * {@code wanted}.
   */
  public Line awaitErrAfter(long since, Predicate<String> wanted, Duration timeout) {
    return await(err, l -> l.nanoTime() - since > 0 && wanted.test(l.text()), timeout);
  }

  /** All of stderr so far. */
  public String err() {
    return text(err);
  }

  /** Open file descriptors now ({@code /proc/<pid>/fd}). */
  public int openFds() {
    return count(Path.of("/proc", Long.toString(pid()), "fd"));
  }

  /**
   * What each open descriptor is ({@code socket:[inode]}, a path, {@code anon_inode:[eventpoll]}),
   * counted, for a failure message that says which kind was left open.
   */
  public java.util.Map<String, Long> openFdKinds() {
    Path dir = Path.of("/proc", Long.toString(pid()), "fd");
    try (Stream<Path> entries = Files.list(dir)) {
      return entries
          .map(
              fd -> {
                try {
                  return Files.readSymbolicLink(fd).toString().replaceAll("\\[\\d+]", "[n]");
                } catch (IOException e) {
                  return "gone";
                }
              })
          .collect(
              java.util.stream.Collectors.groupingBy(
                  kind -> kind, java.util.TreeMap::new, java.util.stream.Collectors.counting()));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + dir + ": " + e.getMessage(), e);
    }
  }

  /** Threads the kernel sees now ({@code /proc/<pid>/task}): platform threads, not virtual ones. */
  public int threads() {
    return count(Path.of("/proc", Long.toString(pid()), "task"));
  }

  /**
   * Bytes of live objects on the heap: {@code jcmd GC.class_histogram} runs a full collection and
   * then sums what survived, so nothing the process merely has not collected yet counts.
   */
  public long liveHeapBytes() {
    Command.Result r =
        Command.run(
                Duration.ofSeconds(60), JCMD.toString(), Long.toString(pid()), "GC.class_histogram")
            .orThrow();
    return r.stdout()
        .lines()
        .map(HISTOGRAM_TOTAL::matcher)
        .filter(Matcher::find)
        .map(m -> Long.parseLong(m.group(1)))
        .findFirst()
        .orElseThrow(() -> new IllegalStateException("no Total line from jcmd:\n" + r.stdout()));
  }

  /** SIGTERM, as Ctrl-C would; returns the exit code. */
  public int stop() {
    process.destroy();
    if (!ProcessTree.waitFor(process, Duration.ofSeconds(20))) {
      throw new AssertionError("portkeep did not exit within 20 s of SIGTERM; stderr:\n" + err());
    }
    return process.exitValue();
  }

  /** Kills the process if it still runs and deletes its home folder. */
  @Override
  public void close() {
    if (process.isAlive()) {
      process.destroyForcibly();
      ProcessTree.waitFor(process, Duration.ofSeconds(10));
    }
    TestFiles.deleteTree(home);
  }

  private Line await(List<Line> lines, Predicate<Line> wanted, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    boolean exited = false;
    while (true) {
      for (Line l : lines) {
        if (wanted.test(l)) {
          return l;
        }
      }
      if (exited || System.nanoTime() - deadline > 0) {
        throw new AssertionError(
            "no such line from portkeep within "
                + timeout.toMillis()
                + " ms (running: "
                + process.isAlive()
                + ")\nstdout:\n"
                + text(out)
                + "\nstderr:\n"
                + text(err));
      }
      // After an exit, one more look: the readers take the last lines a moment later.
      exited = !process.isAlive();
      ProcessTree.sleep(exited ? 200 : 10);
    }
  }

  private static void read(InputStream in, List<Line> into, String name) {
    Thread.ofPlatform()
        .daemon()
        .name("portkeep-" + name)
        .start(
            () -> {
              try (BufferedReader r =
                  new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                  into.add(new Line(System.nanoTime(), line));
                }
              } catch (IOException ignored) {
                // the process ended
              }
            });
  }

  private static String text(List<Line> lines) {
    return String.join("\n", lines.stream().map(Line::text).toList());
  }

  private static int count(Path dir) {
    try (Stream<Path> entries = Files.list(dir)) {
      return (int) entries.count();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + dir + ": " + e.getMessage(), e);
    }
  }
}
