package dev.portkeep.demo;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;

/** The demo's target service: echoes every byte back, on 127.0.0.1 and an ephemeral port. */
final class EchoService implements AutoCloseable {
  private final ServerSocket server;

  EchoService() throws IOException {
    server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread.ofVirtual().name("demo-echo").start(this::acceptLoop);
  }

  InetSocketAddress address() {
    return new InetSocketAddress(server.getInetAddress(), server.getLocalPort());
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      try {
        Socket socket = server.accept();
        Thread.ofVirtual().start(() -> echo(socket));
      } catch (IOException closed) {
        return;
      }
    }
  }

  private static void echo(Socket socket) {
    try (socket;
        InputStream in = socket.getInputStream();
        OutputStream out = socket.getOutputStream()) {
      socket.setTcpNoDelay(true);
      in.transferTo(out);
    } catch (IOException ignored) {
      // The demo user closed the connection; nothing to report.
    }
  }

  @Override
  public void close() throws IOException {
    server.close();
  }
}
