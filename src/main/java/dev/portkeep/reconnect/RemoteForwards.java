package dev.portkeep.reconnect;

import dev.portkeep.config.ForwardSpec;
import dev.portkeep.error.ListenException;
import dev.portkeep.forward.RemoteCounters;
import dev.portkeep.forward.RemoteForwardRequester;
import dev.portkeep.status.TunnelEvents;
import java.io.IOException;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The {@code -R} forwards of a tunnel. On the first session each is requested once (a refusal is
 * the caller's to judge); after every reconnect each is requested again until the server accepts,
 * at most once a second, since the server may still hold the port for the session that died. A
 * forward that got a server-chosen port asks for that same port again, so clients keep using it.
 */
public final class RemoteForwards {
  static final Duration MIN_RETRY = Duration.ofSeconds(1);

  private final List<ForwardSpec.Remote> specs;
  private final TunnelEvents events;
  private final Backoff backoff;
  private final Map<ForwardSpec.Remote, Integer> boundPorts = new ConcurrentHashMap<>();
  private final Map<ForwardSpec.Remote, RemoteCounters> counters = new LinkedHashMap<>();

  public RemoteForwards(List<ForwardSpec.Remote> specs, TunnelEvents events, Backoff backoff) {
    this.specs = List.copyOf(specs);
    this.events = events;
    this.backoff = backoff;
    for (ForwardSpec.Remote spec : this.specs) {
      counters.put(spec, new RemoteCounters(spec, events));
    }
  }

  /** Each forward's connections and bytes, over every session of the tunnel. */
  public Map<ForwardSpec.Remote, RemoteCounters> counters() {
    return Collections.unmodifiableMap(counters);
  }

  /** One forward as the server bound it. */
  public record Bound(ForwardSpec.Remote spec, int port) {
    public String listenText() {
      return spec.listenText(port);
    }
  }

  /**
   * Requests every forward once on the first session. A refusal becomes a ListenException naming
   * the forward when {@code failFast} (ExitOnForwardFailure); otherwise it is reported and retried
   * in the background like after a reconnect.
   */
  public List<Bound> establish(RemoteForwardRequester session, boolean failFast) {
    List<Bound> bound = new java.util.ArrayList<>();
    for (ForwardSpec.Remote spec : specs) {
      try {
        bound.add(request(session, spec));
      } catch (IOException e) {
        ListenException refused = refused(spec, e);
        if (failFast) {
          throw refused;
        }
        events.forwardFailed(spec, refused, MIN_RETRY);
        Thread.ofVirtual().name("pk-remote-" + spec.port()).start(() -> retry(session, spec));
      }
    }
    return bound;
  }

  private static ListenException refused(ForwardSpec.Remote spec, IOException e) {
    return new ListenException(
        "the server refused -R " + spec.spec() + ": " + describe(e),
        "the server may forbid it (AllowTcpForwarding, PermitListen, GatewayPorts for non-loopback"
            + " addresses) or another process there holds port "
            + spec.port(),
        "",
        e);
  }

  private Bound request(RemoteForwardRequester session, ForwardSpec.Remote spec)
      throws IOException {
    int wanted = boundPorts.getOrDefault(spec, spec.port());
    int port =
        session.requestRemoteForward(spec.bindAddress(), wanted, spec.target(), counters.get(spec));
    boundPorts.put(spec, port);
    Bound bound = new Bound(spec, port);
    events.forwardUp(spec, List.of(bound.listenText()));
    return bound;
  }

  /** After a reconnect: requests every forward again, each retried with backoff until it holds. */
  public void reestablish(RemoteForwardRequester session) {
    for (ForwardSpec.Remote spec : specs) {
      Thread.ofVirtual().name("pk-remote-" + spec.port()).start(() -> retry(session, spec));
    }
  }

  private void retry(RemoteForwardRequester session, ForwardSpec.Remote spec) {
    for (int attempt = 1; session.isOpen(); attempt++) {
      try {
        request(session, spec);
        return;
      } catch (IOException e) {
        Duration wait = backoff.delay(attempt, MIN_RETRY);
        ListenException refused = refused(spec, e);
        events.forwardFailed(
            spec,
            new ListenException(
                refused.getMessage() + " (attempt " + attempt + ")", refused.hint(), "", e),
            wait);
        try {
          Thread.sleep(wait);
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
  }

  private static String describe(IOException e) {
    String text = String.valueOf(e.getMessage());
    return text.contains("denied") ? "request denied" : text;
  }
}
