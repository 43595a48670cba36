package dev.portkeep.testing;

import java.net.InetSocketAddress;

/**
 * A TCP echo server on 127.0.0.1 (port 0) that counts its connections: the default target of a
 * tunnel.
 */
public final class EchoServer implements AutoCloseable {
  private final TargetServer server;

  private EchoServer(TargetServer server) {
    this.server = server;
  }

  /** Starts echoing on a fresh loopback port. */
  public static EchoServer start() {
    return new EchoServer(TargetServer.echo());
  }

  public String host() {
    return server.host();
  }

  public int port() {
    return server.port();
  }

  public InetSocketAddress address() {
    return server.address();
  }

  /** Connections accepted so far. */
  public int connectionCount() {
    return server.connectionCount();
  }

  /** Connections accepted and not yet closed. */
  public int openConnectionCount() {
    return server.openConnectionCount();
  }

  /** Bytes echoed so far. */
  public long bytesReceived() {
    return server.bytesReceived();
  }

  @Override
  public void close() {
    server.close();
  }

  @Override
  public String toString() {
    return server.toString();
  }

  /**
   * Whether one byte sent to 127.0.0.1:{@code port} (a tunnel in front of an echo service) comes
   * back within {@code timeout}; false on any error, so callers can poll a tunnel that may be down.
   */
  public static boolean echoesThrough(int port, java.time.Duration timeout) {
    try (java.net.Socket s = new java.net.Socket("127.0.0.1", port)) {
      s.setSoTimeout((int) timeout.toMillis());
      s.getOutputStream().write(7);
      return s.getInputStream().read() == 7;
    } catch (java.io.IOException e) {
      return false;
    }
  }
}
