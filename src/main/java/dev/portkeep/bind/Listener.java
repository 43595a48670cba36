package dev.portkeep.bind;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A bound listen address: one or more server sockets holding the same port, all bound or none.
 * Closing releases the port; it is idempotent.
 */
public final class Listener implements AutoCloseable {
  private final List<ServerSocketChannel> channels;
  private final List<InetSocketAddress> addresses;
  private final AtomicBoolean closed = new AtomicBoolean();

  Listener(List<ServerSocketChannel> channels, List<InetSocketAddress> addresses) {
    this.channels = List.copyOf(channels);
    this.addresses = List.copyOf(addresses);
  }

  /** The server sockets, for the forwarder's accept loop (which makes them non-blocking). */
  public List<ServerSocketChannel> channels() {
    return channels;
  }

  /** The addresses really bound, with the real port (never 0). */
  public List<InetSocketAddress> addresses() {
    return addresses;
  }

  public int port() {
    return addresses.get(0).getPort();
  }

  public boolean isOpen() {
    return !closed.get();
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    for (ServerSocketChannel channel : channels.reversed()) {
      try {
        channel.close();
      } catch (IOException ignored) {
        // Closing a server socket only fails when the OS is broken; the port is gone either way.
      }
    }
  }

  @Override
  public String toString() {
    return addresses.stream().map(Addresses::display).toList().toString();
  }
}
