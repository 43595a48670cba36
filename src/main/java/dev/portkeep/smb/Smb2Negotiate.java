package dev.portkeep.smb;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Optional;
import java.util.UUID;

/**
 * The SMB2 NEGOTIATE exchange as pure functions over bytes: {@link #request} builds the request and
 * {@link #decode} reads whatever came back into a {@link ProbeResult}. Field offsets follow MS-SMB2
 * 2.1 (transport), 2.2.1 (header), 2.2.3 (request) and 2.2.4 (response). Integers are little-endian
 * except the 3-byte transport length, which is big-endian.
 */
final class Smb2Negotiate {
  static final int TRANSPORT_HEADER = 4;
  static final int SMB2_HEADER = 64;

  /** A negotiate answer with its security blob is under 1 KiB; anything over this is not one. */
  static final int MAX_ANSWER = 64 * 1024;

  static final int SALT_LENGTH = 32;

  /** How many bytes of a non-SMB answer are kept for the message. */
  static final int PREVIEW = 64;

  static final int PREAUTH_INTEGRITY_CAPABILITIES = 0x0001;
  static final int ENCRYPTION_CAPABILITIES = 0x0002;
  static final int SHA_512 = 0x0001;
  static final int AES_128_CCM = 0x0001;
  static final int AES_128_GCM = 0x0002;
  static final int SIGNING_ENABLED = 0x0001;
  static final int SIGNING_REQUIRED = 0x0002;
  static final int FLAGS_SERVER_TO_REDIR = 0x0001;
  static final int NEGOTIATE = 0x0000;
  static final int WILDCARD_DIALECT = 0x02FF;

  private static final int SESSION_MESSAGE = 0x00;
  private static final int NEGATIVE_SESSION_RESPONSE = 0x83;
  private static final int SESSION_KEEPALIVE = 0x85;
  private static final byte[] SMB2_ID = {(byte) 0xFE, 'S', 'M', 'B'};
  private static final byte[] SMB1_ID = {(byte) 0xFF, 'S', 'M', 'B'};
  private static final int CLIENT_CAPABILITIES =
      NegotiateDetails.CAP_DFS
          | NegotiateDetails.CAP_LEASING
          | NegotiateDetails.CAP_LARGE_MTU
          | NegotiateDetails.CAP_ENCRYPTION;

  /** 100 ns intervals from 1601-01-01 (FILETIME's epoch) to 1970-01-01. */
  private static final long FILETIME_UNIX_EPOCH = 116_444_736_000_000_000L;

  private Smb2Negotiate() {}

  /**
   * The whole NEGOTIATE request with its transport length prefix: every {@link Dialect}, signing
   * enabled, and for 3.1.1 a preauth-integrity context (SHA-512, {@code salt}) and an encryption
   * context (AES-128-GCM, AES-128-CCM).
   */
  static byte[] request(UUID clientGuid, byte[] salt) {
    if (salt.length != SALT_LENGTH) {
      throw new IllegalArgumentException(
          "salt must be " + SALT_LENGTH + " bytes, not " + salt.length);
    }
    Dialect[] dialects = Dialect.values();
    int contextsOffset = align8(SMB2_HEADER + 36 + 2 * dialects.length);
    int preauthData = 6 + salt.length;
    int encryptionData = 2 + 2 * 2;
    int smbLength = align8(contextsOffset + 8 + preauthData) + 8 + encryptionData;

    ByteBuffer out =
        ByteBuffer.allocate(TRANSPORT_HEADER + smbLength).order(ByteOrder.LITTLE_ENDIAN);
    out.order(ByteOrder.BIG_ENDIAN)
        .putInt(0, smbLength)
        .order(ByteOrder.LITTLE_ENDIAN); // type 0, 24-bit length
    int smb = TRANSPORT_HEADER;
    // SMB2 header, sync form: everything not set here is zero (message id 0, no session, no tree).
    out.put(smb, SMB2_ID);
    out.putShort(smb + 4, (short) SMB2_HEADER); // StructureSize
    out.putShort(smb + 12, (short) NEGOTIATE); // Command
    out.putShort(smb + 14, (short) 1); // CreditRequest
    // NEGOTIATE request body.
    int body = smb + SMB2_HEADER;
    out.putShort(body, (short) 36); // StructureSize
    out.putShort(body + 2, (short) dialects.length);
    out.putShort(body + 4, (short) SIGNING_ENABLED);
    out.putInt(body + 8, CLIENT_CAPABILITIES);
    out.put(body + 12, guidBytes(clientGuid));
    out.putInt(
        body + 28, contextsOffset); // NegotiateContextOffset, from the start of the SMB2 header
    out.putShort(body + 32, (short) 2); // NegotiateContextCount
    for (int i = 0; i < dialects.length; i++) {
      out.putShort(body + 36 + 2 * i, (short) dialects[i].code());
    }
    int ctx = smb + contextsOffset;
    out.putShort(ctx, (short) PREAUTH_INTEGRITY_CAPABILITIES);
    out.putShort(ctx + 2, (short) preauthData);
    out.putShort(ctx + 8, (short) 1); // HashAlgorithmCount
    out.putShort(ctx + 10, (short) salt.length);
    out.putShort(ctx + 12, (short) SHA_512);
    out.put(ctx + 14, salt);
    ctx = smb + align8(contextsOffset + 8 + preauthData);
    out.putShort(ctx, (short) ENCRYPTION_CAPABILITIES);
    out.putShort(ctx + 2, (short) encryptionData);
    out.putShort(ctx + 8, (short) 2); // CipherCount, most preferred first
    out.putShort(ctx + 10, (short) AES_128_GCM);
    out.putShort(ctx + 12, (short) AES_128_CCM);
    return out.array();
  }

