package dev.portkeep.forward.socks;

/** The reply codes of RFC 1928 section 6; SOCKS4 collapses every failure into 0x5B. */
enum SocksReply {
  SUCCEEDED(0x00),
  GENERAL_FAILURE(0x01),
  NOT_ALLOWED(0x02),
  NETWORK_UNREACHABLE(0x03),
  HOST_UNREACHABLE(0x04),
  CONNECTION_REFUSED(0x05),
  TTL_EXPIRED(0x06),
  COMMAND_NOT_SUPPORTED(0x07),
  ADDRESS_TYPE_NOT_SUPPORTED(0x08);

  static final int SOCKS4_GRANTED = 0x5A;
  static final int SOCKS4_REJECTED = 0x5B;

  private final int code;

  SocksReply(int code) {
    this.code = code;
  }

  /** The SOCKS5 REP byte. */
  int code() {
    return code;
  }

  /**
   * The whole reply for {@code version}. The bound address is not known to a client of {@code
   * direct-tcpip}, so it is sent as 0.0.0.0 port 0, as OpenSSH does.
   */
  byte[] encode(SocksVersion version) {
    return switch (version) {
      case SOCKS4, SOCKS4A -> {
        int status = this == SUCCEEDED ? SOCKS4_GRANTED : SOCKS4_REJECTED;
        yield new byte[] {0, (byte) status, 0, 0, 0, 0, 0, 0};
      }
      case SOCKS5 -> new byte[] {5, (byte) code, 0, 1, 0, 0, 0, 0, 0, 0};
    };
  }
}
