package dev.portkeep.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class TargetServerTest {
  private static final Duration WAIT = Duration.ofSeconds(10);

  @Test
  void echo_megabytesWrittenWhileReading_comeBackIdenticalThenEof() throws Exception {
    try (TargetServer echo = TargetServer.echo();
        Socket socket = connect(echo)) {
      CompletableFuture<Void> writer = writeThenShutdown(socket, 3_000_000, 7);

      Payloads.Digest back = Payloads.sha256(socket.getInputStream());

      writer.get(10, TimeUnit.SECONDS);
      assertThat(back).isEqualTo(new Payloads.Digest(3_000_000, Payloads.sha256(3_000_000, 7)));
      assertThat(echo.bytesReceived()).isEqualTo(3_000_000);
      assertThat(echo.errors()).isEmpty();
    }
  }

  @Test
  void echoServer_twoConnections_countsBothAndForgetsClosedOnes() throws Exception {
    try (EchoServer echo = EchoServer.start()) {
      for (int i = 0; i < 2; i++) {
        try (Socket socket = new Socket(echo.host(), echo.port())) {
          socket.getOutputStream().write(new byte[] {1, 2, 3});
          assertThat(socket.getInputStream().readNBytes(3)).containsExactly(1, 2, 3);
        }
      }
      awaitTrue(() -> echo.openConnectionCount() == 0);
      assertThat(echo.connectionCount()).isEqualTo(2);
    }
  }

  @Test
  void sha256Sink_clientHalfCloses_repliesAfterEofWithHashOfWhatItRead() throws Exception {
    try (TargetServer sink = TargetServer.sha256Sink();
        Socket socket = connect(sink)) {
      Payloads.write(socket.getOutputStream(), 2_500_000, 11);
      socket.setSoTimeout(300);
      assertThatThrownBy(() -> socket.getInputStream().read())
          .as("no reply before the client's EOF")
          .isInstanceOf(java.net.SocketTimeoutException.class);
      socket.setSoTimeout(10_000);

      socket.shutdownOutput();
      String reply = new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);

      assertThat(reply).isEqualTo(Payloads.sha256(2_500_000, 11) + "\n");
      assertThat(sink.awaitReceivedHash(WAIT)).isEqualTo(Payloads.sha256(2_500_000, 11));
    }
  }

  @Test
  void source_connect_sendsExactlyTheSeededBytesThenEof() throws Exception {
    try (TargetServer source = TargetServer.source(1_234_567, 3);
        Socket socket = connect(source)) {
      Payloads.Digest got = Payloads.sha256(socket.getInputStream());

      assertThat(got).isEqualTo(new Payloads.Digest(1_234_567, Payloads.sha256(1_234_567, 3)));
    }
  }

  @Test
  void duplexHash_bothSidesSendAtOnce_eachSideGetsTheOthersExactBytes() throws Exception {
    try (TargetServer duplex = TargetServer.duplexHash(2_000_000, 5);
        Socket socket = connect(duplex)) {
      CompletableFuture<Void> writer = writeThenShutdown(socket, 1_500_000, 6);

      Payloads.Digest fromServer = Payloads.sha256(socket.getInputStream());

      writer.get(10, TimeUnit.SECONDS);
      assertThat(fromServer)
          .isEqualTo(new Payloads.Digest(2_000_000, Payloads.sha256(2_000_000, 5)));
      assertThat(duplex.awaitReceivedHash(WAIT)).isEqualTo(Payloads.sha256(1_500_000, 6));
      assertThat(duplex.errors()).isEmpty();
    }
  }

  @Test
  void resetAfter_nBytesArrive_peerSeesConnectionReset() throws Exception {
    try (TargetServer reset = TargetServer.resetAfter(1000);
        Socket socket = connect(reset)) {
      socket.getOutputStream().write(Payloads.bytes(1000, 1));

      assertThatThrownBy(() -> socket.getInputStream().read())
          .isInstanceOf(SocketException.class)
          .hasMessageContaining("reset");
      assertThat(reset.bytesReceived()).isEqualTo(1000);
    }
  }

  @Test
  void awaitReceivedHash_noConnectionFinished_failsNamingTheServerState() {
    try (TargetServer sink = TargetServer.sha256Sink()) {
      assertThatThrownBy(() -> sink.awaitReceivedHash(Duration.ofMillis(50)))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("within 50 ms")
          .hasMessageContaining("target sha256Sink 127.0.0.1:" + sink.port())
          .hasMessageContaining("accepted=0");
    }
  }

  @Test
  void close_withOpenConnection_endsItAndIsIdempotent() throws Exception {
    TargetServer echo = TargetServer.echo();
    try (Socket socket = connect(echo)) {
      awaitTrue(() -> echo.openConnectionCount() == 1);

      echo.close();
      echo.close();

      socket.setSoTimeout(5_000);
      assertThat(readOrReset(socket.getInputStream())).isEqualTo(-1);
      assertThatThrownBy(() -> new Socket(echo.host(), echo.port()))
          .isInstanceOf(IOException.class);
    }
  }

  @Test
  void start_customBehaviour_runsPerConnection() throws Exception {
    try (TargetServer hello =
            TargetServer.start("hello", s -> s.getOutputStream().write("hi\n".getBytes()));
        Socket socket = connect(hello)) {
      assertThat(new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII))
          .isEqualTo("hi\n");
    }
  }

  static Socket connect(TargetServer server) throws IOException {
    Socket socket = new Socket(server.host(), server.port());
    socket.setSoTimeout(10_000);
    return socket;
  }

  static CompletableFuture<Void> writeThenShutdown(Socket socket, long bytes, long seed) {
    return CompletableFuture.runAsync(
        () -> {
          try {
            OutputStream out = socket.getOutputStream();
            Payloads.write(out, bytes, seed);
            socket.shutdownOutput();
          } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
        });
  }

  /** -1 for EOF or a reset: both mean the server side is gone. */
  private static int readOrReset(InputStream in) throws IOException {
    try {
      return in.read();
    } catch (SocketException e) {
      return -1;
    }
  }

  static void awaitTrue(java.util.function.BooleanSupplier condition) {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as("condition not met within %s", WAIT).isLessThan(deadline);
      ProcessTree.sleep(10);
    }
  }
}
