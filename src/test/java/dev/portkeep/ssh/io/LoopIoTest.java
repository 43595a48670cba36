package dev.portkeep.ssh.io;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portkeep.testing.Await;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.sshd.common.PropertyResolverUtils;
import org.apache.sshd.common.io.IoConnectFuture;
import org.apache.sshd.common.io.IoHandler;
import org.apache.sshd.common.io.IoSession;
import org.apache.sshd.common.io.IoWriteFuture;
import org.apache.sshd.common.util.Readable;
import org.apache.sshd.common.util.buffer.ByteArrayBuffer;
import org.apache.sshd.core.CoreModuleProperties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The event-loop transport against a real socket on loopback, peer by peer. */
class LoopIoTest {
  private static final Duration WAIT = Duration.ofSeconds(30);

  private ServerSocketChannel listener;
  private final List<AutoCloseable> closeLater = new ArrayList<>();

  @BeforeEach
  void listen() throws IOException {
    listener = ServerSocketChannel.open();
    listener.setOption(StandardSocketOptions.SO_RCVBUF, 4096); // inherited by accepted sockets
    listener.bind(new InetSocketAddress("127.0.0.1", 0));
  }

  @AfterEach
  void close() throws Exception {
    for (AutoCloseable c : closeLater.reversed()) {
      c.close();
    }
    listener.close();
  }

  @Test
  void connect_peerSends_handlerGetsEveryByteInOrderOnALoopThread() throws Exception {
    Recorder handler = new Recorder();
    connect(handler, Map.of());
    SocketChannel peer = accept();
    byte[] data = pattern(1 << 20, 7);
    writeFully(peer, data);
    Await.until("1 MiB received", () -> handler.received().length == data.length);
    assertThat(handler.received()).isEqualTo(data);
    assertThat(handler.readerThreads).allMatch(name -> name.startsWith("pk-io-"));
    assertThat(handler.failures).isEmpty();
  }

  @Test
  void writeBuffer_socketFull_completesEachPacketOnlyOnceThePeerReadsItInOrder() throws Exception {
    Recorder handler = new Recorder();
    IoSession session =
        connect(handler, Map.of(CoreModuleProperties.SOCKET_SNDBUF.getName(), 4096));
    SocketChannel peer = accept();
    List<IoWriteFuture> writes = new ArrayList<>();
    byte[] all = new byte[64 * 32 * 1024];
    for (int i = 0; i < 64; i++) {
      byte[] packet = pattern(32 * 1024, i);
      System.arraycopy(packet, 0, all, i * packet.length, packet.length);
      writes.add(session.writeBuffer(new ByteArrayBuffer(packet)));
    }
    // 2 MiB cannot fit in a 4 KiB send buffer and a peer's unread 4 KiB receive buffer.
    assertThat(writes.getLast().isDone()).isFalse();
    assertThat(readFully(peer, all.length)).isEqualTo(all);
    Await.until("every write completed", () -> writes.stream().allMatch(IoWriteFuture::isWritten));
  }

  @Test
  void writeBuffer_eightThreadsAtOnce_eachThreadsPacketsArriveWholeAndInItsOrder()
      throws Exception {
    writeConcurrently(8, 500, 3000);
  }

  /**
   * Sixteen threads writing 1-byte packets keep the writer finding the queue empty, the moment when
   * another thread's packet used to be taken for the end-of-output mark: the peer then saw the
   * stream end early.
   */
  @Test
  void writeBuffer_packetsQueuedWhileTheQueueRunsDry_noneTakenForTheEnd() throws Exception {
    for (int round = 0; round < 50; round++) {
      writeConcurrently(16, 2000, 1);
    }
  }

  /** {@code threads} threads write {@code packets} records each, of 1 to {@code maxBody} bytes. */
  private void writeConcurrently(int threads, int packets, int maxBody) throws Exception {
    IoSession session = connect(new Recorder(), Map.of());
    SocketChannel peer = accept();
    CountDownLatch start = new CountDownLatch(1);
    List<Thread> writers = new ArrayList<>();
    long total = 0;
    for (int t = 0; t < threads; t++) {
      int writer = t;
      for (int seq = 0; seq < packets; seq++) {
        total += record(writer, seq, maxBody).length;
      }
      writers.add(
          Thread.ofPlatform()
              .start(
                  () -> {
                    try {
                      start.await();
                      for (int seq = 0; seq < packets; seq++) {
                        session.writeBuffer(new ByteArrayBuffer(record(writer, seq, maxBody)));
                      }
                    } catch (InterruptedException | IOException e) {
                      throw new IllegalStateException(e);
                    }
                  }));
    }
    start.countDown();
    ByteBuffer in = ByteBuffer.wrap(readFully(peer, (int) total));
    int[] next = new int[threads];
    while (in.hasRemaining()) {
      int writer = in.getInt();
      int seq = in.getInt();
      byte[] body = new byte[in.getInt()];
      in.get(body);
      assertThat(seq).as("writer %d's next packet", writer).isEqualTo(next[writer]++);
      assertThat(body).isEqualTo(pattern(body.length, writer * 31 + seq));
    }
    assertThat(next).containsOnly(packets);
    for (Thread w : writers) {
      w.join();
    }
    session.close(true);
    peer.close();
  }

