package dev.portkeep.ssh.io;

import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketAddress;
import java.net.SocketOption;
import java.net.StandardSocketOptions;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.Collections;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.sshd.common.AttributeRepository;
import org.apache.sshd.common.Closeable;
import org.apache.sshd.common.Property;
import org.apache.sshd.common.PropertyResolver;
import org.apache.sshd.common.io.DefaultIoConnectFuture;
import org.apache.sshd.common.io.IoConnectFuture;
import org.apache.sshd.common.io.IoConnector;
import org.apache.sshd.common.io.IoHandler;
import org.apache.sshd.common.io.IoServiceEventListener;
import org.apache.sshd.common.io.IoSession;
import org.apache.sshd.common.util.closeable.AbstractInnerCloseable;
import org.apache.sshd.core.CoreModuleProperties;
import org.jspecify.annotations.Nullable;

/**
 * Opens non-blocking sockets on its own {@link EventLoop} and makes each connected socket a {@link
 * LoopSession}. A loop per connector, so per client, as NIO2 gives each client its own threads:
 * MINA runs the host-key check and authentication on the I/O thread, and an agent waiting for
 * confirmation or a slow PasswordCommand must hold up only its own tunnel, never the others of a
 * {@code portkeep up} (a client holds one SSH session, and the {@code -R} connections it opens).
 * Socket options are MINA's, read from the client's properties as NIO2 reads them; the connect
 * gives up after {@code IO_CONNECT_TIMEOUT}.
 */
final class LoopConnector extends AbstractInnerCloseable implements IoConnector {
  /** Numbers the loop threads: pk-io-1, pk-io-2, ... */
  private static final AtomicLong LOOPS = new AtomicLong();

  private final PropertyResolver properties;
  private final IoHandler handler;
  private final Map<Long, IoSession> sessions = new ConcurrentHashMap<>();
  private volatile @Nullable IoServiceEventListener listener;
  private boolean noMoreSessions;
  private final EventLoop loop;

  LoopConnector(PropertyResolver properties, IoHandler handler) {
    this.properties = properties;
    this.handler = handler;
    this.loop = new EventLoop("pk-io-" + LOOPS.incrementAndGet());
  }

  @Override
  public IoConnectFuture connect(
      SocketAddress address,
      @Nullable AttributeRepository context,
      @Nullable SocketAddress localAddress) {
    DefaultIoConnectFuture future = new DefaultIoConnectFuture(address, null);
    SocketChannel channel = null;
    try {
      channel = SocketChannel.open();
      channel.configureBlocking(false);
      applyOptions(channel);
      if (localAddress != null) {
        channel.bind(localAddress);
      }
      Connect connect = new Connect(loop, channel, address, context, future);
      connect.loop.run(connect::start);
    } catch (IOException | RuntimeException e) {
      closeQuietly(channel);
      future.setException(e);
    }
    return future;
  }

  /** One connect under way, on its loop's thread from {@link #start} on. */
  private final class Connect implements EventLoop.Handler {
    final EventLoop loop;
    final SocketChannel channel;
    final SocketAddress address;
    final @Nullable AttributeRepository context;
    final DefaultIoConnectFuture future;
    EventLoop.@Nullable Timer timeout;

    Connect(
        EventLoop loop,
        SocketChannel channel,
        SocketAddress address,
        @Nullable AttributeRepository context,
        DefaultIoConnectFuture future) {
      this.loop = loop;
      this.channel = channel;
      this.address = address;
      this.context = context;
      this.future = future;
    }

    void start() {
      try {
        if (channel.connect(address)) {
          established(null);
          return;
        }
        SelectionKey key = channel.register(loop.selector(), SelectionKey.OP_CONNECT, this);
        Duration limit = CoreModuleProperties.IO_CONNECT_TIMEOUT.getRequired(properties);
        if (!limit.isZero() && !limit.isNegative()) {
          timeout =
              loop.schedule(
                  limit.toNanos(),
                  () ->
                      fail(
                          key,
                          new ConnectException(
                              "connect to "
                                  + address
                                  + " timed out after "
                                  + limit.toMillis()
                                  + " ms")));
        }
        future.addListener(
            f -> {
              if (f.isCanceled()) {
                loop.run(() -> fail(key, null));
              }
            });
      } catch (IOException | RuntimeException e) {
        fail(null, e);
      }
    }

    @Override
    public void ready(SelectionKey key) {
      try {
        if (channel.finishConnect()) {
          key.interestOps(0);
          established(key);
        }
      } catch (IOException | RuntimeException e) {
        fail(key, e);
      }
    }