  /**
   * How many more bytes {@link #decode} needs to judge {@code received[0, length)}; 0 when it can
   * judge now, because the answer is complete or has already shown it is not SMB.
   */
  static int missing(byte[] received, int length) {
    int start = skipKeepalives(received, length);
    int available = length - start;
    if (available < TRANSPORT_HEADER) {
      return available > 0 && !isTransportType(received[start] & 0xFF)
          ? 0
          : TRANSPORT_HEADER - available;
    }
    int type = received[start] & 0xFF;
    if (type == NEGATIVE_SESSION_RESPONSE) {
      return Math.max(0, TRANSPORT_HEADER + 1 - available); // one byte of error code
    }
    if (type != SESSION_MESSAGE) {
      return 0;
    }
    if (available < TRANSPORT_HEADER + 4) {
      return TRANSPORT_HEADER + 4 - available;
    }
    int frame = frameLength(received, start);
    if (!isSmb(received, start + TRANSPORT_HEADER) || frame > MAX_ANSWER) {
      return 0;
    }
    return Math.max(0, TRANSPORT_HEADER + frame - available);
  }

  /** Judges the bytes a peer sent in answer to {@link #request}; never throws on any input. */
  static ProbeResult decode(String peer, byte[] received, int length) {
    int start = skipKeepalives(received, length);
    int available = length - start;
    if (available == 0) {
      return new ProbeResult.ClosedWithoutAnswer(peer, false);
    }
    int type = received[start] & 0xFF;
    if (type == NEGATIVE_SESSION_RESPONSE && available > TRANSPORT_HEADER) {
      return new ProbeResult.Failed(
          peer,
          String.format(
              "it refused the session with a NetBIOS negative session response (error 0x%02X)",
              received[start + TRANSPORT_HEADER] & 0xFF),
          "that is the NetBIOS session service (port 139), which wants a session request first; use port 445");
    }
    if (type != SESSION_MESSAGE
        || available < TRANSPORT_HEADER + 4
        || !isSmb(received, start + TRANSPORT_HEADER)) {
      if (type == SESSION_MESSAGE && startsLikeSmb(received, start, length)) {
        return truncated(
            peer,
            available,
            available < TRANSPORT_HEADER ? -1 : TRANSPORT_HEADER + frameLength(received, start));
      }
      return new ProbeResult.NotSmb(peer, hex(received, start, Math.min(available, PREVIEW)));
    }
    int frame = frameLength(received, start);
    int smb = start + TRANSPORT_HEADER;
    if (received[smb] == SMB1_ID[0]) {
      return new ProbeResult.Smb1Only(peer, hex(received, smb, Math.min(length - smb, PREVIEW)));
    }
    if (frame > MAX_ANSWER) {
      return new ProbeResult.Failed(
          peer,
          "it announced a " + frame + "-byte answer; a negotiate answer is under 1 KiB",
          "check the file server's host and port; SMB servers listen on 445");
    }
    if (available < TRANSPORT_HEADER + frame) {
      return truncated(peer, available, TRANSPORT_HEADER + frame);
    }
    return decodeSmb2(
        peer, ByteBuffer.wrap(received, smb, frame).slice().order(ByteOrder.LITTLE_ENDIAN));
  }

