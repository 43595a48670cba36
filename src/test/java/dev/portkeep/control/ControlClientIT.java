package dev.portkeep.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.portkeep.error.NotRunningException;
import dev.portkeep.error.UnreachableException;
import dev.portkeep.error.UsageException;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class ControlClientIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(20);

  @TempDir Path temp;

  private Path socket() {
    return temp.resolve("control.sock");
  }

  private ControlClient client() {
    return new ControlClient(socket(), TIMEOUT);
  }

  @Test
  void noSocketFile_isNotRunning_inOneLineNamingThePath() {
    assertThatThrownBy(() -> client().send(new Request.Status()))
        .isInstanceOfSatisfying(
            NotRunningException.class, e -> assertThat(e.hint()).contains("portkeep up"))
        .hasMessage("no portkeep up is running (control socket " + socket() + ")");
  }

  @Test
  void staleSocketFile_isNotRunning() throws IOException {
    RawClient.leaveStaleSocket(socket());
    assertThatThrownBy(() -> client().send(new Request.Status()))
        .isInstanceOf(NotRunningException.class)
        .hasMessageContaining(socket().toString());
  }

  @Test
  void serverThatNeverAnswers_isUnreachableAfterTheTimeout() throws Exception {
    try (FakeServer silent = new FakeServer(socket(), channel -> {})) {
      long asked = System.nanoTime();
      assertThatThrownBy(
              () -> new ControlClient(socket(), Duration.ofMillis(400)).send(new Request.Ping()))
          .isInstanceOf(UnreachableException.class)
          .hasMessageContaining("did not answer on the control socket '" + socket() + "'")
          .hasMessageContaining("within 400 ms");
      assertThat(Duration.ofNanos(System.nanoTime() - asked))
          .isBetween(Duration.ofMillis(400), TIMEOUT);
    }
  }

  @Test
  void peerThatIsNotPortkeep_isAUsageErrorNamingTheSocket() throws Exception {
    try (FakeServer ssh = new FakeServer(socket(), channel -> answer(channel, "SSH-2.0-x\n"))) {
      assertThatThrownBy(() -> client().send(new Request.Ping()))
          .isInstanceOf(UsageException.class)
          .hasMessageContaining("cannot talk to the control socket '" + socket() + "'");
    }
  }

  @Test
  void errorAnswers_becomeTheFailureOfTheirKind() {
    try (ControlServer server =
        ControlServer.start(
            socket(),
            request ->
                switch (request) {
                  case Request.Start s ->
                      throw new ControlFailure("unknown_tunnel", "no tunnel 'db'", "see status");
                  case Request.Reload r -> throw new IllegalStateException("boom");
                  default -> JsonNodeFactory.instance.objectNode().put("n", 1);
                },
            "test")) {
      assertThat(client().send(new Request.Status()).get("n").intValue()).isEqualTo(1);
      assertThatThrownBy(() -> client().send(new Request.Start(List.of("db"))))
          .isInstanceOfSatisfying(
              UsageException.class, e -> assertThat(e.hint()).isEqualTo("see status"))
          .hasMessage("no tunnel 'db'");
      assertThatThrownBy(() -> client().send(new Request.Reload()))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("portkeep up failed on 'reload'");
      assertThat(client().exchange(new Request.Start(List.of("db"))))
          .isEqualTo(new Answer.Failed("unknown_tunnel", "no tunnel 'db'", "see status"));
    }
  }

  @Test
  void busyAnswer_isUnreachableWithARetryHint() throws IOException {
    var limits = new ControlLimits(TIMEOUT, TIMEOUT, 1, 1024);
    try (ControlServer server =
            ControlServer.start(
                socket(),
                request -> JsonNodeFactory.instance.objectNode(),
                "test",
                limits,
                Thread.ofVirtual().factory());
        SocketChannel hog = RawClient.connect(socket())) {
      assertThatThrownBy(() -> client().send(new Request.Status()))
          .isInstanceOfSatisfying(
              UnreachableException.class, e -> assertThat(e.hint()).contains("try again"))
          .hasMessageContaining("serving 1 control connections");
    }
  }

  private static void answer(SocketChannel channel, String text) {
    try {
      channel.write(ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)));
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** A socket that accepts and then does what a test says: nothing, or the wrong thing. */
  private static final class FakeServer implements AutoCloseable {
    private final ServerSocketChannel server;
    private final Thread acceptor;

    FakeServer(Path socket, Consumer<SocketChannel> onAccept) throws IOException {
      server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
      server.bind(UnixDomainSocketAddress.of(socket));
      acceptor =
          Thread.ofVirtual()
              .start(
                  () -> {
                    try (SocketChannel channel = server.accept()) {
                      onAccept.accept(channel);
                      ByteBuffer sink = ByteBuffer.allocate(1024);
                      while (channel.read(sink.clear()) >= 0) {
                        // hold it open until the client goes
                      }
                    } catch (IOException e) {
                      // closed by the test
                    }
                  });
    }

    @Override
    public void close() throws Exception {
      server.close();
      acceptor.interrupt();
      acceptor.join();
    }
  }
}
