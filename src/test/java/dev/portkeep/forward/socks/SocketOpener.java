package dev.portkeep.forward.socks;

import dev.portkeep.config.Endpoint;
import dev.portkeep.forward.ChannelOpener;
import dev.portkeep.forward.Conduit;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A channel opener without SSH: each "channel" is a plain loopback TCP connection to the target. */
final class SocketOpener implements ChannelOpener {
  final List<Endpoint> targets = new CopyOnWriteArrayList<>();

  @Override
  public Conduit open(Endpoint target, InetSocketAddress originator) throws IOException {
    targets.add(target);
    Socket socket = new Socket(target.host(), target.port());
    return new Conduit() {
      @Override
      public InputStream input() {
        try {
          return socket.getInputStream();
        } catch (IOException e) {
          throw new IllegalStateException(e);
        }
      }

      @Override
      public OutputStream output() {
        try {
          return socket.getOutputStream();
        } catch (IOException e) {
          throw new IllegalStateException(e);
        }
      }

      @Override
      public void sendEof() {
        try {
          socket.shutdownOutput();
        } catch (IOException e) {
          abort();
        }
      }

      @Override
      public void abort() {
        close();
      }

      @Override
      public void onClosed(Runnable action) {
        // A plain socket announces no close; the pump ends on EOF instead.
      }

      @Override
      public void close() {
        try {
          socket.close();
        } catch (IOException ignored) {
          // closing anyway
        }
      }
    };
  }
}
