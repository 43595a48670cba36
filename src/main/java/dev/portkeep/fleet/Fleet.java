package dev.portkeep.fleet;

import dev.portkeep.bind.Listeners;
import dev.portkeep.error.PortkeepException;
import dev.portkeep.error.UsageException;
import dev.portkeep.status.StateChange;
import dev.portkeep.status.TunnelEvents;
import dev.portkeep.status.TunnelObserver;
import dev.portkeep.status.TunnelSnapshot;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The named tunnels of one {@code portkeep up}, each started, stopped and restarted on its own, and
 * a reload that touches only what changed. Operations on one tunnel never wait for another's.
 */
public final class Fleet implements AutoCloseable {
  /** Open connections of a stopped tunnel get this long to finish. */
  public static final Duration CLOSE_GRACE = Duration.ofSeconds(2);

  /**
   * What a reload did, by tunnel name; {@code kept} are the unchanged tunnels whose settings
   * outside the tunnels file (the ssh_config) cannot be read now, left running as they were.
   */
  public record ReloadResult(
      List<String> added,
      List<String> removed,
      List<String> changed,
      List<String> unchanged,
      List<Kept> kept) {}

  /** A running tunnel a reload left as it was, though a start now would fail with {@code why}. */
  public record Kept(String tunnel, PortkeepException why) {}

  private final Clock clock;
  private final Consumer<StateChange> changes;
  private final BiConsumer<String, StateChange> runHook;
  private final Function<String, TunnelEvents> extra;
  private final Supplier<Listeners> listeners;
  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(
          r -> Thread.ofPlatform().daemon().name("pk-fleet").unstarted(r));
  private final Map<String, ManagedTunnel> tunnels = new LinkedHashMap<>();

  /** Each tunnel's hook, read without the fleet's lock by whoever reports a state change. */
  private final Map<String, String> hooks = new ConcurrentHashMap<>();

  /**
   * {@code changes} hears every tunnel's state changes (the log); {@code runHook} is handed a
   * tunnel's {@code on_change} command with each of its changes; {@code extra} gives, for a
   * tunnel's name, what else hears its events besides its status (log lines, metrics).
   */
  public Fleet(
      Clock clock,
      Consumer<StateChange> changes,
      BiConsumer<String, StateChange> runHook,
      Function<String, TunnelEvents> extra,
      Supplier<Listeners> listeners) {
    this.clock = clock;
    this.changes = changes;
    this.runHook = runHook;
    this.extra = extra;
    this.listeners = listeners;
  }

  /**
   * Adds the tunnels and starts {@code selected} (all enabled ones when it is empty): each binds
   * its listeners in turn, then they all connect at once.
   */
  public void load(List<Definition> definitions, Set<String> selected) {
    add(definitions);
    startSelected(selected);
  }

  /** Registers the tunnels, stopped, so that status lists them before any has started. */
  public synchronized void add(List<Definition> definitions) {
    for (Definition d : definitions) {
      tunnels.put(d.name(), managed(d));
      d.onChange().ifPresent(hook -> hooks.put(d.name(), hook));
    }
  }

  /** Starts {@code selected} of the added tunnels, or every enabled one when it is empty. */
  public synchronized void startSelected(Set<String> selected) {
    for (ManagedTunnel t : tunnels.values()) {
      if (selected.isEmpty() ? t.definition().enabled() : selected.contains(t.name())) {
        t.start();
      }
    }
  }

  private ManagedTunnel managed(Definition d) {
    TunnelObserver observer = new TunnelObserver(d.name(), clock, this::changed);
    return new ManagedTunnel(d, observer, extra.apply(d.name()), listeners, timer);
  }

  /** Starts these tunnels (all when empty); unknown names are refused before anything starts. */
  public void start(List<String> names) {
    pick(names, true).forEach(ManagedTunnel::start);
  }

  public void stop(List<String> names) {
    pick(names, false).forEach(t -> t.stop(CLOSE_GRACE, "stopped by the user"));
  }

  public void restart(List<String> names) {
    for (ManagedTunnel t : pick(names, false)) {
      t.stop(CLOSE_GRACE, "restarting");
      t.start();
    }
  }

  /** The names given that no tunnel has. */
  public synchronized List<String> unknown(List<String> names) {
    return names.stream().filter(n -> find(n) == null).toList();
  }