  private static ProbeResult decodeSmb2(String peer, ByteBuffer m) {
    if (m.limit() < SMB2_HEADER || m.getShort(4) != SMB2_HEADER) {
      return malformed(
          peer,
          "its SMB2 header is "
              + (m.limit() < SMB2_HEADER ? "only " + m.limit() + " bytes" : "malformed"));
    }
    int status = m.getInt(8);
    int command = m.getShort(12) & 0xFFFF;
    if ((m.getInt(16) & FLAGS_SERVER_TO_REDIR) == 0) {
      return new ProbeResult.Failed(
          peer,
          "it sent an SMB2 request back instead of a response",
          "that looks like an echo service, not an SMB server; check the file server's host and port");
    }
    if (command != NEGOTIATE) {
      return malformed(
          peer,
          String.format("it answered with SMB2 command 0x%04X instead of NEGOTIATE", command));
    }
    if (status != 0) {
      return new ProbeResult.Failed(
          peer,
          "the SMB server rejected the negotiate with " + Ntstatus.describe(status),
          Ntstatus.hint(status));
    }
    if (m.limit() < SMB2_HEADER + 64 || m.getShort(SMB2_HEADER) != 65) {
      return malformed(
          peer,
          "its NEGOTIATE response body is "
              + (m.limit() < SMB2_HEADER + 64
                  ? "only " + (m.limit() - SMB2_HEADER) + " bytes"
                  : "malformed (StructureSize is not 65)"));
    }
    int b = SMB2_HEADER;
    int code = m.getShort(b + 4) & 0xFFFF;
    Optional<Dialect> dialect = Dialect.of(code);
    if (dialect.isEmpty()) {
      return malformed(
          peer,
          code == WILDCARD_DIALECT
              ? "it chose the wildcard dialect 0x02FF, which only answers an SMB1 negotiate"
              : String.format("it chose dialect 0x%04X, which the probe did not offer", code));
    }
    return new ProbeResult.Answered(peer, dialect.get(), details(m, dialect.get()));
  }

  /** The fixed fields of a NEGOTIATE response body, and the cipher from its contexts. */
  private static NegotiateDetails details(ByteBuffer m, Dialect dialect) {
    int b = SMB2_HEADER;
    int capabilities = m.getInt(b + 24);
    Optional<String> cipher =
        dialect == Dialect.SMB_3_1_1
            ? negotiatedCipher(m, m.getInt(b + 60), m.getShort(b + 6) & 0xFFFF)
            : dialect.isSmb3() && (capabilities & NegotiateDetails.CAP_ENCRYPTION) != 0
                ? Optional.of("AES-128-CCM")
                : Optional.empty();
    return new NegotiateDetails(
        guid(m, b + 8),
        (m.getShort(b + 2) & SIGNING_REQUIRED) != 0,
        capabilities,
        Integer.toUnsignedLong(m.getInt(b + 28)),
        Integer.toUnsignedLong(m.getInt(b + 32)),
        Integer.toUnsignedLong(m.getInt(b + 36)),
        filetime(m.getLong(b + 40)),
        cipher);
  }

  /**
   * The cipher in the response's ENCRYPTION_CAPABILITIES context; empty if absent, unreadable or
   * "none in common".
   */
  private static Optional<String> negotiatedCipher(ByteBuffer m, int offset, int count) {
    int at = offset;
    // Compared as "at <= limit - 8", never "at + 8 <= limit": the offset is the peer's 32-bit
    // value, and near Integer.MAX_VALUE the sum wraps negative and passes.
    for (int i = 0; i < count && at >= SMB2_HEADER && at <= m.limit() - 8; i++) {
      int type = m.getShort(at) & 0xFFFF;
      int dataLength = m.getShort(at + 2) & 0xFFFF;
      if (dataLength > m.limit() - 8 - at) {
        return Optional.empty();
      }
      if (type == ENCRYPTION_CAPABILITIES && dataLength >= 4 && m.getShort(at + 8) >= 1) {
        return cipherName(m.getShort(at + 10) & 0xFFFF);
      }
      at = align8(at + 8 + dataLength);
    }
    return Optional.empty();
  }

