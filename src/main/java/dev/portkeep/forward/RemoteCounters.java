package dev.portkeep.forward;

import dev.portkeep.config.ForwardSpec;
import dev.portkeep.status.ChannelFailure;
import dev.portkeep.status.ForwardCounters;
import dev.portkeep.status.TunnelEvents;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.HashSet;
import java.util.Set;

/**
 * One {@code -R} forward's connections, as its SSH session reports them: each told to the tunnel's
 * events as a local forward's are (opened, closed with its bytes, refused by the target), and the
 * bytes of the ended and the open ones added up for the status.
 */
public final class RemoteCounters implements RemoteTraffic {
  private final ForwardSpec.Remote spec;
  private final TunnelEvents events;
  private final Set<Moved> open = new HashSet<>();
  private long endedUp;
  private long endedDown;

  public RemoteCounters(ForwardSpec.Remote spec, TunnelEvents events) {
    this.spec = spec;
    this.events = events;
  }

  @Override
  public void opened(InetSocketAddress originator, Moved moved) {
    synchronized (this) {
      open.add(moved);
    }
    events.connectionOpened(spec, originator);
  }

  @Override
  public void closed(InetSocketAddress originator, Moved moved) {
    long up = moved.up();
    long down = moved.down();
    synchronized (this) {
      if (!open.remove(moved)) {
        return;
      }
      endedUp += up;
      endedDown += down;
    }
    events.connectionClosed(spec, originator, up, down);
  }

  @Override
  public void refused(InetSocketAddress originator, IOException cause) {
    events.channelRefused(spec, originator, ChannelFailure.CONNECT_FAILED, cause);
  }

  /**
   * Bytes moved so far, the open connections' included; taken under one lock with the ending ones,
   * so that the totals never go down.
   */
  public synchronized ForwardCounters bytes() {
    long up = endedUp;
    long down = endedDown;
    for (Moved m : open) {
      up += m.up();
      down += m.down();
    }
    return new ForwardCounters(up, down);
  }
}
