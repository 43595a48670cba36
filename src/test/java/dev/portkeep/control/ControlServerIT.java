package dev.portkeep.control;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portkeep.error.NotRunningException;
import dev.portkeep.testing.Await;
import java.io.IOException;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadFactory;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@Timeout(60)
class ControlServerIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration LONG = Duration.ofSeconds(30);

  @TempDir Path temp;
  private final List<Thread> threads = new CopyOnWriteArrayList<>();
  private final List<AutoCloseable> cleanup = new ArrayList<>();

  private Path socket() {
    return temp.resolve("control.sock");
  }

  /** Every thread the server starts, recorded so tests can see them end. */
  private ThreadFactory recording() {
    ThreadFactory virtual = Thread.ofVirtual().name("control-test-", 0).factory();
    return task -> {
      Thread thread = virtual.newThread(task);
      threads.add(thread);
      return thread;
    };
  }

  private ControlServer start(ControlHandler handler, ControlLimits limits) {
    ControlServer server = ControlServer.start(socket(), handler, "9.9-test", limits, recording());
    cleanup.add(server);
    return server;
  }

  private ControlServer start(ControlHandler handler) {
    return start(handler, ControlLimits.DEFAULT);
  }

  private static ObjectNode fields() {
    return JsonNodeFactory.instance.objectNode();
  }

  @AfterEach
  void closeAll() throws Exception {
    for (AutoCloseable c : cleanup.reversed()) {
      c.close();
    }
  }

  @Test
  void ping_roundTrip_answersPidVersionAndStartInstant() throws IOException {
    Instant before = Instant.now().minusSeconds(1);
    start(request -> Assertions.fail("ping reached the handler"));
    String line = RawClient.send(socket(), "{\"command\":\"ping\"}\n");
    var answer = JSON.readTree(line);
    assertThat(answer.get("ok").booleanValue()).isTrue();
    assertThat(answer.get("pid").longValue()).isEqualTo(ProcessHandle.current().pid());
    assertThat(answer.get("version").textValue()).isEqualTo("9.9-test");
    assertThat(Instant.parse(answer.get("since").textValue())).isBetween(before, Instant.now());
  }

  @Test
  void request_goesToTheHandler_andItsFieldsFollowOk() throws IOException {
    List<Request> seen = new CopyOnWriteArrayList<>();
    start(
        request -> {
          seen.add(request);
          return fields().put("stopped", 2);
        });
    assertThat(RawClient.send(socket(), "{\"command\":\"stop\",\"tunnels\":[\"a\",\"b\"]}\n"))
        .isEqualTo("{\"ok\":true,\"stopped\":2}");
    assertThat(seen).containsExactly(new Request.Stop(List.of("a", "b")));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "malformed JSON          | {\"command\":                          | bad_request",
        "not an object           | [1,2]                                  | bad_request",
        "duplicate key           | {\"command\":\"ping\",\"command\":\"status\"} | bad_request",
        "unknown command         | {\"command\":\"halt\"}                 | unknown_command",
        "unknown field           | {\"command\":\"reload\",\"file\":\"x\"} | bad_request",
        "wrong type              | {\"command\":\"start\",\"tunnels\":\"a\"} | bad_request",
        "trailing tokens         | {\"command\":\"ping\"}{}               | bad_request",
      })
  void badRequest_getsAnErrorOfItsKind_andTheServerGoesOn(String what, String line, String kind)
      throws IOException {
    start(request -> Assertions.fail("a bad request reached the handler"));
    var answer = JSON.readTree(RawClient.send(socket(), line + "\n"));
    assertThat(answer.get("ok").booleanValue()).isFalse();
    assertThat(answer.at("/error/kind").textValue()).isEqualTo(kind);
    assertThat(answer.at("/error/message").textValue()).isNotBlank();
    assertThat(ping()).isTrue();
  }

  @Test
  void deeplyNested_getsBadRequest() throws IOException {
    start(request -> fields());
    String deep = "{\"command\":\"ping\",\"x\":" + "[".repeat(30_000) + "]".repeat(30_000) + "}\n";
    var answer = JSON.readTree(RawClient.send(socket(), deep));
    assertThat(answer.at("/error/kind").textValue()).isEqualTo("bad_request");
    assertThat(answer.at("/error/message").textValue()).contains("nesting depth");
  }

  @Test
  void oversizeRequest_getsTooLargeThenClose_andTheServerGoesOn() throws IOException {
    start(request -> fields());
    byte[] big =
        ("{\"command\":\"ping\",\"pad\":\"" + "x".repeat(70_000) + "\"}\n")
            .getBytes(StandardCharsets.UTF_8);
    try (SocketChannel channel = RawClient.connect(socket())) {
      RawClient.write(channel, big);
      var answer = JSON.readTree(RawClient.readLine(channel));
      assertThat(answer.at("/error/kind").textValue()).isEqualTo("too_large");
      assertThat(answer.at("/error/message").textValue()).contains("65536 bytes");
    }
    assertThat(ping()).isTrue();
  }

  @Test
  void requestOfExactlyTheLimit_isRead() throws IOException {
    start(request -> fields());
    String head = "{\"command\":\"ping\"}";
    String line = head + " ".repeat(64 * 1024 - head.length() - 1) + "\n";
    assertThat(line).hasSize(64 * 1024);
    assertThat(RawClient.send(socket(), line)).startsWith("{\"ok\":true");
  }

  @Test
  void noNewlineThenEof_getsBadRequest() throws IOException {
    start(request -> fields());
    try (SocketChannel channel = RawClient.connect(socket())) {
      RawClient.write(channel, "{\"command\":\"ping\"}".getBytes(StandardCharsets.UTF_8));
      channel.shutdownOutput();
      var answer = JSON.readTree(RawClient.readLine(channel));
      assertThat(answer.at("/error/kind").textValue()).isEqualTo("bad_request");
      assertThat(answer.at("/error/message").textValue()).contains("without a newline");
    }
  }

  @Test
  void silentClient_isDroppedAfterTheReadDeadline_whileAConcurrentPingIsAnswered()
      throws IOException {
    Duration deadline = Duration.ofMillis(700);
    start(request -> fields(), new ControlLimits(deadline, LONG, 64, 64 * 1024));
    // the clock starts before connecting: the server may accept, and start its own clock, before
    // connect() returns here
    long asked = System.nanoTime();
    try (SocketChannel silent = RawClient.connect(socket())) {
      assertThat(ping()).as("a ping while the silent client waits").isTrue();
      assertThat(RawClient.readLine(silent)).as("no answer, just a hang-up").isNull();
      assertThat(Duration.ofNanos(System.nanoTime() - asked)).isBetween(deadline, LONG);
    }
  }

  @Test
  void silentClientsBeyondTheLimit_areAnsweredBusyAtOnce_andPingWorksOnceTheyLeave()
      throws IOException {
    int limit = ControlLimits.DEFAULT.maxConnections();
    start(request -> fields(), new ControlLimits(LONG, LONG, limit, 64 * 1024));
    List<SocketChannel> silent = new ArrayList<>();
    try {
      for (int i = 0; i < limit; i++) {
        silent.add(RawClient.connect(socket()));
      }
      for (int i = 0; i < 6; i++) {
        long asked = System.nanoTime();
        var answer = JSON.readTree(RawClient.send(socket(), "{\"command\":\"ping\"}\n"));
        assertThat(answer.at("/error/kind").textValue()).isEqualTo("busy");
        assertThat(Duration.ofNanos(System.nanoTime() - asked)).isLessThan(Duration.ofSeconds(5));
      }
    } finally {
      for (SocketChannel channel : silent) {
        channel.close();
      }
    }
    Await.until("a slot is free again", this::ping);
  }

  @Test
  void handlerThatThrows_getsInternal_andTheServerGoesOn() throws IOException {
    start(
        request -> {
          throw new IllegalStateException("tunnel table corrupt");
        });
    var answer = JSON.readTree(RawClient.send(socket(), "{\"command\":\"status\"}\n"));
    assertThat(answer.at("/error/kind").textValue()).isEqualTo("internal");
    assertThat(answer.at("/error/message").textValue())
        .contains("failed on 'status'")
        .contains("tunnel table corrupt");
    assertThat(ping()).isTrue();
  }

  @Test
  void handlerFailure_isAnsweredWithItsOwnKindMessageAndHint() throws IOException {
    start(
        request -> {
          throw new ControlFailure(
              "unknown_tunnel", "no tunnel 'db'", "portkeep status lists them");
        });
    assertThat(RawClient.send(socket(), "{\"command\":\"start\",\"tunnels\":[\"db\"]}\n"))
        .isEqualTo(
            "{\"ok\":false,\"error\":{\"kind\":\"unknown_tunnel\",\"message\":\"no tunnel 'db'\","
                + "\"hint\":\"portkeep status lists them\"}}");
  }

  @Test
  void handlerReturningOk_isABugAnsweredInternal() throws IOException {
    start(request -> fields().put("ok", false));
    var answer = JSON.readTree(RawClient.send(socket(), "{\"command\":\"status\"}\n"));
    assertThat(answer.at("/error/kind").textValue()).isEqualTo("internal");
  }

  @Test
  void socketFile_isForItsOwnerOnly() throws IOException {
    start(request -> fields());
    assertThat(Files.getAttribute(socket(), "unix:mode")).isEqualTo(0140600);
  }

  @Test
  void close_removesTheSocketFile_andEndsEveryThreadItStarted() throws Exception {
    CountDownLatch inHandler = new CountDownLatch(1);
    ControlServer server =
        start(
            request -> {
              inHandler.countDown();
              try {
                new CountDownLatch(1).await(); // until close interrupts it
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              return fields();
            },
            new ControlLimits(LONG, LONG, 64, 64 * 1024));
    SocketChannel silent = RawClient.connect(socket());
    SocketChannel waiting = RawClient.connect(socket());
    RawClient.write(waiting, "{\"command\":\"status\"}\n".getBytes(StandardCharsets.UTF_8));
    assertThat(ping()).isTrue();
    inHandler.await();
    try (silent;
        waiting) {
      server.close();
      assertThat(socket()).doesNotExist();
      assertThat(threads).hasSizeGreaterThanOrEqualTo(4);
      assertThat(threads).noneMatch(Thread::isAlive);
      assertThat(RawClient.readLine(silent)).isNull();
    }
    Assertions.assertThatThrownBy(
            () -> new ControlClient(socket(), LONG).exchange(new Request.Ping()))
        .isInstanceOf(NotRunningException.class);
  }

  @Test
  void close_twice_isHarmless() {
    ControlServer server = start(request -> fields());
    server.close();
    server.close();
    assertThat(socket()).doesNotExist();
  }

  private boolean ping() {
    try {
      return new ControlClient(socket(), LONG).exchange(new Request.Ping()).ok();
    } catch (RuntimeException e) {
      return false;
    }
  }
}
