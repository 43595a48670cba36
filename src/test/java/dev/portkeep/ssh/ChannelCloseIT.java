package dev.portkeep.ssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portkeep.config.Endpoint;
import dev.portkeep.forward.Conduit;
import dev.portkeep.testing.Await;
import dev.portkeep.testing.FreePort;
import dev.portkeep.testing.MinaSshServer;
import dev.portkeep.testing.OpenSshServer;
import dev.portkeep.testing.SshTestServer;
import dev.portkeep.testing.TargetServer;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every way a forwarded connection ends leaves the session without the channel: a graceful close
 * (the CLOSE exchange with the server done), a reset and a refused open (an open that timed out:
 * {@link ChannelOpenTimeoutIT}). The channel closes through {@code ForwardingChannel}'s own closer
 * instead of MINA's; a channel left in the session's table would hold its memory for as long as the
 * tunnel runs.
 */
@Timeout(120)
class ChannelCloseIT {
  private static final InetSocketAddress ORIGINATOR = new InetSocketAddress("127.0.0.1", 40000);
  private static final int CONNECTIONS = 200;

  @ParameterizedTest
  @ValueSource(strings = {"openssh", "mina"})
  void echoThenClientCloses_everyChannelLeavesTheSession(String server) throws Exception {
    try (SshTestServer sshd = start(server);
        TargetServer echo = TargetServer.echo();
        SshSession session = sshd.connect();
        ServerSocketChannel local = listener()) {
      Endpoint target = new Endpoint("127.0.0.1", echo.port());
      for (int i = 0; i < CONNECTIONS; i++) {
        try (Socket client = new Socket()) {
          client.connect(local.getLocalAddress());
          client.setSoTimeout(30_000);
          Spliced spliced = splice(session, target, local);
          byte[] line = ("connection " + i + "\n").getBytes(StandardCharsets.US_ASCII);
          client.getOutputStream().write(line);
          assertThat(client.getInputStream().readNBytes(line.length)).isEqualTo(line);
          client.shutdownOutput();
          assertThat(client.getInputStream().read()).isEqualTo(-1);
          spliced.awaitDone();
          assertThat(spliced.up()).hasValue(line.length);
          assertThat(spliced.down()).hasValue(line.length);
        }
      }
      Await.until("every channel gone from the session", () -> session.channelCount() == 0);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"openssh", "mina"})
  void targetClosesFirst_andClientResets_channelsLeaveTheSession(String server) throws Exception {
    try (SshTestServer sshd = start(server);
        TargetServer greeter =
            TargetServer.start(
                "greeter",
                s -> {
                  s.getOutputStream().write("hello\n".getBytes(StandardCharsets.US_ASCII));
                  s.close();
                });
        TargetServer echo = TargetServer.echo();
        SshSession session = sshd.connect();
        ServerSocketChannel local = listener()) {
      for (int i = 0; i < 20; i++) {
        Spliced greeted;
        try (Socket client = new Socket()) {
          client.connect(local.getLocalAddress());
          client.setSoTimeout(30_000);
          greeted = splice(session, new Endpoint("127.0.0.1", greeter.port()), local);
          InputStream in = client.getInputStream();
          assertThat(new String(in.readAllBytes(), StandardCharsets.US_ASCII)).isEqualTo("hello\n");
        } // the client's EOF: the target's came first, so the connection is over only now
        greeted.awaitDone();
        Spliced echoed;
        try (Socket reset = new Socket()) {
          reset.connect(local.getLocalAddress());
          echoed = splice(session, new Endpoint("127.0.0.1", echo.port()), local);
          reset.getOutputStream().write(1);
          assertThat(reset.getInputStream().read()).isEqualTo(1);
          reset.setSoLinger(true, 0); // the close below resets the connection
        }
        echoed.awaitDone();
      }
      Await.until("every channel gone from the session", () -> session.channelCount() == 0);
    }
  }

  @Test
  void openRefused_theChannelLeavesTheSession() throws Exception {
    try (OpenSshServer sshd = OpenSshServer.start();
        SshSession session = sshd.connect()) {
      int closed = FreePort.pick();
      CompletableFuture<Conduit> opening =
          session.openNow(new Endpoint("127.0.0.1", closed), ORIGINATOR);
      assertThatThrownBy(() -> opening.get(30, TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class);
      Await.until("the refused channel gone from the session", () -> session.channelCount() == 0);
    }
  }

  private static SshTestServer start(String server) {
    return server.equals("openssh") ? OpenSshServer.start() : MinaSshServer.start();
  }

  private static ServerSocketChannel listener() throws java.io.IOException {
    return ServerSocketChannel.open()
        .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
  }

  /** A connection moved on the session's loop: done once both ends are closed. */
  private record Spliced(CompletableFuture<Void> done, AtomicLong up, AtomicLong down) {
    void awaitDone() throws Exception {
      done.get(30, TimeUnit.SECONDS);
    }
  }

  /** Accepts the client's connection and moves it through a new channel to {@code target}. */
  private static Spliced splice(SshSession session, Endpoint target, ServerSocketChannel local)
      throws Exception {
    SocketChannel accepted = local.accept();
    Conduit conduit = session.openNow(target, ORIGINATOR).get(30, TimeUnit.SECONDS);
    AtomicLong up = new AtomicLong();
    AtomicLong down = new AtomicLong();
    CompletableFuture<Void> done =
        conduit.splice(
            accepted,
            new byte[0],
            new Conduit.Traffic() {
              @Override
              public void up(int n) {
                up.addAndGet(n);
              }

              @Override
              public void down(int n) {
                down.addAndGet(n);
              }
            });
    assertThat(done).as("the session runs on an event loop").isNotNull();
    return new Spliced(done, up, down);
  }
}
