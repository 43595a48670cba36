package dev.portkeep.forward.socks;

import dev.portkeep.forward.ChannelOpenFailure;
import java.io.IOException;
import java.util.List;
import java.util.Locale;

/**
 * Chooses the SOCKS reply for a channel that did not open. RFC 4254 gives the server one code for
 * every failure to reach the target ({@code CONNECT_FAILED}), so the server's message, which
 * OpenSSH fills with {@code strerror} or {@code gai_strerror} text, tells refused from
 * unresolvable.
 */
final class FailureReplies {
  /**
   * Words of getaddrinfo errors (glibc, musl, BSD) and of servers that say they could not resolve.
   */
  private static final List<String> NAME_FAILURES =
      List.of(
          "name or service not known",
          "name resolution",
          "nodename",
          "no address associated",
          "unknown host",
          "resolve",
          "unresolved");

  private FailureReplies() {}

  /** The reply for {@code failure}, thrown by a {@link dev.portkeep.forward.ChannelOpener}. */
  static SocksReply forFailure(IOException failure) {
    if (!(failure instanceof ChannelOpenFailure refused)) {
      return SocksReply.GENERAL_FAILURE; // the session is gone or did not answer
    }
    return switch (refused.reason()) {
      case ADMINISTRATIVELY_PROHIBITED -> SocksReply.NOT_ALLOWED;
      case CONNECT_FAILED -> forConnectFailure(String.valueOf(refused.getMessage()));
      case UNKNOWN_CHANNEL_TYPE, RESOURCE_SHORTAGE, REFUSED, SESSION_DOWN, ERROR ->
          SocksReply.GENERAL_FAILURE;
    };
  }

  private static SocksReply forConnectFailure(String message) {
    String text = message.toLowerCase(Locale.ROOT);
    if (NAME_FAILURES.stream().anyMatch(text::contains)) {
      return SocksReply.HOST_UNREACHABLE;
    }
    if (text.contains("network is unreachable")) {
      return SocksReply.NETWORK_UNREACHABLE;
    }
    if (text.contains("no route to host") || text.contains("host is unreachable")) {
      return SocksReply.HOST_UNREACHABLE;
    }
    if (text.contains("timed out")) {
      return SocksReply.TTL_EXPIRED;
    }
    return SocksReply.CONNECTION_REFUSED;
  }
}
