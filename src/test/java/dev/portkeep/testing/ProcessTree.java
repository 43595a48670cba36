package dev.portkeep.testing;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads process trees and listening sockets from /proc and signals whole trees, as a crash would.
 */
public final class ProcessTree {
  private ProcessTree() {}

  /**
   * Every live descendant of {@code pid} (children, grandchildren, ...), parents before children.
   */
  public static List<Long> descendants(long pid) {
    Map<Long, List<Long>> children = new HashMap<>();
    parents()
        .forEach(
            (child, parent) -> children.computeIfAbsent(parent, k -> new ArrayList<>()).add(child));
    List<Long> found = new ArrayList<>();
    ArrayDeque<Long> queue = new ArrayDeque<>(List.of(pid));
    while (!queue.isEmpty()) {
      for (long child : children.getOrDefault(queue.poll(), List.of())) {
        found.add(child);
        queue.add(child);
      }
    }
    return found;
  }

  /**
   * Whether {@code pid} exists and is neither a zombie nor dead (a zombie holds no sockets any
   * more).
   */
  public static boolean isAlive(long pid) {
    return state(pid).map(s -> s != 'Z' && s != 'X').orElse(false);
  }

  /**
   * SIGKILLs {@code pid} and all its descendants, first freezing the tree with SIGSTOP so nothing
   * can fork away while it is walked. Returns the pids signalled, root first.
   */
  public static List<Long> killTree(long pid) {
    Set<Long> tree = new LinkedHashSet<>(List.of(pid));
    signal("STOP", tree);
    while (true) {
      List<Long> now = descendants(pid);
      if (tree.containsAll(now)) {
        break;
      }
      signal("STOP", now);
      tree.addAll(now);
    }
    tree.forEach(p -> ProcessHandle.of(p).ifPresent(ProcessHandle::destroyForcibly));
    return List.copyOf(tree);
  }

  /**
   * SIGTERMs {@code pid} and its descendants, waits up to {@code grace}, then SIGKILLs what is
   * left.
   */
  public static List<Long> terminateTree(long pid, Duration grace) {
    List<Long> tree = new ArrayList<>(List.of(pid));
    tree.addAll(descendants(pid));
    tree.forEach(p -> ProcessHandle.of(p).ifPresent(ProcessHandle::destroy));
    if (!awaitDeath(tree, grace)) {
      tree.stream().filter(ProcessTree::isAlive).forEach(ProcessTree::killTree);
    }
    return tree;
  }

  /** Waits until none of {@code pids} is alive; false if some still are after {@code timeout}. */
  public static boolean awaitDeath(Collection<Long> pids, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (pids.stream().anyMatch(ProcessTree::isAlive)) {
      if (System.nanoTime() > deadline) {
        return false;
      }
      sleep(20);
    }
    return true;
  }

  /** Whether process {@code pid} holds a TCP socket listening on {@code port} (IPv4 or IPv6). */
  public static boolean listensOn(long pid, int port) {
    Set<String> inodes = new HashSet<>();
    // The process's own view, so a server inside another network namespace is found too.
    for (String table : List.of("tcp", "tcp6")) {
      for (String line : readLines(Path.of("/proc", Long.toString(pid), "net", table))) {
        String[] f = line.trim().split("\\s+");
        if (f.length > 9 && f[3].equals("0A") && f[1].endsWith(String.format(":%04X", port))) {
          inodes.add("socket:[" + f[9] + "]");
        }
      }
    }
    if (inodes.isEmpty()) {
      return false;
    }
    try (DirectoryStream<Path> fds =
        Files.newDirectoryStream(Path.of("/proc", Long.toString(pid), "fd"))) {
      for (Path fd : fds) {
        if (inodes.contains(readLink(fd))) {
          return true;
        }
      }
    } catch (IOException e) {
      return false; // the process is gone
    }
    return false;
  }

  private static Map<Long, Long> parents() {
    Map<Long, Long> parents = new HashMap<>();
    try (DirectoryStream<Path> proc = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
      for (Path dir : proc) {
        stat(Long.parseLong(dir.getFileName().toString()))
            .filter(f -> f[0].charAt(0) != 'Z' && f[0].charAt(0) != 'X')
            .ifPresent(
                f ->
                    parents.put(
                        Long.parseLong(dir.getFileName().toString()), Long.parseLong(f[1])));
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot list /proc: " + e.getMessage(), e);
    }
    return parents;
  }

  private static Optional<Character> state(long pid) {
    return stat(pid).map(f -> f[0].charAt(0));
  }

  /**
   * The fields of /proc/pid/stat after "(comm)": state, ppid, ...; empty if the process is gone.
   */
  private static Optional<String[]> stat(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      return Optional.of(stat.substring(stat.lastIndexOf(')') + 2).split(" "));
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  /**
   * Sends {@code signal} (a name such as {@code STOP} or {@code CONT}) to each of {@code pids}; one
   * that has gone already is skipped.
   */
  public static void signal(String signal, Collection<Long> pids) {
    if (pids.isEmpty()) {
      return;
    }
    List<String> argv = new ArrayList<>(List.of("/usr/bin/kill", "-s", signal));
    pids.forEach(p -> argv.add(Long.toString(p)));
    Command.run(Duration.ofSeconds(10), argv); // non-zero when one of them has already gone
  }

  private static List<String> readLines(Path file) {
    try {
      return Files.readAllLines(file);
    } catch (IOException e) {
      return List.of();
    }
  }

  private static String readLink(Path link) {
    try {
      return Files.readSymbolicLink(link).toString();
    } catch (IOException e) {
      return "";
    }
  }

  /**
   * Waits up to {@code timeout} for {@code process} to exit; false if it is still running (or
   * interrupted).
   */
  public static boolean waitFor(Process process, Duration timeout) {
    try {
      return process.waitFor(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
