package dev.portkeep.control;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;

/** A control client that sends whatever bytes a test gives it, as a careless program would. */
final class RawClient {
  private static final Duration READ_TIMEOUT = Duration.ofSeconds(20);

  private RawClient() {}

  static SocketChannel connect(Path socket) throws IOException {
    return SocketChannel.open(UnixDomainSocketAddress.of(socket));
  }

  /** Sends {@code bytes} as they are, then reads the answer line. */
  static String send(Path socket, byte[] bytes) throws IOException {
    try (SocketChannel channel = connect(socket)) {
      try {
        write(channel, bytes);
      } catch (IOException e) {
        // the server may answer and hang up before reading it all (busy, too large)
      }
      return readLine(channel);
    }
  }

  static String send(Path socket, String text) throws IOException {
    return send(socket, text.getBytes(StandardCharsets.UTF_8));
  }

  static void write(SocketChannel channel, byte[] bytes) throws IOException {
    ByteBuffer buffer = ByteBuffer.wrap(bytes);
    while (buffer.hasRemaining()) {
      channel.write(buffer);
    }
  }

  /**
   * The answer line without its newline, or null when the server hung up without one; fails after
   * 20 s.
   */
  static String readLine(SocketChannel channel) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    ByteBuffer one = ByteBuffer.allocate(1);
    try (Deadline deadline = Deadline.start(Thread.ofVirtual().factory(), READ_TIMEOUT, channel)) {
      while (true) {
        one.clear();
        if (channel.read(one) < 0) {
          return line.size() == 0 ? null : line.toString(StandardCharsets.UTF_8);
        }
        if (one.get(0) == '\n') {
          return line.toString(StandardCharsets.UTF_8);
        }
        line.write(one.get(0));
      }
    }
  }

  /** Leaves what a crashed server leaves: a socket file that nobody listens on. */
  static void leaveStaleSocket(Path socket) throws IOException {
    try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      server.bind(UnixDomainSocketAddress.of(socket));
    }
  }
}
