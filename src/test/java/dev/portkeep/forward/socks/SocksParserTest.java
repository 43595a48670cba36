package dev.portkeep.forward.socks;

import static dev.portkeep.forward.socks.SocksBytes.concat;
import static dev.portkeep.forward.socks.SocksBytes.greeting;
import static dev.portkeep.forward.socks.SocksBytes.socks4;
import static dev.portkeep.forward.socks.SocksBytes.socks4Connect;
import static dev.portkeep.forward.socks.SocksBytes.socks4a;
import static dev.portkeep.forward.socks.SocksBytes.socks5;
import static dev.portkeep.forward.socks.SocksBytes.socks5Domain;
import static dev.portkeep.forward.socks.SocksBytes.socks5Ipv4;
import static dev.portkeep.forward.socks.SocksBytes.socks5Ipv6Loopback;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portkeep.config.Endpoint;
import dev.portkeep.forward.socks.SocksParser.Phase;
import dev.portkeep.forward.socks.SocksParser.Step;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The handshake parser, message by message, then fragmented, pipelined and at its limits. */
class SocksParserTest {
  private static final int CONNECT = 1;
  private static final int BIND = 2;
  private static final int UDP_ASSOCIATE = 3;

  private static Step first(byte[] bytes) {
    return SocksParser.parse(Phase.FIRST, bytes, bytes.length);
  }

  private static Step request(byte[] bytes) {
    return SocksParser.parse(Phase.SOCKS5_REQUEST, bytes, bytes.length);
  }

  private static Step.Reject reject5(SocksReply reply, String why) {
    return new Step.Reject(SocksVersion.SOCKS5, reply, why);
  }

  @Test
  void socks4_connectIpv4_targetsTheAddressAndConsumesThroughTheUserIdNul() {
    byte[] message = socks4Connect("10.1.2.3", 8080);
    assertThat(first(message))
        .isEqualTo(
            new Step.Connect(SocksVersion.SOCKS4, new Endpoint("10.1.2.3", 8080), message.length));
  }

  @Test
  void socks4_emptyUserId_connects() {
    byte[] message = socks4(CONNECT, new int[] {127, 0, 0, 1}, 22, "");
    assertThat(first(message))
        .isEqualTo(new Step.Connect(SocksVersion.SOCKS4, new Endpoint("127.0.0.1", 22), 9));
  }

  @Test
  void socks4_bind_rejectedWith5B() {
    Step step = first(socks4(BIND, new int[] {127, 0, 0, 1}, 22, "u"));
    assertThat(step)
        .isEqualTo(
            new Step.Reject(SocksVersion.SOCKS4, SocksReply.GENERAL_FAILURE, "command BIND"));
    assertThat(SocksReply.GENERAL_FAILURE.encode(SocksVersion.SOCKS4))
        .containsExactly(0, 0x5B, 0, 0, 0, 0, 0, 0);
  }

  @Test
  void socks4a_hostName_keptAsTextForTheServerToResolve() {
    byte[] message = socks4a(CONNECT, "db.internal.example", 5432);
    assertThat(first(message))
        .isEqualTo(
            new Step.Connect(
                SocksVersion.SOCKS4A, new Endpoint("db.internal.example", 5432), message.length));
  }

  @Test
  void socks4a_bind_rejectedAfterTheWholeMessage() {
    assertThat(first(socks4a(BIND, "h", 1)))
        .isEqualTo(
            new Step.Reject(SocksVersion.SOCKS4A, SocksReply.GENERAL_FAILURE, "command BIND"));
  }

  @Test
  void socks4a_emptyHostName_rejected() {
    assertThat(first(socks4a(CONNECT, "", 80)))
        .isEqualTo(
            new Step.Reject(SocksVersion.SOCKS4A, SocksReply.GENERAL_FAILURE, "empty host name"));
  }

  @Test
  void socks4_userIdOf1023Bytes_connects() {
    byte[] message =
        socks4(CONNECT, new int[] {127, 0, 0, 1}, 1, "u".repeat(SocksParser.MAX_USERID - 1));
    assertThat(first(message)).isInstanceOf(Step.Connect.class);
  }

