package dev.portkeep.forward.socks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portkeep.testing.Payloads;
import dev.portkeep.testing.TargetServer;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/** The client side of SOCKS handshakes and transfers, asserting as it goes. */
final class SocksClient {
  private SocksClient() {}

  /**
   * Greets offering only "no authentication", expects it chosen, sends {@code request}; returns the
   * reply.
   */
  static byte[] socks5(Socket socket, byte[] request) throws IOException {
    socket.getOutputStream().write(SocksBytes.greeting(0));
    assertThat(socket.getInputStream().readNBytes(2)).as("method selection").containsExactly(5, 0);
    socket.getOutputStream().write(request);
    return socket.getInputStream().readNBytes(10);
  }

  /** Sends a SOCKS4 or 4a request; returns the 8-byte reply. */
  static byte[] socks4(Socket socket, byte[] request) throws IOException {
    socket.getOutputStream().write(request);
    return socket.getInputStream().readNBytes(8);
  }

  /** Writes {@code bytes} one byte per packet, {@code gap} apart. */
  static void dribble(Socket socket, byte[] bytes, Duration gap)
      throws IOException, InterruptedException {
    OutputStream out = socket.getOutputStream();
    for (byte b : bytes) {
      out.write(b);
      out.flush();
      Thread.sleep(gap);
    }
  }

  /** True once the server has closed its side: EOF or a reset, with nothing more sent. */
  static boolean closedByServer(Socket socket) throws IOException {
    try {
      return socket.getInputStream().read() < 0;
    } catch (SocketException e) {
      return String.valueOf(e.getMessage()).contains("reset");
    }
  }

  /**
   * Against {@link TargetServer#duplexHash}: uploads {@code size} bytes of seed 11 and half-closes
   * while reading what the target sends; both directions must arrive intact.
   */
  static void assertDuplexIntact(Socket socket, TargetServer target, long size, long targetSeed)
      throws Exception {
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      Future<?> upload =
          pool.submit(
              () -> {
                Payloads.write(socket.getOutputStream(), size, 11);
                socket.shutdownOutput();
                return null;
              });
      Payloads.Digest received = Payloads.sha256(socket.getInputStream());
      upload.get();
      assertThat(received).isEqualTo(new Payloads.Digest(size, Payloads.sha256(size, targetSeed)));
      assertThat(target.awaitReceivedHash(Duration.ofSeconds(60)))
          .isEqualTo(Payloads.sha256(size, 11));
    }
  }

  /**
   * Against an echo target: writes {@code size} bytes while reading as many back; they must match.
   */
  static void assertEchoIntact(Socket socket, long size, long seed) throws Exception {
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      Future<?> upload =
          pool.submit(
              () -> {
                Payloads.write(socket.getOutputStream(), size, seed);
                return null;
              });
      Payloads.Digest back = Payloads.sha256(limited(socket.getInputStream(), size));
      upload.get();
      assertThat(back).isEqualTo(new Payloads.Digest(size, Payloads.sha256(size, seed)));
    }
  }

  private static InputStream limited(InputStream in, long size) {
    return new FilterInputStream(in) {
      private long left = size;

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        if (left == 0) {
          return -1;
        }
        int n = super.read(b, off, (int) Math.min(len, left));
        left -= Math.max(n, 0);
        return n;
      }
    };
  }
}
