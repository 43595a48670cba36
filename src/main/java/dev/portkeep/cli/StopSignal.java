package dev.portkeep.cli;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandleProxies;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.InvocationTargetException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The request to stop a running command: Ctrl-C, SIGTERM or SIGHUP in the real process, a method
 * call in tests. The first request wins. SIGHUP stops a command as it stops ssh (its terminal was
 * closed), except where one says otherwise: {@code portkeep up} reloads on it.
 */
public final class StopSignal {
  private final CompletableFuture<String> requested = new CompletableFuture<>();
  private volatile Runnable hangup = () -> request("SIGHUP");

  /** A stop signal fed by SIGINT, SIGTERM and SIGHUP. */
  static StopSignal fromOs() {
    StopSignal stop = new StopSignal();
    for (String name : new String[] {"INT", "TERM"}) {
      // Windows has no SIGTERM; Ctrl-C still arrives as INT.
      onSignal(name, () -> stop.request("SIG" + name));
    }
    onSignal("HUP", stop::hangup);
    return stop;
  }

  /** What SIGHUP does from now on instead of stopping (portkeep up: reload). */
  void onHangup(Runnable action) {
    hangup = action;
  }

  /** SIGHUP arrived, or a test says so. */
  public void hangup() {
    hangup.run();
  }

  /**
   * Runs {@code action} whenever the OS signal {@code name} arrives; false when this OS has no such
   * signal. The JDK has no public API for signals, so this is portkeep's one use of {@code sun.*}
   * ({@code sun.misc.Signal}, in the supported module jdk.unsupported). It is reached by reflection
   * because javac 21 to 25 with {@code --release} warns at every mention of a {@code sun.*} class,
   * no {@code @SuppressWarnings} silences that before JDK 26, and the build fails on any warning.
   */
  static boolean onSignal(String name, Runnable action) {
    try {
      Class<?> signal = Class.forName("sun.misc.Signal");
      Class<?> handler = Class.forName("sun.misc.SignalHandler");
      MethodHandle run =
          MethodHandles.publicLookup()
              .findVirtual(Runnable.class, "run", MethodType.methodType(void.class))
              .bindTo(action);
      Object onSignal =
          MethodHandleProxies.asInterfaceInstance(
              handler, MethodHandles.dropArguments(run, 0, signal));
      Object os = signal.getConstructor(String.class).newInstance(name);
      signal.getMethod("handle", signal, handler).invoke(null, os, onSignal);
      return true;
    } catch (InvocationTargetException e) {
      if (e.getCause() instanceof IllegalArgumentException) {
        return false; // unknown here, or reserved by the JVM
      }
      throw new IllegalStateException("cannot handle SIG" + name, e.getCause());
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(
          "this JDK has no sun.misc.Signal (module jdk.unsupported)", e);
    }
  }

  /** Completes with the reason when a stop is requested. */
  CompletableFuture<String> requested() {
    return requested;
  }

  public void request(String why) {
    requested.complete(why);
  }

  /** Waits up to {@code timeout}; returns the reason, or null when nothing was requested. */
  String await(Duration timeout) throws InterruptedException {
    try {
      return requested.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      return null;
    } catch (ExecutionException e) {
      throw new IllegalStateException(e);
    }
  }
}