    /** Gives up: closes the socket, and fails the future unless it was cancelled. */
    void fail(@Nullable SelectionKey key, @Nullable Throwable cause) {
      if (timeout != null) {
        timeout.cancel();
      }
      if (key != null) {
        key.cancel();
      }
      closeQuietly(channel);
      if (cause != null && !future.isDone()) {
        future.setException(cause);
      }
    }

    /** As NIO2's connector: the handler hears of the session before the future does. */
    private void established(@Nullable SelectionKey key) {
      if (timeout != null) {
        timeout.cancel();
      }
      LoopSession session = null;
      try {
        IoServiceEventListener l = listener;
        if (l != null) {
          l.connectionEstablished(
              LoopConnector.this, channel.getLocalAddress(), context, channel.getRemoteAddress());
        }
        int readSize = CoreModuleProperties.NIO2_READ_BUFFER_SIZE.getRequired(properties);
        session = new LoopSession(LoopConnector.this, handler, channel, loop, readSize);
        if (context != null) {
          session.setAttribute(AttributeRepository.class, context);
        }
        handler.sessionCreated(session);
        if (!map(session)) {
          session.close(true);
          fail(key, new IOException("the connector is closing"));
          return;
        }
        future.setSession(session);
        if (future.getSession() != session) {
          session.close(true); // cancelled meanwhile
          return;
        }
        if (session.isClosing()) {
          // Closed by its owner as soon as the future told it (a connector closing, say): that
          // close tells the handler, once; only the mapping may be left to undo.
          sessions.remove(session.getId());
          return;
        }
        session.register(key);
      } catch (Throwable t) {
        abort(key, session, t);
      }
    }

    private void abort(@Nullable SelectionKey key, @Nullable LoopSession session, Throwable t) {
      IoServiceEventListener l = listener;
      if (l != null) {
        try {
          l.abortEstablishedConnection(
              LoopConnector.this,
              channel.getLocalAddress(),
              context,
              channel.getRemoteAddress(),
              t);
        } catch (IOException | RuntimeException e) {
          log.debug("abortEstablishedConnection threw {}", e.toString());
        }
      }
      if (session != null) {
        session.close(true);
      }
      fail(key, t);
    }
  }

  private synchronized boolean map(LoopSession session) {
    if (noMoreSessions) {
      return false;
    }
    sessions.put(session.getId(), session);
    return true;
  }

  void sessionClosed(LoopSession session) {
    sessions.remove(session.getId());
  }

  @Override
  public Map<Long, IoSession> getManagedSessions() {
    return Collections.unmodifiableMap(sessions);
  }

  @Override
  public @Nullable IoServiceEventListener getIoServiceEventListener() {
    return listener;
  }

  @Override
  public void setIoServiceEventListener(@Nullable IoServiceEventListener listener) {
    this.listener = listener;
  }

  @Override
  protected Closeable getInnerCloseable() {
    synchronized (this) {
      noMoreSessions = true;
    }
    return builder()
        .parallel(toString(), sessions.values())
        .run(toString(), loop::shutdown)
        .build();
  }

  /** The options MINA's NIO2 connector sets, from the same properties, left alone when unset. */
  private void applyOptions(SocketChannel channel) throws IOException {
    set(channel, CoreModuleProperties.SOCKET_KEEPALIVE, StandardSocketOptions.SO_KEEPALIVE);
    set(channel, CoreModuleProperties.SOCKET_LINGER, StandardSocketOptions.SO_LINGER);
    set(channel, CoreModuleProperties.SOCKET_RCVBUF, StandardSocketOptions.SO_RCVBUF);
    set(channel, CoreModuleProperties.SOCKET_SNDBUF, StandardSocketOptions.SO_SNDBUF);
    set(channel, CoreModuleProperties.TCP_NODELAY, StandardSocketOptions.TCP_NODELAY);
    channel.setOption(
        StandardSocketOptions.SO_REUSEADDR,
        CoreModuleProperties.SOCKET_REUSEADDR.getOrCustomDefault(properties, true));
  }

  private <T> void set(SocketChannel channel, Property<T> property, SocketOption<T> option)
      throws IOException {
    T value = property.getOrNull(properties);
    if (value != null) {
      channel.setOption(option, value);
    }
  }

  private static void closeQuietly(@Nullable SocketChannel channel) {
    if (channel != null) {
      try {
        channel.close();
      } catch (IOException e) {
        // Giving up on this connect; its failure is what gets reported.
      }
    }
  }

  /** True while this connector's loop thread runs (until its close has ended it). */
  boolean loopAlive() {
    return loop.isAlive();
  }

  @Override
  public String toString() {
    return "LoopConnector[" + handler.getClass().getSimpleName() + "]";
  }
}
