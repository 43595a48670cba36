package dev.portkeep.ssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portkeep.config.Endpoint;
import dev.portkeep.forward.Conduit;
import dev.portkeep.testing.Await;
import dev.portkeep.testing.MinaSshServer;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A channel open the server never answers fails after the open timeout, with the error the
 * forwarder reports, on either transport: on the event loop's timer and on the JDK's; and the
 * channel leaves the session.
 */
@Timeout(60)
class ChannelOpenTimeoutIT {
  private static final InetSocketAddress ORIGINATOR = new InetSocketAddress("127.0.0.1", 40000);

  @AfterEach
  void backToLoops() {
    System.clearProperty(MinaSettings.SocketIo.PROPERTY);
  }

  @ParameterizedTest
  @ValueSource(strings = {"loops", "nio2"})
  void openNow_serverNeverAnswers_failsAfterTheTimeoutNamingIt(String io) throws Exception {
    System.setProperty(MinaSettings.SocketIo.PROPERTY, io);
    try (MinaSshServer server = MinaSshServer.builder().stallDirectTcpip().start();
        SshSession session = server.connect()) {
      session.openTimeout(Duration.ofSeconds(1));
      long start = System.nanoTime();
      CompletableFuture<Conduit> opening =
          session.openNow(new Endpoint("127.0.0.1", 9), ORIGINATOR);

      assertThatThrownBy(() -> opening.get(20, TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class)
          .cause()
          .isInstanceOf(SocketTimeoutException.class)
          .hasMessage("no answer to the channel open within 1 s");
      assertThat(Duration.ofNanos(System.nanoTime() - start))
          .isGreaterThanOrEqualTo(Duration.ofSeconds(1));
      assertThat(server.directTcpipTargets()).containsExactly("127.0.0.1:9");
      Await.until(
          "the unanswered channel gone from the session", () -> session.channelCount() == 0);
    }
  }
}
