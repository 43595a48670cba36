package dev.portkeep.forward;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portkeep.bind.Listener;
import dev.portkeep.bind.Listeners;
import dev.portkeep.config.AddressFamily;
import dev.portkeep.config.BindAddress;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class AcceptorTest {

  private static Listener listen(int port) {
    return Listeners.system().open(new BindAddress.Loopback(), port, AddressFamily.ANY, "test");
  }

  private static Socket connect(int port) throws IOException {
    Socket socket = new Socket("127.0.0.1", port);
    socket.setSoTimeout(10_000);
    return socket;
  }

  @Test
  void close_thePortIsFreeWhenItReturns() throws Exception {
    int port = 0;
    for (int round = 0; round < 20; round++) {
      Listener listener = listen(port);
      port = listener.port();
      assertThat(listener.channels()).as("loopback holds both stacks").hasSizeGreaterThan(1);
      Acceptor acceptor = new Acceptor(listener, "round " + round);
      CountDownLatch taken = new CountDownLatch(1);
      acceptor.startHandingOn(
          socket -> {
            taken.countDown();
            return Acceptor.Handed.over();
          });
      try (Socket unused = connect(port)) {
        assertThat(taken.await(10, TimeUnit.SECONDS)).as("connection taken").isTrue();
      }
      acceptor.close(Duration.ZERO);
      // Binding again fails with "Address already in use" while a closed socket is still
      // registered with the loop's selector.
    }
    listen(port).close();
  }

  @Test
  void manyListeners_eachConnectionGoesToItsOwnHandler_onOneThread() throws Exception {
    int listeners = 20;
    int perListener = 5;
    Map<Integer, BlockingQueue<Integer>> seen = new HashMap<>();
    Set<String> threads = ConcurrentHashMap.newKeySet();
    List<Acceptor> acceptors = new ArrayList<>();
    try {
      for (int i = 0; i < listeners; i++) {
        Listener listener = listen(0);
        BlockingQueue<Integer> ports = new LinkedBlockingQueue<>();
        seen.put(listener.port(), ports);
        Acceptor acceptor = new Acceptor(listener, "listener " + i);
        acceptor.startHandingOn(
            socket -> {
              threads.add(Thread.currentThread().getName());
              ports.add(localPort(socket));
              return Acceptor.Handed.over();
            });
        acceptors.add(acceptor);
      }
      List<Socket> clients = new ArrayList<>();
      try {
        for (int round = 0; round < perListener; round++) {
          for (int port : seen.keySet()) {
            clients.add(connect(port));
          }
        }
        for (var entry : seen.entrySet()) {
          for (int n = 0; n < perListener; n++) {
            assertThat(entry.getValue().poll(10, TimeUnit.SECONDS))
                .as("connection %d to port %d", n, entry.getKey())
                .isEqualTo(entry.getKey());
          }
          assertThat(entry.getValue()).isEmpty();
        }
      } finally {
        for (Socket c : clients) {
          c.close();
        }
      }
      assertThat(threads).containsExactly("pk-accept");
    } finally {
      acceptors.forEach(a -> a.close(Duration.ZERO));
    }
  }

  @Test
  void handlerThrows_thatConnectionIsClosed_andTheNextIsTaken() throws Exception {
    Listener listener = listen(0);
    Acceptor acceptor = new Acceptor(listener, "throws once");
    AtomicBoolean thrown = new AtomicBoolean();
    BlockingQueue<SocketChannel> kept = new LinkedBlockingQueue<>();
    acceptor.startHandingOn(
        socket -> {
          if (thrown.compareAndSet(false, true)) {
            throw new IllegalStateException("a handler's bug");
          }
          kept.add(socket);
          return new Acceptor.Handed(new CompletableFuture<>(), () -> {});
        });
    try (Socket first = connect(listener.port());
        Socket second = connect(listener.port())) {
      InputStream in = first.getInputStream();
      assertThat(in.read()).as("the first connection ends").isEqualTo(-1);
      assertThat(kept.poll(10, TimeUnit.SECONDS)).as("the second is taken").isNotNull();
      awaitOpen(acceptor, 1);
      second.getOutputStream().write(1);
    } finally {
      acceptor.close(Duration.ZERO);
    }
  }

  @Test
  void close_cutsWhatOutlivesTheGrace_andRefusesNewConnections() throws Exception {
    Listener listener = listen(0);
    int port = listener.port();
    Acceptor acceptor = new Acceptor(listener, "cut");
    AtomicInteger cuts = new AtomicInteger();
    CompletableFuture<Void> quick = new CompletableFuture<>();
    AtomicInteger handed = new AtomicInteger();
    acceptor.startHandingOn(
        socket -> {
          CompletableFuture<Void> ended =
              handed.getAndIncrement() == 0 ? quick : new CompletableFuture<>();
          return new Acceptor.Handed(ended, cuts::incrementAndGet);
        });
    try (Socket a = connect(port);
        Socket b = connect(port)) {
      awaitOpen(acceptor, 2);
      quick.complete(null);
      assertThat(a.getInputStream().read()).as("an ended connection's socket closes").isEqualTo(-1);
      awaitOpen(acceptor, 1);

      acceptor.close(Duration.ofMillis(200));

      assertThat(cuts.get()).as("only the connection still open is cut").isEqualTo(1);
      assertThat(b.getInputStream().read()).as("a cut connection's socket closes").isEqualTo(-1);
    }
    assertThatThrownBy(() -> new Socket("127.0.0.1", port).close())
        .isInstanceOf(ConnectException.class);
  }

  private static void awaitOpen(Acceptor acceptor, int count) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (acceptor.open() != count && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    assertThat(acceptor.open()).as("open connections").isEqualTo(count);
  }

  private static int localPort(SocketChannel socket) {
    try {
      return ((InetSocketAddress) socket.getLocalAddress()).getPort();
    } catch (IOException e) {
      return -1;
    }
  }
}