  @Test
  void closeGracefully_withWritesQueued_peerGetsEveryByteThenEnd() throws Exception {
    Recorder handler = new Recorder();
    IoSession session =
        connect(handler, Map.of(CoreModuleProperties.SOCKET_SNDBUF.getName(), 4096));
    SocketChannel peer = accept();
    byte[] data = pattern(1 << 20, 3);
    for (int off = 0; off < data.length; off += 32 * 1024) {
      session.writeBuffer(new ByteArrayBuffer(data, off, 32 * 1024));
    }
    session.close(false);
    assertThat(readFully(peer, data.length)).isEqualTo(data);
    assertThat(peer.read(ByteBuffer.allocate(1))).isEqualTo(-1);
    Await.until("the session closed", () -> handler.closed.get() == 1);
    assertThat(handler.failures).isEmpty();
  }

  @Test
  void closeImmediately_withWritesQueued_failsThemTellsTheHandlerOnceAndRefusesMore()
      throws Exception {
    Recorder handler = new Recorder();
    IoSession session =
        connect(handler, Map.of(CoreModuleProperties.SOCKET_SNDBUF.getName(), 4096));
    accept();
    List<IoWriteFuture> writes = new ArrayList<>();
    for (int i = 0; i < 64; i++) {
      writes.add(session.writeBuffer(new ByteArrayBuffer(new byte[32 * 1024])));
    }
    session.close(true).await(WAIT);
    Await.until("every write settled", () -> writes.stream().allMatch(IoWriteFuture::isDone));
    assertThat(writes.getLast().getException()).isNotNull();
    assertThat(handler.closed.get()).isEqualTo(1);
    IoWriteFuture late = session.writeBuffer(new ByteArrayBuffer(new byte[1]));
    assertThat(late.getException()).isInstanceOf(java.nio.channels.ClosedChannelException.class);
    session.close(true);
    assertThat(handler.closed.get()).isEqualTo(1);
  }

  @Test
  void peerResets_handlerHearsTheExceptionAndTheSessionCloses() throws Exception {
    Recorder handler = new Recorder();
    connect(handler, Map.of());
    SocketChannel peer = accept();
    peer.setOption(StandardSocketOptions.SO_LINGER, 0);
    peer.close(); // an RST, not a FIN
    Await.until("the session closed", () -> handler.closed.get() == 1);
    assertThat(handler.failures).singleElement().isInstanceOf(IOException.class);
  }

  @Test
  void peerCloses_sessionClosesWithoutAnException() throws Exception {
    Recorder handler = new Recorder();
    connect(handler, Map.of());
    accept().close();
    Await.until("the session closed", () -> handler.closed.get() == 1);
    assertThat(handler.failures).isEmpty();
  }

  @Test
  void handlerThrows_exceptionCaughtHearsItAndTheSessionCloses() throws Exception {
    Recorder handler = new Recorder();
    handler.throwOnData = true;
    connect(handler, Map.of());
    writeFully(accept(), new byte[] {1});
    Await.until("the session closed", () -> handler.closed.get() == 1);
    assertThat(handler.failures)
        .singleElement(org.assertj.core.api.InstanceOfAssertFactories.THROWABLE)
        .hasMessage("refused by the test");
  }

  @Test
  void suspendRead_dataArrives_handlerGetsItOnlyAfterResume() throws Exception {
    Recorder handler = new Recorder();
    handler.suspendAtStart = true;
    IoSession session = connect(handler, Map.of());
    SocketChannel peer = accept();
    writeFully(peer, new byte[] {1, 2, 3});
    LoopSession loopSession = (LoopSession) session;
    // Two passes of the session's loop with the bytes already in its socket.
    loopSession.runOnLoopAndWait();
    loopSession.runOnLoopAndWait();
    assertThat(handler.received()).isEmpty();
    session.resumeRead();
    Await.until("3 bytes received", () -> handler.received().length == 3);
  }

  @Test
  void shutdownOutputStream_afterWrites_peerReadsThemThenEndWhileTheSessionStillReads()
      throws Exception {
    Recorder handler = new Recorder();
    IoSession session = connect(handler, Map.of());
    SocketChannel peer = accept();
    session.writeBuffer(new ByteArrayBuffer(new byte[] {4, 5}));
    session.shutdownOutputStream();
    assertThat(readFully(peer, 2)).containsExactly(4, 5);
    assertThat(peer.read(ByteBuffer.allocate(1))).isEqualTo(-1);
    writeFully(peer, new byte[] {6});
    Await.until("the byte after the shutdown", () -> handler.received().length == 1);
    assertThat(session.isOpen()).isTrue();
  }

