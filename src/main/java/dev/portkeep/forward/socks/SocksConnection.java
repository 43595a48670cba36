package dev.portkeep.forward.socks;

import dev.portkeep.config.ForwardSpec;
import dev.portkeep.forward.ChannelOpenFailure;
import dev.portkeep.forward.ChannelOpener;
import dev.portkeep.forward.Conduit;
import dev.portkeep.forward.Pump;
import dev.portkeep.forward.socks.SocksParser.Phase;
import dev.portkeep.forward.socks.SocksParser.Step;
import dev.portkeep.status.TunnelEvents;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.Arrays;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One SOCKS client, in order: read the handshake within the deadline, open the channel, reply,
 * pump. The caller closes the socket afterwards.
 */
final class SocksConnection {
  private static final Logger log = LoggerFactory.getLogger(SocksForwarder.class);

  /**
   * After a refusal, how long and how much to read before closing, so no RST overtakes the reply.
   */
  private static final Duration LINGER = Duration.ofSeconds(1);

  private static final int LINGER_BYTES = 64 * 1024;

  private final String spec;
  private final SocketChannel socket;
  private final ChannelOpener opener;
  private final ForwardSpec forward;
  private final TunnelEvents events;
  private final Duration handshakeTimeout;
  private final SocksForwarder.Counters counters;
  private final byte[] buffer = new byte[SocksParser.MAX_MESSAGE];
  private int length;
  private InetSocketAddress client;

  SocksConnection(
      ForwardSpec.Dynamic forward,
      SocketChannel socket,
      ChannelOpener opener,
      TunnelEvents events,
      Duration handshakeTimeout,
      SocksForwarder.Counters counters) {
    this.spec = forward.spec();
    this.forward = forward;
    this.socket = socket;
    this.opener = opener;
    this.events = events;
    this.handshakeTimeout = handshakeTimeout;
    this.counters = counters;
  }

  void run() {
    try {
      client = (InetSocketAddress) socket.getRemoteAddress();
      socket.setOption(StandardSocketOptions.TCP_NODELAY, true);
      Step.Connect request = handshake();
      if (request != null) {
        forward(request);
      }
    } catch (SocketTimeoutException e) {
      counters.rejected.increment();
      log.debug(
          "-D {}: {} sent no complete request within {} ms; closing",
          spec,
          client,
          handshakeTimeout.toMillis());
    } catch (IOException e) {
      log.debug("-D {}: connection from {} ends: {}", spec, client, e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Reads until a CONNECT request is complete; answers and returns null for anything else. */
  private Step.Connect handshake() throws IOException {
    long deadline = System.nanoTime() + handshakeTimeout.toNanos();
    Phase phase = Phase.FIRST;
    while (true) {
      Step step = SocksParser.parse(phase, buffer, length);
      switch (step) {
        case Step.NeedMore() -> {
          if (!readMore(deadline)) {
            log.debug("-D {}: {} closed before completing its request", spec, client);
            return null;
          }
        }
        case Step.MethodChosen(int consumed) -> {
          write(new byte[] {5, 0});
          consume(consumed);
          phase = Phase.SOCKS5_REQUEST;
        }
        case Step.Connect connect -> {
          socket.socket().setSoTimeout(0);
          return connect;
        }
        case Step.Reject(SocksVersion version, SocksReply reply, String why) -> {
          counters.rejected.increment();
          log.debug("-D {}: turning down {} request from {}: {}", spec, version, client, why);
          refuse(reply.encode(version));
          return null;
        }
        case Step.NoAcceptableMethod(String offered) -> {
          counters.rejected.increment();
          log.debug(
              "-D {}: {} offers no SOCKS5 method we take (offered: {}; we take 00)",
              spec,
              client,
              offered);
          refuse(new byte[] {5, (byte) 0xff});
          return null;
        }
        case Step.NotSocks(int firstByte) -> {
          counters.rejected.increment();
          String hex = Integer.toHexString(firstByte);
          log.debug("-D {}: {} does not speak SOCKS (first byte 0x{}); closing", spec, client, hex);
          return null;
        }
      }
    }
  }

  private void forward(Step.Connect request) throws IOException, InterruptedException {
    byte[] pending = Arrays.copyOfRange(buffer, request.consumed(), length);
    Conduit conduit;
    try {
      conduit = opener.open(request.target(), client);
    } catch (IOException e) {
      channelFailed(request, e);
      return;
    } catch (IllegalStateException e) {
      // MINA refuses to register a channel on a closing session this way; the client still gets a
      // reply.
      channelFailed(request, new IOException("SSH session is closing: " + e.getMessage(), e));
      return;
    }
    try {
      write(SocksReply.SUCCEEDED.encode(request.version()));
    } catch (IOException e) {
      conduit.abort(); // the client left while the channel was opening
      throw e;
    }
    counters.connections.increment();
    events.connectionOpened(forward, client);
    Pump pump = new Pump(socket, conduit, counters.bytesUp, counters.bytesDown, pending);
    pump.run();
    events.connectionClosed(forward, client, pump.bytesUp(), pump.bytesDown());
  }

  private void channelFailed(Step.Connect request, IOException e) throws IOException {
    counters.refused.increment();
    boolean byServer = e instanceof ChannelOpenFailure;
    SocksReply reply = FailureReplies.forFailure(e);
    String how =
        byServer
            ? "cannot reach {} for {} ({}): {}"
            : "cannot reach {} for {} ({}), no SSH session: {}";
    if (reply == SocksReply.CONNECTION_REFUSED || reply == SocksReply.HOST_UNREACHABLE) {
      log.info("-D {}: " + how, spec, request.target(), client, request.version(), e.getMessage());
    } else {
      log.warn("-D {}: " + how, spec, request.target(), client, request.version(), e.getMessage());
    }
    events.channelRefused(forward, client, ChannelOpenFailure.reasonOf(e), e);
    refuse(reply.encode(request.version()));
  }

  /**
   * Sends a final reply, then reads a little until the client closes, so its unread bytes cause no
   * RST.
   */
  private void refuse(byte[] reply) throws IOException {
    if (reply.length > 0) {
      write(reply);
    }
    socket.shutdownOutput();
    long deadline = System.nanoTime() + LINGER.toNanos();
    try {
      for (int drained = 0; drained < LINGER_BYTES; drained += length) {
        length = 0;
        if (!readMore(deadline)) {
          return;
        }
      }
    } catch (SocketTimeoutException e) {
      // The client keeps its side open; it has had its reply and our EOF.
    }
  }

  /**
   * Reads into the buffer; false at the client's EOF; {@link SocketTimeoutException} past the
   * deadline.
   */
  private boolean readMore(long deadline) throws IOException {
    long left = Duration.ofNanos(deadline - System.nanoTime()).toMillis();
    if (left <= 0) {
      throw new SocketTimeoutException("handshake deadline passed");
    }
    if (length == buffer.length) {
      throw new IllegalStateException("parser asked for more than " + buffer.length + " bytes");
    }
    socket.socket().setSoTimeout((int) Math.min(left, Integer.MAX_VALUE));
    InputStream in = socket.socket().getInputStream();
    int n = in.read(buffer, length, buffer.length - length);
    if (n < 0) {
      return false;
    }
    length += n;
    return true;
  }

  private void consume(int n) {
    System.arraycopy(buffer, n, buffer, 0, length - n);
    length -= n;
  }

  private void write(byte[] bytes) throws IOException {
    ByteBuffer out = ByteBuffer.wrap(bytes);
    while (out.hasRemaining()) {
      socket.write(out);
    }
  }
}