  private static Optional<String> cipherName(int id) {
    return switch (id) {
      case 0 -> Optional.empty();
      case 1 -> Optional.of("AES-128-CCM");
      case 2 -> Optional.of("AES-128-GCM");
      case 3 -> Optional.of("AES-256-CCM");
      case 4 -> Optional.of("AES-256-GCM");
      default -> Optional.of(String.format("cipher 0x%04X", id));
    };
  }

  /** {@code announced} is -1 when the cut came before the length was known. */
  private static ProbeResult truncated(String peer, int got, int announced) {
    return new ProbeResult.Failed(
        peer,
        "its answer stopped after " + got + (announced < 0 ? "" : " of " + announced) + " bytes",
        "the connection broke during the answer; try again, and read the tunnel's log if it repeats");
  }

  private static ProbeResult malformed(String peer, String why) {
    return new ProbeResult.Failed(
        peer, why, "the peer does not follow SMB2; check the file server's host and port");
  }

  /** Whether {@code received[0, length)} holds anything besides NetBIOS keepalives. */
  static boolean anyAnswer(byte[] received, int length) {
    return skipKeepalives(received, length) < length;
  }

  private static int skipKeepalives(byte[] b, int length) {
    int at = 0;
    while (at + TRANSPORT_HEADER <= length && (b[at] & 0xFF) == SESSION_KEEPALIVE) {
      at += TRANSPORT_HEADER;
    }
    return at;
  }

  private static boolean isTransportType(int type) {
    return type == SESSION_MESSAGE
        || type == NEGATIVE_SESSION_RESPONSE
        || type == SESSION_KEEPALIVE;
  }

  private static int frameLength(byte[] b, int start) {
    return (b[start + 1] & 0xFF) << 16 | (b[start + 2] & 0xFF) << 8 | (b[start + 3] & 0xFF);
  }

  private static boolean isSmb(byte[] b, int at) {
    return matches(b, at, SMB2_ID, 4) || matches(b, at, SMB1_ID, 4);
  }

  /**
   * Whether the bytes after the transport header, however few (even none), begin an SMB1 or SMB2
   * protocol id.
   */
  private static boolean startsLikeSmb(byte[] b, int start, int length) {
    int n = Math.min(4, length - start - TRANSPORT_HEADER);
    if (n >= 0 && frameLength(b, start) < 4) {
      return false; // too short to hold any protocol id
    }
    return n <= 0
        || matches(b, start + TRANSPORT_HEADER, SMB2_ID, n)
        || matches(b, start + TRANSPORT_HEADER, SMB1_ID, n);
  }

  private static boolean matches(byte[] b, int at, byte[] id, int n) {
    return at + n <= b.length && Arrays.equals(b, at, at + n, id, 0, n);
  }

  private static String hex(byte[] b, int from, int n) {
    return HexFormat.of().formatHex(b, from, from + n);
  }

  static int align8(int n) {
    return (n + 7) & ~7;
  }

  /**
   * A GUID in Microsoft's wire layout: the first three fields little-endian, the last eight bytes
   * as they are.
   */
  static byte[] guidBytes(UUID uuid) {
    ByteBuffer b = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
    long msb = uuid.getMostSignificantBits();
    b.putInt((int) (msb >>> 32)).putShort((short) (msb >>> 16)).putShort((short) msb);
    b.order(ByteOrder.BIG_ENDIAN).putLong(uuid.getLeastSignificantBits());
    return b.array();
  }

  private static UUID guid(ByteBuffer m, int at) {
    long msb =
        (Integer.toUnsignedLong(m.getInt(at)) << 32)
            | ((m.getShort(at + 4) & 0xFFFFL) << 16)
            | (m.getShort(at + 6) & 0xFFFFL);
    long lsb = m.duplicate().order(ByteOrder.BIG_ENDIAN).getLong(at + 8);
    return new UUID(msb, lsb);
  }

  private static Optional<Instant> filetime(long ticks) {
    if (ticks <= 0) {
      return Optional.empty();
    }
    long sinceUnix = ticks - FILETIME_UNIX_EPOCH;
    return Optional.of(
        Instant.ofEpochSecond(
            Math.floorDiv(sinceUnix, 10_000_000L), Math.floorMod(sinceUnix, 10_000_000L) * 100));
  }
}
