package dev.portkeep.forward.socks;

import dev.portkeep.config.Endpoint;
import dev.portkeep.forward.ChannelOpener;
import dev.portkeep.forward.Conduit;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.SocketChannel;
import java.nio.channels.WritableByteChannel;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A channel opener without SSH: each "channel" is a plain loopback TCP connection to the target.
 */
final class SocketOpener implements ChannelOpener {
  final List<Endpoint> targets = new CopyOnWriteArrayList<>();

  @Override
  public Conduit open(Endpoint target, InetSocketAddress originator) throws IOException {
    targets.add(target);
    SocketChannel socket = SocketChannel.open(new InetSocketAddress(target.host(), target.port()));
    return new Conduit() {
      private final ByteBuffer up = ByteBuffer.allocate(32 * 1024);
      private final ByteBuffer down = ByteBuffer.allocate(32 * 1024);

      @Override
      public int sendFrom(ReadableByteChannel source) throws IOException {
        up.clear();
        int n = source.read(up);
        up.flip();
        while (up.hasRemaining()) {
          socket.write(up);
        }
        return n;
      }

      @Override
      public int receiveTo(WritableByteChannel sink) throws IOException {
        down.clear();
        int n = socket.read(down);
        down.flip();
        while (down.hasRemaining()) {
          sink.write(down);
        }
        return n;
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