  @Test
  void connect_nothingListens_failsWithConnectException() throws Exception {
    int port = listener.socket().getLocalPort();
    listener.close();
    LoopConnector connector = closedLater(new LoopConnector(properties(Map.of()), new Recorder()));
    IoConnectFuture future =
        connector.connect(new InetSocketAddress("127.0.0.1", port), null, null);
    assertThat(future.await(WAIT)).isTrue();
    assertThat(future.getException()).isInstanceOf(ConnectException.class);
  }

  @Test
  void connect_peerNeverAnswers_failsAfterTheConnectTimeoutNamingIt() throws Exception {
    ServerSocketChannel full = fullListener();
    LoopConnector connector =
        closedLater(
            new LoopConnector(
                properties(Map.of(CoreModuleProperties.IO_CONNECT_TIMEOUT.getName(), 300L)),
                new Recorder()));
    IoConnectFuture future = connector.connect(full.getLocalAddress(), null, null);
    assertThat(future.await(WAIT)).isTrue();
    assertThat(future.getException())
        .isInstanceOf(ConnectException.class)
        .hasMessageContaining("timed out after 300 ms");
  }

  @Test
  void connect_cancelledWhileUnanswered_isCancelledAndMakesNoSession() throws Exception {
    ServerSocketChannel full = fullListener();
    Recorder handler = new Recorder();
    IoConnectFuture future =
        closedLater(new LoopConnector(properties(Map.of()), handler))
            .connect(full.getLocalAddress(), null, null);
    future.cancel();
    assertThat(future.await(WAIT)).isTrue();
    assertThat(future.isCanceled()).isTrue();
    assertThat(future.getSession()).isNull();
    assertThat(handler.created.get()).isZero();
  }

