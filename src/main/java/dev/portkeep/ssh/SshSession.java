package dev.portkeep.ssh;

import dev.portkeep.config.Endpoint;
import dev.portkeep.config.KeepAlive;
import dev.portkeep.forward.ChannelOpenFailure;
import dev.portkeep.forward.ChannelOpener;
import dev.portkeep.forward.Conduit;
import dev.portkeep.forward.RemoteForwardRequester;
import dev.portkeep.forward.RemoteTraffic;
import dev.portkeep.ssh.io.EventLoop;
import dev.portkeep.status.ChannelFailure;
import dev.portkeep.status.LossReason;
import dev.portkeep.status.SessionInfo;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.IntFunction;
import javax.crypto.AEADBadTagException;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.AttributeRepository;
import org.apache.sshd.common.SshConstants;
import org.apache.sshd.common.SshException;
import org.apache.sshd.common.channel.exception.SshChannelOpenException;
import org.apache.sshd.common.session.ConnectionService;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.session.SessionListener;
import org.apache.sshd.common.session.helpers.AbstractConnectionService;
import org.apache.sshd.common.util.net.SshdSocketAddress;

/** An authenticated SSH session that opens channels for the forwarders. Closing ends it. */
public final class SshSession implements ChannelOpener, RemoteForwardRequester, AutoCloseable {
  private static final Duration OPEN_TIMEOUT = Duration.ofSeconds(30);

  /**
   * How long a channel open may wait for the server's answer; {@link #OPEN_TIMEOUT} but in tests.
   */
  private volatile Duration openTimeout = OPEN_TIMEOUT;

  /**
   * The session's {@code -R} listeners by the port the server bound, for {@link
   * CountedForwardedChannel} to find its own.
   */
  static final AttributeRepository.AttributeKey<IntFunction<RemoteTraffic>> REMOTE_TRAFFIC =
      new AttributeRepository.AttributeKey<>();

  private final List<AutoCloseable> chain;
  private final ClientSession session;
  private final Map<Integer, RemoteTraffic> remoteTraffic = new ConcurrentHashMap<>();
  private final AtomicReference<LossReason> firstTrouble = new AtomicReference<>();

  /**
   * {@code chain} holds every client, bridge and hop session of the route, closed in reverse;
   * {@code keepAlive} bounds how long a key exchange may go unanswered ({@link KexWatch}).
   */
  SshSession(List<AutoCloseable> chain, ClientSession session, KeepAlive keepAlive) {
    this.chain = List.copyOf(chain);
    this.session = session;
    session.setAttribute(
        REMOTE_TRAFFIC, port -> remoteTraffic.getOrDefault(port, RemoteTraffic.NONE));
    KexWatch.attach(
        session,
        keepAlive,
        budget -> {
          firstTrouble.compareAndSet(
              null,
              new LossReason(
                  LossReason.Kind.KEEPALIVE_TIMEOUT,
                  "no answer to a key exchange within " + budget.toSeconds() + " s"));
          session.close(true);
        });
    session.addSessionListener(
        new SessionListener() {
          @Override
          public void sessionException(Session s, Throwable t) {
            firstTrouble.compareAndSet(null, classify(t));
          }

          @Override
          public void sessionDisconnect(
              Session s, int reason, String msg, String language, boolean initiator) {
            LossReason.Kind kind =
                initiator
                    ? reason == SshConstants.SSH2_DISCONNECT_MAC_ERROR
                        ? LossReason.Kind.CORRUPTED
                        : LossReason.Kind.ERROR
                    : LossReason.Kind.SERVER_DISCONNECTED;
            firstTrouble.compareAndSet(null, new LossReason(kind, msg == null ? "" : msg));
          }
        });
  }

