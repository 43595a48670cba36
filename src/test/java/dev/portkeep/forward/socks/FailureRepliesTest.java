package dev.portkeep.forward.socks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portkeep.forward.ChannelOpenFailure;
import dev.portkeep.status.ChannelFailure;
import java.io.IOException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Which SOCKS reply each channel-open failure gets. */
class FailureRepliesTest {

  @ParameterizedTest(name = "{0} \"{1}\" -> {2}")
  @CsvSource({
    "ADMINISTRATIVELY_PROHIBITED, open failed, NOT_ALLOWED",
    "CONNECT_FAILED, Connection refused, CONNECTION_REFUSED",
    "CONNECT_FAILED, '', CONNECTION_REFUSED",
    "CONNECT_FAILED, Name or service not known, HOST_UNREACHABLE",
    "CONNECT_FAILED, Temporary failure in name resolution, HOST_UNREACHABLE",
    "CONNECT_FAILED, No address associated with hostname, HOST_UNREACHABLE",
    "CONNECT_FAILED, nodename nor servname provided, HOST_UNREACHABLE",
    "CONNECT_FAILED, Unable to resolve host, HOST_UNREACHABLE",
    "CONNECT_FAILED, No route to host, HOST_UNREACHABLE",
    "CONNECT_FAILED, Network is unreachable, NETWORK_UNREACHABLE",
    "CONNECT_FAILED, Connection timed out, TTL_EXPIRED",
    "RESOURCE_SHORTAGE, too many channels, GENERAL_FAILURE",
    "UNKNOWN_CHANNEL_TYPE, unknown channel type, GENERAL_FAILURE",
    "REFUSED, '', GENERAL_FAILURE",
  })
  void forFailure_serverRefusal_mapsReasonAndMessage(
      ChannelFailure reason, String message, SocksReply expected) {
    assertThat(FailureReplies.forFailure(new ChannelOpenFailure(reason, message)))
        .isEqualTo(expected);
  }

  @ParameterizedTest
  @CsvSource({"Session is being closed", "Connection reset"})
  void forFailure_sessionGone_generalFailure(String message) {
    assertThat(FailureReplies.forFailure(new IOException(message)))
        .isEqualTo(SocksReply.GENERAL_FAILURE);
  }
}
