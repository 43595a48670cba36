package dev.portkeep.forward.socks;

import dev.portkeep.config.Endpoint;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * Parses SOCKS4, SOCKS4a and SOCKS5 CONNECT handshakes from the bytes received so far, without I/O.
 * The caller keeps one buffer of {@link #MAX_MESSAGE} bytes, appends what it reads and asks again
 * after {@link Step.NeedMore}; every input of {@code MAX_MESSAGE} bytes gets a decision, so the
 * buffer never grows. Bytes past {@code consumed} belong to the client's next message or its
 * payload.
 */
final class SocksParser {
  /** Longest SOCKS4 user id, including its terminating NUL (OpenSSH's 2014 bug class). */
  static final int MAX_USERID = 1024;

  /** Longest host name (SOCKS5's one-byte length; the same limit for SOCKS4a). */
  static final int MAX_HOST = 255;

  /** Longest message: a SOCKS4a request with the longest user id and host name. */
  static final int MAX_MESSAGE = 8 + MAX_USERID + MAX_HOST + 1;

  private static final int CONNECT = 1;
  private static final Step NEED_MORE = new Step.NeedMore();

  private SocksParser() {}

  /**
   * Where the handshake stands: the first message, or a SOCKS5 request after the method was chosen.
   */
  enum Phase {
    FIRST,
    SOCKS5_REQUEST
  }

  /** What to do with the bytes received so far. */
  sealed interface Step {
    /** The message is incomplete; read more and ask again. */
    record NeedMore() implements Step {}

    /**
     * A SOCKS5 greeting offering "no authentication": reply {@code 05 00}, then parse the request.
     */
    record MethodChosen(int consumed) implements Step {}

    /** A complete CONNECT request. */
    record Connect(SocksVersion version, Endpoint target, int consumed) implements Step {}

    /** A well-framed request we turn down: send {@code reply}, then close. */
    record Reject(SocksVersion version, SocksReply reply, String why) implements Step {}

    /**
     * A SOCKS5 greeting without "no authentication" among its methods: reply {@code 05 FF}, close.
     */
    record NoAcceptableMethod(String offered) implements Step {}

    /** The first byte is no SOCKS version: close without a word. */
    record NotSocks(int firstByte) implements Step {}
  }

  /**
   * Parses {@code data[0, length)}, which holds everything received since the last consumed
   * message.
   */
  static Step parse(Phase phase, byte[] data, int length) {
    if (length > data.length || length > MAX_MESSAGE) {
      throw new IllegalArgumentException("length " + length + " exceeds the buffer");
    }
    if (length == 0) {
      return NEED_MORE;
    }
    if (phase == Phase.SOCKS5_REQUEST) {
      return socks5Request(data, length);
    }
    return switch (data[0]) {
      case 4 -> socks4(data, length);
      case 5 -> socks5Greeting(data, length);
      default -> new Step.NotSocks(data[0] & 0xff);
    };
  }

  private static Step socks5Greeting(byte[] data, int length) {
    if (length < 2) {
      return NEED_MORE;
    }
    int methods = data[1] & 0xff;
    if (length < 2 + methods) {
      return NEED_MORE;
    }
    for (int i = 0; i < methods; i++) {
      if (data[2 + i] == 0) {
        return new Step.MethodChosen(2 + methods);
      }
    }
    return new Step.NoAcceptableMethod(HexFormat.ofDelimiter(" ").formatHex(data, 2, 2 + methods));
  }

  private static Step socks5Request(byte[] data, int length) {
    if (data[0] != 5) {
      return reject5(
          SocksReply.GENERAL_FAILURE,
          "request version " + (data[0] & 0xff) + " after a SOCKS5 greeting");
    }
    if (length < 4) {
      return NEED_MORE;
    }
    int addressType = data[3] & 0xff;
    if (addressType == 3 && length < 5) {
      return NEED_MORE;
    }
    int addressEnd =
        switch (addressType) {
          case 1 -> 4 + 4;
          case 3 -> 5 + (data[4] & 0xff);
          case 4 -> 4 + 16;
          default -> -1;
        };
    if (addressEnd < 0) {
      return reject5(SocksReply.ADDRESS_TYPE_NOT_SUPPORTED, "address type " + addressType);
    }
    if (addressType == 3 && data[4] == 0) {
      return reject5(SocksReply.GENERAL_FAILURE, "empty host name");
    }
    if (length < addressEnd + 2) {
      return NEED_MORE;
    }
    int command = data[1] & 0xff;
    if (command != CONNECT) {
      return reject5(SocksReply.COMMAND_NOT_SUPPORTED, "command " + socks5Command(command));
    }
    String host =
        switch (addressType) {
          case 3 -> hostName(data, 5, addressEnd);
          default -> ipLiteral(data, 4, addressEnd);
        };
    if (host == null) {
      return reject5(SocksReply.GENERAL_FAILURE, "host name with control characters or bad UTF-8");
    }
    return new Step.Connect(
        SocksVersion.SOCKS5, new Endpoint(host, port(data, addressEnd)), addressEnd + 2);
  }

  /**
   * {@code VN CD DSTPORT DSTIP USERID NUL}, and for 4a, DSTIP 0.0.0.x with {@code HOST NUL} after
   * it.
   */
  private static Step socks4(byte[] data, int length) {
    if (length < 8) {
      return NEED_MORE;
    }
    int userEnd = indexOfNul(data, 8, Math.min(length, 8 + MAX_USERID));
    if (userEnd < 0) {
      return length >= 8 + MAX_USERID
          ? reject4(SocksVersion.SOCKS4, "user id longer than " + (MAX_USERID - 1) + " bytes")
          : NEED_MORE;
    }
    boolean socks4a = data[4] == 0 && data[5] == 0 && data[6] == 0 && data[7] != 0;
    SocksVersion version = socks4a ? SocksVersion.SOCKS4A : SocksVersion.SOCKS4;
    int consumed = userEnd + 1;
    String host;
    if (socks4a) {
      int hostEnd = indexOfNul(data, consumed, Math.min(length, consumed + MAX_HOST + 1));
      if (hostEnd < 0) {
        return length >= consumed + MAX_HOST + 1
            ? reject4(version, "host name longer than " + MAX_HOST + " bytes")
            : NEED_MORE;
      }
      if (hostEnd == consumed) {
        return reject4(version, "empty host name");
      }
      host = hostName(data, consumed, hostEnd);
      consumed = hostEnd + 1;
    } else {
      host = ipLiteral(data, 4, 8);
    }
    if (data[1] != CONNECT) {
      return reject4(
          version,
          "command " + (data[1] == 2 ? "BIND" : "0x" + HexFormat.of().toHexDigits(data[1])));
    }
    if (host == null) {
      return reject4(version, "host name with control characters or bad UTF-8");
    }
    return new Step.Connect(version, new Endpoint(host, port(data, 2)), consumed);
  }

  private static int indexOfNul(byte[] data, int from, int to) {
    for (int i = from; i < to; i++) {
      if (data[i] == 0) {
        return i;
      }
    }
    return -1;
  }

  private static int port(byte[] data, int at) {
    return ((data[at] & 0xff) << 8) | (data[at + 1] & 0xff);
  }

  /** Dotted IPv4 or IPv6 text, built without any name lookup. */
  private static String ipLiteral(byte[] data, int from, int to) {
    if (to - from == 4) {
      return (data[from] & 0xff)
          + "."
          + (data[from + 1] & 0xff)
          + "."
          + (data[from + 2] & 0xff)
          + "."
          + (data[from + 3] & 0xff);
    }
    try {
      // getByAddress never looks a name up; it only checks the length.
      return InetAddress.getByAddress(Arrays.copyOfRange(data, from, to)).getHostAddress();
    } catch (UnknownHostException e) {
      throw new IllegalStateException("16 bytes are always an IPv6 address", e);
    }
  }

  /**
   * The name as UTF-8 text, or null if it is not valid UTF-8 or holds a control character (NUL
   * included).
   */
  private static String hostName(byte[] data, int from, int to) {
    for (int i = from; i < to; i++) {
      if ((data[i] & 0xff) < 0x20 || data[i] == 0x7f) {
        return null;
      }
    }
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(data, from, to - from))
          .toString();
    } catch (CharacterCodingException e) {
      return null;
    }
  }

  private static String socks5Command(int command) {
    return switch (command) {
      case 2 -> "BIND";
      case 3 -> "UDP ASSOCIATE";
      default -> "0x" + HexFormat.of().toHexDigits((byte) command);
    };
  }

  private static Step reject5(SocksReply reply, String why) {
    return new Step.Reject(SocksVersion.SOCKS5, reply, why);
  }

  private static Step reject4(SocksVersion version, String why) {
    return new Step.Reject(version, SocksReply.GENERAL_FAILURE, why);
  }
}