  @Test
  void socks4_userIdOf1024BytesWithoutNul_rejectedWithoutWaitingForMore() {
    byte[] header = socks4(CONNECT, new int[] {127, 0, 0, 1}, 1, "");
    byte[] message =
        concat(Arrays.copyOf(header, 8), "u".repeat(SocksParser.MAX_USERID).getBytes());
    assertThat(SocksParser.parse(Phase.FIRST, message, message.length - 1))
        .isEqualTo(new Step.NeedMore());
    assertThat(first(message))
        .isEqualTo(
            new Step.Reject(
                SocksVersion.SOCKS4, SocksReply.GENERAL_FAILURE, "user id longer than 1023 bytes"));
  }

  @Test
  void socks4a_hostNameOf255Bytes_connects_256Rejected() {
    assertThat(first(socks4a(CONNECT, "h".repeat(255), 80))).isInstanceOf(Step.Connect.class);
    byte[] tooLong = socks4a(CONNECT, "h".repeat(256), 80);
    assertThat(SocksParser.parse(Phase.FIRST, tooLong, tooLong.length - 1))
        .isEqualTo(
            new Step.Reject(
                SocksVersion.SOCKS4A,
                SocksReply.GENERAL_FAILURE,
                "host name longer than 255 bytes"));
  }

  @Test
  void socks4a_hostNameWithControlCharacter_rejected() {
    assertThat(first(socks4a(CONNECT, "evil\nhost", 80)))
        .isEqualTo(
            new Step.Reject(
                SocksVersion.SOCKS4A,
                SocksReply.GENERAL_FAILURE,
                "host name with control characters or bad UTF-8"));
  }

  @Test
  void socks5Greeting_noAuthAmongMethods_choosesIt() {
    assertThat(first(greeting(2, 1, 0))).isEqualTo(new Step.MethodChosen(5));
  }

  @Test
  void socks5Greeting_withoutNoAuth_noAcceptableMethodNamingTheOffer() {
    assertThat(first(greeting(2, 0x80))).isEqualTo(new Step.NoAcceptableMethod("02 80"));
  }

  @Test
  void socks5Greeting_zeroMethods_noAcceptableMethod() {
    assertThat(first(greeting())).isEqualTo(new Step.NoAcceptableMethod(""));
  }

  @Test
  void socks5_connectIpv4_targetsTheAddress() {
    assertThat(request(socks5Ipv4(CONNECT, 443)))
        .isEqualTo(new Step.Connect(SocksVersion.SOCKS5, new Endpoint("127.0.0.1", 443), 10));
  }

  @Test
  void socks5_connectDomain_keptAsTextForTheServerToResolve() {
    assertThat(request(socks5Domain(CONNECT, "example.com", 80)))
        .isEqualTo(new Step.Connect(SocksVersion.SOCKS5, new Endpoint("example.com", 80), 18));
  }

  @Test
  void socks5_connectUtf8Domain_decodedAsUtf8() {
    assertThat(request(socks5Domain(CONNECT, "bücher.example", 80)))
        .extracting(step -> ((Step.Connect) step).target().host())
        .isEqualTo("bücher.example");
  }

  @Test
  void socks5_connectIpv6_targetsTheLiteral() {
    Step step = request(socks5Ipv6Loopback(CONNECT, 65535));
    assertThat(step)
        .isEqualTo(
            new Step.Connect(SocksVersion.SOCKS5, new Endpoint("0:0:0:0:0:0:0:1", 65535), 22));
  }

  @Test
  void socks5_domainOf255Bytes_connects() {
    byte[] message = socks5Domain(CONNECT, "d".repeat(255), 80);
    assertThat(message).hasSize(262);
    assertThat(request(message))
        .isEqualTo(new Step.Connect(SocksVersion.SOCKS5, new Endpoint("d".repeat(255), 80), 262));
  }

