package dev.portkeep.forward.socks;

import static dev.portkeep.forward.socks.SocksBytes.concat;
import static dev.portkeep.forward.socks.SocksBytes.greeting;
import static dev.portkeep.forward.socks.SocksBytes.socks4Connect;
import static dev.portkeep.forward.socks.SocksBytes.socks4a;
import static dev.portkeep.forward.socks.SocksBytes.socks5Connect;
import static dev.portkeep.forward.socks.SocksBytes.socks5Domain;
import static dev.portkeep.forward.socks.SocksBytes.socks5Ipv4;
import static dev.portkeep.forward.socks.SocksBytes.socks5Ipv6Loopback;
import static org.assertj.core.api.Assertions.assertThat;

import dev.portkeep.config.Endpoint;
import dev.portkeep.forward.socks.SocksParser.Phase;
import dev.portkeep.forward.socks.SocksParser.Step;
import dev.portkeep.testing.Payloads;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The parser driven the way a connection drives it: bytes arrive in chunks of any size into one
 * bounded buffer, and whatever follows the request is handed on exactly once.
 */
class SocksParserStreamTest {

  /** The decisions the parser made, and the bytes a pump would send on after a CONNECT. */
  @SuppressWarnings("ArrayRecordComponent") // never compared whole: tests assert on its parts
  record Outcome(List<Step> steps, byte[] pending) {}

  /** Plays the connection's loop over {@code input} arriving {@code chunk} bytes at a time. */
  static Outcome drive(byte[] input, int chunk) {
    byte[] buffer = new byte[SocksParser.MAX_MESSAGE];
    int length = 0;
    int position = 0;
    Phase phase = Phase.FIRST;
    List<Step> steps = new ArrayList<>();
    while (true) {
      Step step = SocksParser.parse(phase, buffer, length);
      if (step instanceof Step.NeedMore) {
        int n = Math.min(Math.min(chunk, input.length - position), buffer.length - length);
        assertThat(n).as("parser needs more after %d bytes held", length).isPositive();
        System.arraycopy(input, position, buffer, length, n);
        position += n;
        length += n;
        continue;
      }
      steps.add(step);
      if (step instanceof Step.MethodChosen(int consumed)) {
        System.arraycopy(buffer, consumed, buffer, 0, length - consumed);
        length -= consumed;
        phase = Phase.SOCKS5_REQUEST;
        continue;
      }
      byte[] pending = new byte[0];
      if (step instanceof Step.Connect connect) {
        pending =
            concat(
                Arrays.copyOfRange(buffer, connect.consumed(), length),
                Arrays.copyOfRange(input, position, input.length));
      }
      return new Outcome(steps, pending);
    }
  }

  static Stream<byte[]> messages() {
    return Stream.of(
        socks4Connect("127.0.0.1", 80),
        socks4a(1, "localhost", 80),
        socks4a(2, "localhost", 80),
        socks5Connect(socks5Ipv4(1, 80)),
        socks5Connect(socks5Domain(1, "d".repeat(255), 80)),
        socks5Connect(socks5Ipv6Loopback(1, 80)),
        socks5Connect(socks5Ipv4(3, 80)),
        concat(greeting(0x80), socks5Ipv4(1, 80)),
        concat(greeting(allMethodsNoAuthLast()), socks5Domain(1, "h", 1)));
  }

  private static int[] allMethodsNoAuthLast() {
    int[] methods = new int[255];
    for (int i = 0; i < 255; i++) {
      methods[i] = 254 - i; // "no authentication" comes last
    }
    return methods;
  }

  @ParameterizedTest
  @MethodSource("messages")
  void message_oneByteAtATime_sameDecisionsAsInOneRead(byte[] message) {
    Outcome whole = drive(message, message.length);
    Outcome dribbled = drive(message, 1);
    assertThat(dribbled.steps()).isEqualTo(whole.steps());
    assertThat(dribbled.pending()).isEmpty();
    assertThat(whole.steps().getLast()).isNotInstanceOf(Step.NeedMore.class);
  }

  @ParameterizedTest
  @MethodSource("messages")
  void message_everyStrictPrefix_needsMore(byte[] message) {
    Outcome whole = drive(message, message.length);
    int firstMessage =
        switch (whole.steps().getFirst()) {
          case Step.MethodChosen(int consumed) -> consumed;
          case Step.NoAcceptableMethod offered -> 2 + (message[1] & 0xff);
          default -> message.length;
        };
    for (int n = 0; n < firstMessage; n++) {
      assertThat(SocksParser.parse(Phase.FIRST, message, n))
          .as("prefix of %d bytes", n)
          .isEqualTo(new Step.NeedMore());
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 3, 7, 10, 13, 1000, SocksParser.MAX_MESSAGE})
  void socks5_greetingRequestAndPayloadInAnyChunks_payloadHandedOnExactlyOnce(int chunk) {
    byte[] payload = Payloads.bytes(64 * 1024, 5);
    Outcome outcome =
        drive(concat(socks5Connect(socks5Domain(1, "localhost", 8080)), payload), chunk);
    assertThat(outcome.steps())
        .containsExactly(
            new Step.MethodChosen(3),
            new Step.Connect(SocksVersion.SOCKS5, new Endpoint("localhost", 8080), 16));
    assertThat(Payloads.sha256(outcome.pending())).isEqualTo(Payloads.sha256(payload));
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 5, 9, SocksParser.MAX_MESSAGE})
  void socks4a_requestAndPayloadInAnyChunks_payloadHandedOnExactlyOnce(int chunk) {
    byte[] payload = Payloads.bytes(4096, 9);
    byte[] request = socks4a(1, "localhost", 8080);
    Outcome outcome = drive(concat(request, payload), chunk);
    assertThat(outcome.steps())
        .containsExactly(
            new Step.Connect(
                SocksVersion.SOCKS4A, new Endpoint("localhost", 8080), request.length));
    assertThat(outcome.pending()).isEqualTo(payload);
  }

  @Test
  void anyBytes_filledToTheLongestMessage_alwaysDecided() {
    Random random = new Random(20_26);
    byte[] data = new byte[SocksParser.MAX_MESSAGE];
    for (int i = 0; i < 20_000; i++) {
      random.nextBytes(data);
      data[0] = (byte) (4 + (i & 1));
      if (i % 3 == 0) {
        Arrays.fill(data, 8, data.length, (byte) 'x'); // SOCKS4 user ids and 4a names without NUL
      }
      for (Phase phase : Phase.values()) {
        assertThat(SocksParser.parse(phase, data, data.length))
            .isNotInstanceOf(Step.NeedMore.class);
      }
    }
  }

  @Test
  void socks4a_longestUserIdAndHostName_fitTheBuffer() {
    byte[] message =
        concat(
            SocksBytes.socks4(
                1, new int[] {0, 0, 0, 9}, 80, "u".repeat(SocksParser.MAX_USERID - 1)),
            "h".repeat(SocksParser.MAX_HOST).getBytes(),
            new byte[] {0});
    assertThat(message).hasSize(SocksParser.MAX_MESSAGE);
    assertThat(drive(message, 1).steps())
        .containsExactly(
            new Step.Connect(
                SocksVersion.SOCKS4A, new Endpoint("h".repeat(255), 80), message.length));
  }
}