  /**
   * What MINA reported, in portkeep's terms. This is the one place that reads MINA's exceptions to
   * tell a keepalive timeout (MINA says so only in its message) and a damaged packet (a MAC error
   * code, or the cipher's failed tag) from a broken connection.
   */
  static LossReason classify(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof AEADBadTagException
          || (c instanceof SshException ssh
              && ssh.getDisconnectCode() == SshConstants.SSH2_DISCONNECT_MAC_ERROR)) {
        return new LossReason(LossReason.Kind.CORRUPTED, String.valueOf(c.getMessage()));
      }
      if (c instanceof SshException && String.valueOf(c.getMessage()).contains("without reply")) {
        return new LossReason(LossReason.Kind.KEEPALIVE_TIMEOUT, c.getMessage());
      }
    }
    String detail = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    return t instanceof SshException
        ? new LossReason(LossReason.Kind.ERROR, detail)
        : new LossReason(LossReason.Kind.CONNECTION_CLOSED, detail);
  }

  @Override
  public Conduit open(Endpoint target, InetSocketAddress originator) throws IOException {
    ForwardingChannel channel = register(target, originator);
    try {
      channel.open().verify(openTimeout);
      return new DirectChannel(channel);
    } catch (IOException e) {
      channel.close(true);
      throw failure(e);
    }
  }

  /**
   * Opens the channel without waiting: the future completes on the session's I/O thread when the
   * server answers, or fails after the open timeout ({@link #OPEN_TIMEOUT}), with what {@link
   * #open} would throw.
   */
  @Override
  public CompletableFuture<Conduit> openNow(Endpoint target, InetSocketAddress originator) {
    ForwardingChannel channel;
    try {
      channel = register(target, originator);
    } catch (IOException e) {
      return CompletableFuture.failedFuture(e);
    }
    CompletableFuture<Conduit> opened = new CompletableFuture<>();
    try {
      channel
          .open()
          .addListener(
              f -> {
                Throwable failed = f.getException();
                if (f.isOpened()) {
                  opened.complete(new DirectChannel(channel));
                } else {
                  opened.completeExceptionally(
                      failure(
                          failed != null ? failed : new IOException("the channel did not open")));
                }
              });
    } catch (IOException e) {
      opened.completeExceptionally(failure(e));
    }
    Runnable cancelTimeout = timeOut(opened);
    CompletableFuture<Conduit> answered = new CompletableFuture<>();
    var unused =
        opened.whenComplete(
            (conduit, e) -> {
              cancelTimeout.run();
              if (e == null) {
                answered.complete(conduit);
                return;
              }
              channel.close(true);
              answered.completeExceptionally(
                  e instanceof TimeoutException
                      ? new SocketTimeoutException(
                          "no answer to the channel open within " + openTimeout.toSeconds() + " s")
                      : e);
            });
    return answered;
  }

  /**
   * Fails {@code opened} with a TimeoutException unless the server answers within the open timeout:
   * on the session's event loop when it has one, which costs a connection no hand-off to another
   * thread. Returns what to run once {@code opened} is complete, which cancels that timer.
   */
  private Runnable timeOut(CompletableFuture<Conduit> opened) {
    Duration limit = openTimeout;
    EventLoop loop = EventLoop.of(session.getIoSession());
    if (loop == null) {
      var unused = opened.orTimeout(limit.toMillis(), TimeUnit.MILLISECONDS);
      return () -> {};
    }
    EventLoop.Timer timer =
        loop.schedule(limit.toNanos(), () -> opened.completeExceptionally(new TimeoutException()));
    return timer::cancel;
  }

  /** The channels the session still holds, open or closing; 0 once every one has closed. */
  int channelCount() {
    return session.getService(AbstractConnectionService.class).getChannels().size();
  }

  /** Shortens the channel-open timeout, so a test need not wait {@link #OPEN_TIMEOUT}. */
  void openTimeout(Duration limit) {
    openTimeout = limit;
  }

  private ForwardingChannel register(Endpoint target, InetSocketAddress originator)
      throws IOException {
    ForwardingChannel channel =
        new ForwardingChannel(
            new SshdSocketAddress(originator), new SshdSocketAddress(target.host(), target.port()));
    try {
      session.getService(ConnectionService.class).registerChannel(channel);
    } catch (IllegalStateException closing) {
      // MINA refuses new channels this way on a session that is closing.
      throw new IOException("the session is closing: " + closing.getMessage(), closing);
    }
    return channel;
  }

  /** What a failed open is reported as: the server's refusal with its reason, or the I/O error. */
  private static IOException failure(Throwable e) {
    SshChannelOpenException refused = find(e, SshChannelOpenException.class);
    if (refused != null) {
      return new ChannelOpenFailure(
          ChannelFailure.ofCode(refused.getReasonCode()), refused.getMessage());
    }
    return e instanceof IOException io ? io : new IOException(e);
  }

  private static <T extends Throwable> T find(Throwable e, Class<T> type) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (type.isInstance(t)) {
        return type.cast(t);
      }
    }
    return null;
  }

  @Override
  public boolean isOpen() {
    return session.isOpen() && !session.isClosing();
  }

  /** Runs {@code action} once the session has closed, for any reason, with the reason. */
  public void onClosed(Consumer<LossReason> action) {
    session.addCloseFutureListener(future -> action.accept(lossReason()));
  }

  /** Why the session ended, as far as the SSH layer said; a plain close when it said nothing. */
  LossReason lossReason() {
    LossReason known = firstTrouble.get();
    return known != null ? known : new LossReason(LossReason.Kind.CONNECTION_CLOSED, "");
  }

  /** The server's version and the negotiated cipher, for status. */
  public SessionInfo info() {
    return new SessionInfo(serverVersion(), cipher());
  }

  /**
   * The server's identification string, such as {@code SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u10}.
   */
  public String serverVersion() {
    return session.getServerVersion();
  }

  /** The negotiated cipher for server-to-client traffic, e.g. {@code aes128-gcm@openssh.com}. */
  public String cipher() {
    return String.valueOf(
        session.getNegotiatedKexParameter(org.apache.sshd.common.kex.KexProposalOption.S2CENC));
  }

  /**
   * Asks the server to listen on {@code bind:port} and send connections back for {@code target}
   * (MINA then connects to the target for each). Returns the port the server bound, the one it
   * chose when {@code port} is 0. {@code traffic} hears of every connection through it; with port
   * 0, one the server sends before its answer to the request has arrived is served, but not
   * counted, since the port is not known until then.
   */
  @Override
  public int requestRemoteForward(String bind, int port, Endpoint target, RemoteTraffic traffic)
      throws IOException {
    if (port != 0) {
      remoteTraffic.put(port, traffic);
    }
    SshdSocketAddress bound;
    try {
      bound =
          session.startRemotePortForwarding(
              new SshdSocketAddress(bind, port),
              new SshdSocketAddress(target.host(), target.port()));
    } catch (IOException refused) {
      remoteTraffic.remove(port, traffic);
      throw refused;
    }
    remoteTraffic.put(bound.getPort(), traffic);
    return bound.getPort();
  }

  /**
   * Severs the connection at once, as a network failure would; for reconnect tests and shutdown.
   */
  public void abort() {
    session.close(true);
  }

  @Override
  public void close() {
    try {
      session.close(false).await(Duration.ofSeconds(2));
    } catch (IOException e) {
      if (e instanceof InterruptedIOException) {
        Thread.currentThread().interrupt();
      }
    } finally {
      for (AutoCloseable c : chain.reversed()) {
        try {
          c.close();
        } catch (Exception ignored) {
          // Closing down; nothing more to do for this part of the route.
        }
      }
    }
  }
}