  @Test
  void socks5_domainOfLengthZero_generalFailureWithoutWaiting() {
    byte[] message = socks5(CONNECT, 3, new byte[] {0}, 80);
    assertThat(SocksParser.parse(Phase.SOCKS5_REQUEST, message, 5))
        .isEqualTo(reject5(SocksReply.GENERAL_FAILURE, "empty host name"));
  }

  @Test
  void socks5_domainWithNul_generalFailure() {
    assertThat(request(socks5(CONNECT, 3, new byte[] {3, 'a', 0, 'b'}, 80)))
        .isEqualTo(
            reject5(SocksReply.GENERAL_FAILURE, "host name with control characters or bad UTF-8"));
  }

  @Test
  void socks5_domainWithBadUtf8_generalFailure() {
    assertThat(request(socks5(CONNECT, 3, new byte[] {2, (byte) 0xc3, (byte) 0x28}, 80)))
        .isEqualTo(
            reject5(SocksReply.GENERAL_FAILURE, "host name with control characters or bad UTF-8"));
  }

  @Test
  void socks5_bind_commandNotSupported() {
    assertThat(request(socks5Ipv4(BIND, 80)))
        .isEqualTo(reject5(SocksReply.COMMAND_NOT_SUPPORTED, "command BIND"));
  }

  @Test
  void socks5_udpAssociate_commandNotSupported() {
    assertThat(request(socks5Ipv4(UDP_ASSOCIATE, 0)))
        .isEqualTo(reject5(SocksReply.COMMAND_NOT_SUPPORTED, "command UDP ASSOCIATE"));
  }

  @Test
  void socks5_unknownCommand_commandNotSupportedNamingIt() {
    assertThat(request(socks5Domain(0x09, "h", 80)))
        .isEqualTo(reject5(SocksReply.COMMAND_NOT_SUPPORTED, "command 0x09"));
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 2, 5, 0xff})
  void socks5_unknownAddressType_addressTypeNotSupportedAfterFourBytes(int addressType) {
    byte[] head = {5, CONNECT, 0, (byte) addressType};
    assertThat(request(head))
        .isEqualTo(reject5(SocksReply.ADDRESS_TYPE_NOT_SUPPORTED, "address type " + addressType));
  }

  @Test
  void socks5_requestWithVersion4_generalFailureAtTheFirstByte() {
    assertThat(SocksParser.parse(Phase.SOCKS5_REQUEST, new byte[] {4}, 1))
        .isEqualTo(
            reject5(SocksReply.GENERAL_FAILURE, "request version 4 after a SOCKS5 greeting"));
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 3, 6, 'G', 0x16, 0xff})
  void firstByte_notFourOrFive_notSocks(int firstByte) {
    assertThat(first(new byte[] {(byte) firstByte})).isEqualTo(new Step.NotSocks(firstByte));
  }

  @Test
  void parse_nothingYet_needsMore() {
    assertThat(first(new byte[0])).isEqualTo(new Step.NeedMore());
    assertThat(request(new byte[0])).isEqualTo(new Step.NeedMore());
  }

  @Test
  void parse_lengthBeyondTheLongestMessage_isABug() {
    byte[] big = new byte[SocksParser.MAX_MESSAGE + 1];
    assertThatThrownBy(() -> SocksParser.parse(Phase.FIRST, big, big.length))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("1289");
  }

  @Test
  void replies_encodeRfc1928AndSocks4Shapes() {
    assertThat(SocksReply.SUCCEEDED.encode(SocksVersion.SOCKS5))
        .containsExactly(5, 0, 0, 1, 0, 0, 0, 0, 0, 0);
    assertThat(SocksReply.ADDRESS_TYPE_NOT_SUPPORTED.encode(SocksVersion.SOCKS5))
        .containsExactly(5, 8, 0, 1, 0, 0, 0, 0, 0, 0);
    assertThat(SocksReply.SUCCEEDED.encode(SocksVersion.SOCKS4A))
        .containsExactly(0, 0x5A, 0, 0, 0, 0, 0, 0);
    assertThat(SocksReply.CONNECTION_REFUSED.encode(SocksVersion.SOCKS4))
        .containsExactly(0, 0x5B, 0, 0, 0, 0, 0, 0);
  }
}
