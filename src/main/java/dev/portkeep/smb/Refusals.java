package dev.portkeep.smb;

import dev.portkeep.config.ForwardSpec;
import dev.portkeep.status.ChannelFailure;
import dev.portkeep.status.TunnelEvents;
import java.io.IOException;
import java.net.InetSocketAddress;
import org.jspecify.annotations.Nullable;

/** Remembers the last channel refusal of a tunnel, so a failed probe can say why. */
public final class Refusals implements TunnelEvents {
  private record Last(ChannelFailure reason, IOException cause) {}

  private volatile @Nullable Last last;

  @Override
  public void channelRefused(
      ForwardSpec forward, InetSocketAddress client, ChannelFailure reason, IOException cause) {
    last = new Last(reason, cause);
  }

  /** The reason of the last refusal, or null when there was none. */
  public @Nullable ChannelFailure reason() {
    Last l = last;
    return l == null ? null : l.reason();
  }

  /** The failure behind the last refusal, or null. */
  public @Nullable IOException cause() {
    Last l = last;
    return l == null ? null : l.cause();
  }
}
