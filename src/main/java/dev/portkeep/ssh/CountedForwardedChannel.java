package dev.portkeep.ssh;

import dev.portkeep.forward.RemoteTraffic;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;
import org.apache.sshd.client.future.OpenFuture;
import org.apache.sshd.common.channel.Channel;
import org.apache.sshd.common.channel.RemoteWindow;
import org.apache.sshd.common.io.IoSession;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.common.util.net.SshdSocketAddress;
import org.apache.sshd.server.forward.TcpForwardingFilter;
import org.apache.sshd.server.forward.TcpipServerChannel;
import org.jspecify.annotations.Nullable;

/**
 * A connection the server sends back for a {@code -R} forward ({@code forwarded-tcpip}), served by
 * MINA's channel and told to the forward's {@link RemoteTraffic}: opened, refused by the target,
 * and closed with the bytes it moved.
 *
 * <p>Bytes to the target ({@code up}, as for a local forward: from the client to the target) are
 * counted as MINA writes them. Bytes from the target go through a handler of MINA's that has no
 * hook, so they are read off the flow control instead: each byte sent takes one from the server's
 * window, so what was sent is the window the server granted at the open, plus every WINDOW_ADJUST
 * since, less what is left of it.
 */
final class CountedForwardedChannel extends TcpipServerChannel implements RemoteTraffic.Moved {
  /** Makes the counted channels in place of MINA's {@code ForwardedTcpipFactory}. */
  static final class Factory extends TcpipServerChannel.TcpipFactory {
    Factory() {
      super(TcpForwardingFilter.Type.Forwarded);
    }

    @Override
    public Channel createChannel(Session session) {
      return new CountedForwardedChannel();
    }
  }

  private final AtomicLong up = new AtomicLong();

  /** WINDOW_ADJUST grants counted so far; each is counted only once the window has grown by it. */
  private final AtomicLong adjusted = new AtomicLong();

  /**
   * The most {@link #down()} has said, so that it never goes down while a grant is half counted.
   */
  private final AtomicLong downSaid = new AtomicLong();

  private volatile @Nullable RemoteTraffic traffic;

  private CountedForwardedChannel() {
    super(TcpForwardingFilter.Type.Forwarded, null); // as MINA's factory: no executor
  }

  /** The forward's listener, found by the server port the connection came in on. */
  private RemoteTraffic traffic() {
    RemoteTraffic t = traffic;
    if (t == null) {
      SshdSocketAddress entrance = getTunnelEntrance();
      IntFunction<RemoteTraffic> byPort = getSession().getAttribute(SshSession.REMOTE_TRAFFIC);
      t =
          entrance == null || byPort == null
              ? RemoteTraffic.NONE
              : byPort.apply(entrance.getPort());
      traffic = t;
    }
    return t;
  }

  private InetSocketAddress originator() {
    SshdSocketAddress o = getOriginatorAddress();
    return o == null
        ? InetSocketAddress.createUnresolved("?", 0)
        : InetSocketAddress.createUnresolved(o.getHostName(), o.getPort());
  }

  @Override
  protected void handleChannelOpenSuccess(OpenFuture f, IoSession session) {
    super.handleChannelOpenSuccess(f, session);
    if (f.isOpened()) {
      InetSocketAddress from = originator();
      traffic().opened(from, this);
      addCloseFutureListener(closed -> traffic().closed(from, this));
    }
  }

  @Override
  protected void handleChannelOpenFailure(OpenFuture f, Throwable problem) {
    traffic()
        .refused(originator(), problem instanceof IOException io ? io : new IOException(problem));
    super.handleChannelOpenFailure(f, problem);
  }

  @Override
  protected void doWriteData(byte[] data, int off, long len) throws IOException {
    super.doWriteData(data, off, len);
    up.addAndGet(len);
  }

  @Override
  public void handleWindowAdjust(Buffer buffer) throws IOException {
    long granted = buffer.rawUInt(buffer.rpos());
    super.handleWindowAdjust(buffer);
    adjusted.addAndGet(granted);
  }

  /** Bytes from the server's side to the target, counted as written. */
  @Override
  public long up() {
    return up.get();
  }

  /**
   * Bytes from the target, sent to the server. Between the window growing and the grant being
   * counted the sum reads low, never high, so the largest value read so far is the true one or
   * behind it.
   */
  @Override
  public long down() {
    RemoteWindow window = getRemoteWindow();
    long sent = window.getMaxSize() + adjusted.get() - window.getSize();
    return downSaid.accumulateAndGet(sent, Math::max);
  }
}
