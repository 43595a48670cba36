package dev.portkeep.testing;

import java.net.InetSocketAddress;

/** A TCP echo server on 127.0.0.1 (port 0) that counts its connections: the default target of a tunnel. */
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
}