  /** A listener whose accept queue is full: the kernel drops further SYNs, connects hang. */
  private ServerSocketChannel fullListener() throws IOException {
    ServerSocketChannel full =
        ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0), 1);
    closeLater.add(full);
    for (int i = 0; i < 8; i++) {
      SocketChannel filler = SocketChannel.open();
      filler.configureBlocking(false);
      filler.connect(full.getLocalAddress());
      closeLater.add(filler);
    }
    return full;
  }

  /**
   * The connect's own listener closing the session (as a connector closed at that moment does) used
   * to have the handler told of the close twice: by the close, and by the connect finding it
   * closed.
   */
  @Test
  void sessionClosedByTheConnectListener_handlerToldOnce() throws Exception {
    Recorder handler = new Recorder();
    LoopConnector connector = closedLater(new LoopConnector(properties(Map.of()), handler));
    IoConnectFuture future = connector.connect(listener.getLocalAddress(), null, null);
    future.addListener(f -> f.getSession().close(true));
    accept();
    IoSession session = connected(future);
    Await.until("the session closed", session::isClosed);
    ((LoopSession) session).runOnLoopAndWait(); // the connect has finished on the loop
    assertThat(handler.closed.get()).isEqualTo(1);
    assertThat(connector.getManagedSessions()).isEmpty();
  }

  @Test
  void connectorClose_closesItsSessions() throws Exception {
    Recorder handler = new Recorder();
    LoopConnector connector = new LoopConnector(properties(Map.of()), handler);
    IoSession session = connected(connector.connect(listener.getLocalAddress(), null, null));
    accept();
    assertThat(connector.getManagedSessions()).containsValue(session);
    connector.close(true).await(WAIT);
    assertThat(session.isClosed()).isTrue();
    assertThat(handler.closed.get()).isEqualTo(1);
    assertThat(connector.getManagedSessions()).isEmpty();
  }

  /**
   * A handler that blocks (MINA authenticates on the I/O thread: an agent waiting for a
   * confirmation, a slow PasswordCommand) holds up its own client only: more other clients than
   * this machine has cores, so loops shared across clients would put one of them behind the blocked
   * one.
   */
  @Test
  void oneClientsHandlerBlocks_everyOtherClientStillGetsItsBytes() throws Exception {
    Recorder slow = new Recorder();
    CountDownLatch release = new CountDownLatch(1);
    closeLater.add(release::countDown);
    slow.holdLoop = release;
    connect(slow, Map.of());
    writeFully(accept(), new byte[] {1});
    assertThat(slow.holding.await(WAIT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS))
        .isTrue();
    List<Recorder> others = new ArrayList<>();
    for (int i = 0; i <= Runtime.getRuntime().availableProcessors(); i++) {
      Recorder other = new Recorder();
      connect(other, Map.of());
      writeFully(accept(), new byte[] {2, 3});
      others.add(other);
    }
    Await.until(
        "every other client's bytes",
        () -> others.stream().allMatch(o -> o.received().length == 2));
    assertThat(slow.received()).isEmpty();
    release.countDown();
    Await.until("the slow client's byte, once let go", () -> slow.received().length == 1);
  }

  @Test
  void connectorClose_endsItsLoopThread() throws Exception {
    LoopConnector connector = new LoopConnector(properties(Map.of()), new Recorder());
    connected(connector.connect(listener.getLocalAddress(), null, null));
    accept();
    assertThat(connector.loopAlive()).isTrue();
    connector.close(false).await(WAIT);
    Await.until("the loop thread ended", () -> !connector.loopAlive());
  }

  private LoopConnector closedLater(LoopConnector connector) {
    closeLater.add(() -> connector.close(true).await(WAIT));
    return connector;
  }

  private IoSession connect(Recorder handler, Map<String, Object> props) throws IOException {
    LoopConnector connector = closedLater(new LoopConnector(properties(props), handler));
    return connected(connector.connect(listener.getLocalAddress(), null, null));
  }

  private static IoSession connected(IoConnectFuture future) throws IOException {
    assertThat(future.await(WAIT)).as("connected within %s", WAIT).isTrue();
    if (future.getException() != null) {
      throw new IOException(future.getException());
    }
    return future.getSession();
  }

  private SocketChannel accept() throws IOException {
    SocketChannel peer = listener.accept();
    closeLater.add(peer);
    return peer;
  }

  private static org.apache.sshd.common.PropertyResolver properties(Map<String, Object> props) {
    Map<String, Object> all = new HashMap<>(props);
    all.putIfAbsent(CoreModuleProperties.TCP_NODELAY.getName(), true);
    return PropertyResolverUtils.toPropertyResolver(all);
  }

  private static byte[] pattern(int n, int seed) {
    byte[] b = new byte[n];
    for (int i = 0; i < n; i++) {
      b[i] = (byte) (i * 7 + seed * 13 + (i >> 8));
    }
    return b;
  }

  private static byte[] record(int writer, int seq, int maxBody) {
    int len = 1 + (writer * 997 + seq * 131) % maxBody;
    return ByteBuffer.allocate(12 + len)
        .putInt(writer)
        .putInt(seq)
        .putInt(len)
        .put(pattern(len, writer * 31 + seq))
        .array();
  }

  private static void writeFully(SocketChannel peer, byte[] data) throws IOException {
    ByteBuffer b = ByteBuffer.wrap(data);
    while (b.hasRemaining()) {
      peer.write(b);
    }
  }

  private static byte[] readFully(SocketChannel peer, int n) throws IOException {
    ByteBuffer b = ByteBuffer.allocate(n);
    while (b.hasRemaining()) {
      if (peer.read(b) < 0) {
        throw new IOException("end after " + b.position() + " of " + n + " bytes");
      }
    }
    return b.array();
  }

  /** An IoHandler that keeps what it is told. */
  private static final class Recorder implements IoHandler {
    final java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    final List<Throwable> failures = new CopyOnWriteArrayList<>();
    final List<String> readerThreads = new CopyOnWriteArrayList<>();
    final AtomicInteger closed = new AtomicInteger();
    final AtomicInteger created = new AtomicInteger();
    volatile boolean throwOnData;
    volatile boolean suspendAtStart;

    /** When set, the first message waits here, holding its loop, as a slow authentication does. */
    volatile @org.jspecify.annotations.Nullable CountDownLatch holdLoop;

    /** Counted down once a message is held by {@link #holdLoop}. */
    final CountDownLatch holding = new CountDownLatch(1);

    @Override
    public void sessionCreated(IoSession session) {
      created.incrementAndGet();
      if (suspendAtStart) {
        session.suspendRead();
      }
    }

    @Override
    public void sessionClosed(IoSession session) {
      closed.incrementAndGet();
    }

    @Override
    public void exceptionCaught(IoSession session, Throwable cause) {
      failures.add(cause);
    }

    @Override
    public void messageReceived(IoSession session, Readable message) {
      if (throwOnData) {
        throw new IllegalStateException("refused by the test");
      }
      CountDownLatch hold = holdLoop;
      if (hold != null) {
        holding.countDown();
        try {
          hold.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      byte[] b = new byte[message.available()];
      message.getRawBytes(b, 0, b.length);
      readerThreads.add(Thread.currentThread().getName());
      synchronized (bytes) {
        bytes.write(b, 0, b.length);
      }
    }

    byte[] received() {
      synchronized (bytes) {
        return bytes.toByteArray();
      }
    }
  }
}