  /** The tunnel of this name, compared without case as the tunnels file does; null if none. */
  private ManagedTunnel find(String name) {
    return tunnels.values().stream()
        .filter(t -> t.name().equalsIgnoreCase(name))
        .findFirst()
        .orElse(null);
  }

  /** Every tunnel's name, in the file's order. */
  public synchronized List<String> names() {
    return List.copyOf(tunnels.keySet());
  }

  /** The tunnels these names mean: all (the enabled ones for start) when none are given. */
  private synchronized List<ManagedTunnel> pick(List<String> names, boolean enabledOnly) {
    if (names.isEmpty()) {
      return tunnels.values().stream()
          .filter(t -> !enabledOnly || t.definition().enabled())
          .toList();
    }
    List<ManagedTunnel> picked = new ArrayList<>();
    for (String name : names) {
      ManagedTunnel t = find(name);
      if (t == null) {
        throw new UsageException(
            "no tunnel named '" + name + "'",
            "the tunnels are " + String.join(", ", tunnels.keySet()) + " (portkeep status)");
      }
      picked.add(t);
    }
    return picked;
  }

  /**
   * Applies a new set of definitions: new tunnels start (when enabled), removed ones stop, changed
   * ones restart (or only take the new definition when stopped); unchanged ones are not touched,
   * their sessions, listeners and connections go on.
   */
  public synchronized ReloadResult reload(List<Definition> definitions) {
    Map<String, Definition> next = new LinkedHashMap<>();
    definitions.forEach(d -> next.put(d.name(), d));
    List<String> added = new ArrayList<>();
    List<String> removed = new ArrayList<>();
    List<String> changed = new ArrayList<>();
    List<String> unchanged = new ArrayList<>();
    List<Kept> kept = new ArrayList<>();
    for (String name : List.copyOf(tunnels.keySet())) {
      if (!next.containsKey(name)) {
        tunnels.remove(name).stop(CLOSE_GRACE, "removed from the tunnels file");
        removed.add(name);
      }
    }
    Map<String, ManagedTunnel> ordered = new LinkedHashMap<>();
    for (Definition d : definitions) {
      ManagedTunnel t = tunnels.get(d.name());
      if (t == null) {
        t = managed(d);
        added.add(d.name());
        ordered.put(d.name(), t);
        if (d.enabled()) {
          t.start();
        }
        continue;
      }
      ordered.put(d.name(), t);
      String why = "changed in the tunnels file";
      if (t.definition().identity().equals(d.identity())) {
        if (!t.planChanged(d, e -> kept.add(new Kept(d.name(), e)))) {
          unchanged.add(d.name());
          continue;
        }
        why = "its settings from the ssh_config changed";
      }
      changed.add(d.name());
      boolean wasRunning = t.running();
      if (wasRunning) {
        t.stop(CLOSE_GRACE, why);
      }
      t.redefine(d);
      if (wasRunning || d.enabled()) {
        t.start();
      }
    }
    tunnels.clear();
    tunnels.putAll(ordered);
    hooks.clear();
    definitions.forEach(d -> d.onChange().ifPresent(hook -> hooks.put(d.name(), hook)));
    return new ReloadResult(added, removed, changed, unchanged, kept);
  }

  private void changed(StateChange change) {
    changes.accept(change);
    String hook = hooks.get(change.tunnel());
    if (hook != null) {
      runHook.accept(hook, change);
    }
  }

  /** Every tunnel's status, in the file's order. */
  public synchronized List<TunnelSnapshot> status() {
    return tunnels.values().stream().map(t -> t.observer().snapshot()).toList();
  }

  /** Stops every tunnel, each giving its connections {@code grace}, all at once. */
  public void close(Duration grace) {
    List<ManagedTunnel> all;
    synchronized (this) {
      all = List.copyOf(tunnels.values());
    }
    List<Thread> stopping = new ArrayList<>();
    for (ManagedTunnel t : all) {
      stopping.add(Thread.ofVirtual().start(() -> t.stop(grace, "portkeep up is stopping")));
    }
    for (Thread s : stopping) {
      try {
        s.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    timer.shutdownNow();
  }

  @Override
  public void close() {
    close(CLOSE_GRACE);
  }
}
