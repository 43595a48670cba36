package dev.portkeep.smb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portkeep.testing.Payloads;
import dev.portkeep.testing.TargetServer;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class Smb2ProbeTest {
  private static final String PEER = "127.0.0.1:1445";
  private static final HexFormat HEX = HexFormat.of();
  private static final int REQUEST_LENGTH = 4 + 0xAE;

  /** GUID bytes 00..0f on the wire: Data1, Data2 and Data3 are little-endian. */
  private static final UUID GUID_00_TO_0F = UUID.fromString("03020100-0504-0706-0809-0a0b0c0d0e0f");

  private static final byte[] SALT_00_TO_1F = sequence(32);

  /**
   * The request for GUID_00_TO_0F and SALT_00_TO_1F, encoded independently of the code under test
   * (Python struct).
   */
  private static final String REQUEST_HEX =
      String.join(
          "",
          "000000aefe534d4240000000000000000000010000000000000000000000000000000000000000000000000000000000",
          "0000000000000000000000000000000000000000240005000100000047000000000102030405060708090a0b0c0d0e0f",
          "70000000020000000202100200030203110300000100260000000000010020000100000102030405060708090a0b0c0d",
          "0e0f101112131415161718191a1b1c1d1e1f00000200060000000000020002000100");

  /**
   * Samba 4.17.12 (standalone, default signing) answering that request, as captured on the wire.
   */
  private static final byte[] SAMBA_4_17_ANSWER =
      HEX.parseHex(
          String.join(
              "",
              "0000010cfe534d4240000000000000000000010001000000000000000000000000000000000000000000000000000000",
              "00000000000000000000000000000000000000004100010011030200766d000000000000000000000000000007000000",
              "000080000000800000008000d4358c3bbe7cdd01000000000000000080004a00d0000000604806062b0601050502a03e",
              "303ca00e300c060a2b06010401823702020aa32a3028a0261b246e6f745f646566696e65645f696e5f52464334313738",
              "40706c656173655f69676e6f7265000000000000010026000000000001002000010072793957935231f38648203eaf2c",
              "23f1665bc492f991b8c745810fb82223c4840000020004000000000001000200"));

  @Test
  void request_fixedGuidAndSalt_equalsAnIndependentEncoding() {
    byte[] request = Smb2Negotiate.request(GUID_00_TO_0F, SALT_00_TO_1F);

    assertThat(HEX.formatHex(request)).isEqualTo(REQUEST_HEX);
  }

  @Test
  void request_fields_sitWhereMsSmb2PutsThem() {
    ByteBuffer m = smb2(Smb2Negotiate.request(UUID.randomUUID(), new byte[32]));

    assertThat(m.limit()).isEqualTo(0xAE);
    assertThat(Arrays.copyOfRange(m.array(), m.arrayOffset(), m.arrayOffset() + 4))
        .containsExactly(0xFE, 'S', 'M', 'B');
    assertThat(m.getShort(4)).as("header StructureSize").isEqualTo((short) 64);
    assertThat(m.getShort(12)).as("Command NEGOTIATE").isZero();
    assertThat(m.getShort(64)).as("body StructureSize").isEqualTo((short) 36);
    assertThat(m.getShort(66)).as("DialectCount").isEqualTo((short) 5);
    assertThat(m.getShort(68)).as("SecurityMode: signing enabled").isEqualTo((short) 1);
    assertThat(
            new int[] {
              m.getShort(100), m.getShort(102), m.getShort(104), m.getShort(106), m.getShort(108)
            })
        .containsExactly(0x0202, 0x0210, 0x0300, 0x0302, 0x0311);
    assertThat(m.getInt(92)).as("NegotiateContextOffset, 8-aligned").isEqualTo(112);
    assertThat(m.getShort(96)).as("NegotiateContextCount").isEqualTo((short) 2);
    assertThat(m.getShort(112)).as("PREAUTH_INTEGRITY_CAPABILITIES").isEqualTo((short) 1);
    assertThat(m.getShort(120)).as("HashAlgorithmCount").isEqualTo((short) 1);
    assertThat(m.getShort(122)).as("SaltLength").isEqualTo((short) 32);
    assertThat(m.getShort(124)).as("SHA-512").isEqualTo((short) 1);
    assertThat(m.getShort(160)).as("ENCRYPTION_CAPABILITIES, 8-aligned").isEqualTo((short) 2);
    assertThat(new int[] {m.getShort(168), m.getShort(170), m.getShort(172)})
        .as("CipherCount, AES-128-GCM, AES-128-CCM")
        .containsExactly(2, 2, 1);
  }

  @Test
  void request_twoCalls_differOnlyInGuidAndSalt() {
    byte[] a = Smb2Negotiate.request(UUID.randomUUID(), sequence(32));
    byte[] b = Smb2Negotiate.request(UUID.randomUUID(), new byte[32]);

    for (int i = 0; i < a.length; i++) {
      boolean guid = i >= 4 + 76 && i < 4 + 92;
      boolean salt = i >= 4 + 126 && i < 4 + 158;
      if (!guid && !salt) {
        assertThat(a[i]).as("byte %d", i).isEqualTo(b[i]);
      }
    }
  }

  @Test
  void request_saltOfWrongLength_isRejectedNamingTheLength() {
    assertThatThrownBy(() -> Smb2Negotiate.request(UUID.randomUUID(), new byte[16]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not 16");
  }

  @Test
  void decode_recordedSamba417Answer_isSmb311WithItsDetails() {
    ProbeResult result = decode(SAMBA_4_17_ANSWER);

    assertThat(result)
        .isInstanceOfSatisfying(
            ProbeResult.Answered.class,
            a -> {
              assertThat(a.dialect()).isEqualTo(Dialect.SMB_3_1_1);
              assertThat(a.details().signingRequired()).isFalse();
              assertThat(a.details().cipher()).contains("AES-128-GCM");
              assertThat(a.details().maxReadSize()).isEqualTo(8 << 20);
              assertThat(a.details().maxWriteSize()).isEqualTo(8 << 20);
              assertThat(a.details().capabilityNames())
                  .containsExactly("DFS", "LEASING", "LARGE_MTU");
              assertThat(a.details().serverGuid())
                  .isEqualTo(UUID.fromString("00006d76-0000-0000-0000-000000000000"));
              assertThat(a.details().serverTime())
                  .contains(Instant.parse("2026-11-25T09:20:37.5657940Z"));
            });
    assertThat(result.message())
        .isEqualTo(
            "SMB server at 127.0.0.1:1445 answered: SMB 3.1.1 (signing not"
                + " required, encryption AES-128-GCM, max read 8 MiB, max write 8 MiB)");
    assertThat(result.hint()).isEmpty();
  }

  @Test
  void decode_handBuiltSmb302AnswerWithSigningRequired_readsEveryField() {
    Answer answer = new Answer();
    answer.dialect = 0x0302;
    answer.securityMode = 0x03;
    answer.capabilities = 0x41;
    answer.maxRead = 65536;
    answer.maxWrite = 1 << 20;
    answer.filetime = 116_444_736_000_000_000L + 10_000_000L * 3600;

    ProbeResult result = decode(answer.bytes());

    assertThat(result)
        .isInstanceOfSatisfying(
            ProbeResult.Answered.class,
            a -> {
              assertThat(a.dialect()).isEqualTo(Dialect.SMB_3_0_2);
              assertThat(a.details().signingRequired()).isTrue();
              assertThat(a.details().cipher())
                  .as("3.0.x encrypts with CCM only")
                  .contains("AES-128-CCM");
              assertThat(a.details().capabilityNames()).containsExactly("DFS", "ENCRYPTION");
              assertThat(a.details().serverGuid())
                  .isEqualTo(UUID.fromString("33221100-5544-7766-8899-aabbccddeeff"));
              assertThat(a.details().serverTime()).contains(Instant.parse("1970-01-01T01:00:00Z"));
            });
    assertThat(result.message())
        .contains("SMB 3.0.2", "signing required", "max read 64 KiB", "max write 1 MiB");
  }

  @Test
  void decode_smb21AnswerWithZeroTime_hasNoCipherAndNoTime() {
    Answer answer = new Answer();
    answer.dialect = 0x0210;
    answer.capabilities = 0x40; // ENCRYPTION means nothing before 3.0

    ProbeResult result = decode(answer.bytes());

    assertThat(result)
        .isInstanceOfSatisfying(
            ProbeResult.Answered.class,
            a -> {
              assertThat(a.dialect()).hasToString("SMB 2.1");
              assertThat(a.details().cipher()).isEmpty();
              assertThat(a.details().serverTime()).isEmpty();
            });
  }

  @Test
  void decode_keepalivesBeforeTheAnswer_areSkipped() {
    byte[] keepalives = HEX.parseHex("8500000085000000");
    byte[] bytes = Payloads.concat(keepalives, SAMBA_4_17_ANSWER);

    assertThat(Smb2Negotiate.missing(bytes, keepalives.length)).isEqualTo(4);
    assertThat(Smb2Negotiate.missing(bytes, bytes.length)).isZero();
    assertThat(decode(bytes)).isInstanceOf(ProbeResult.Answered.class);
  }

  @Test
  void decode_smb1Reply_saysTheServerSpeaksOnlySmb1() {
    // SMB1 header: 0xFF 'SMB', command 0x72 NEGOTIATE, status 0, flags 0x88 (reply).
    byte[] smb1 =
        HEX.parseHex("00000026ff534d4272000000008801c8" + "00".repeat(16) + "ffff0000000000000000");

    ProbeResult result = decode(smb1);

    assertThat(result)
        .isInstanceOfSatisfying(
            ProbeResult.Smb1Only.class,
            r -> assertThat(r.firstBytesHex()).startsWith("ff534d4272"));
    assertThat(result.message()).contains("127.0.0.1:1445", "speaks only SMB1");
    assertThat(result.hint()).contains("SMB 2 or later");
    assertThat(Smb2Negotiate.missing(smb1, 8)).as("judged from the protocol id on").isEqualTo(34);
  }

  @Test
  void decode_sshBanner_isNotSmbQuotingTheBannerAndBlamingThePort() {
    byte[] banner =
        "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3\r\n".getBytes(StandardCharsets.US_ASCII);

    ProbeResult result = decode(banner);

    assertThat(Smb2Negotiate.missing(banner, 1))
        .as("one byte that is no NetBIOS type is enough")
        .isZero();
    assertThat(result).isInstanceOf(ProbeResult.NotSmb.class);
    assertThat(result.message())
        .startsWith(
            "127.0.0.1:1445 is not an SMB server: it sent \"SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3\"")
        .contains("(5353482d322e30");
    assertThat(result.hint()).contains("SSH server", "445");
  }

  @Test
  void decode_httpReply_isNotSmbNamingAWebServer() {
    ProbeResult result =
        decode("HTTP/1.1 400 Bad Request\r\n\r\n".getBytes(StandardCharsets.US_ASCII));

    assertThat(result).isInstanceOf(ProbeResult.NotSmb.class);
    assertThat(result.hint()).contains("web server");
  }

  @Test
  void decode_binaryNonSmbFrame_isNotSmbWithHexOnly() {
    byte[] bytes = HEX.parseHex("0000000c0102030405060708090a0b0c");

    ProbeResult result = decode(bytes);

    assertThat(Smb2Negotiate.missing(bytes, bytes.length)).isZero();
    assertThat(result).isEqualTo(new ProbeResult.NotSmb(PEER, "0000000c0102030405060708090a0b0c"));
    assertThat(result.message()).endsWith("it sent (0000000c0102030405060708090a0b0c)");
    assertThat(result.hint()).contains("host and port");
  }

  @Test
  void decode_errorStatus_failsNamingTheStatus() {
    Answer answer = new Answer();
    answer.status = 0xC00000BB;

    ProbeResult result = decode(answer.bytes());

    assertThat(result).isInstanceOf(ProbeResult.Failed.class);
    assertThat(result.message())
        .contains("rejected the negotiate with STATUS_NOT_SUPPORTED (0xC00000BB)");
    assertThat(result.hint()).contains("none of SMB 2.0.2 to 3.1.1");
  }

  @Test
  void decode_unnamedErrorStatus_showsItInHex() {
    Answer answer = new Answer();
    answer.status = 0xC0001234;

    assertThat(decode(answer.bytes()).message()).contains("status 0xC0001234");
  }

  @Test
  void decode_ourRequestEchoedBack_failsSuspectingAnEchoService() {
    ProbeResult result = decode(HEX.parseHex(REQUEST_HEX));

    assertThat(result).isInstanceOf(ProbeResult.Failed.class);
    assertThat(result.message()).contains("request back instead of a response");
    assertThat(result.hint()).contains("echo service");
  }

  @Test
  void decode_dialectNotOffered_failsNamingIt() {
    Answer answer = new Answer();
    answer.dialect = 0x0312;

    assertThat(decode(answer.bytes()).message())
        .contains("chose dialect 0x0312, which the probe did not offer");
  }

  @Test
  void decode_wildcardDialect_failsExplainingIt() {
    Answer answer = new Answer();
    answer.dialect = 0x02FF;

    assertThat(decode(answer.bytes()).message()).contains("wildcard dialect 0x02FF");
  }

  @Test
  void decode_otherCommand_failsNamingIt() {
    Answer answer = new Answer();
    answer.command = 0x0001;

    assertThat(decode(answer.bytes()).message()).contains("command 0x0001 instead of NEGOTIATE");
  }

  @Test
  void decode_negativeSessionResponse_pointsAtPort445() {
    ProbeResult result = decode(HEX.parseHex("8300000182"));

    assertThat(result).isInstanceOf(ProbeResult.Failed.class);
    assertThat(result.message()).contains("NetBIOS negative session response (error 0x82)");
    assertThat(result.hint()).contains("port 139", "445");
  }

  @Test
  void decode_hugeAnnouncedLength_failsWithoutWaitingForIt() {
    byte[] bytes = HEX.parseHex("00fffffffe534d42");

    assertThat(Smb2Negotiate.missing(bytes, bytes.length)).isZero();
    assertThat(decode(bytes).message()).contains("announced a 16777215-byte answer");
  }

  @Test
  void decode_everyPrefixOfARealAnswer_asksForMoreAndReportsTheCut() {
    for (int n = 1; n < SAMBA_4_17_ANSWER.length; n++) {
      byte[] prefix = Arrays.copyOf(SAMBA_4_17_ANSWER, n);

      assertThat(Smb2Negotiate.missing(prefix, n)).as("missing after %d bytes", n).isPositive();
      ProbeResult result = decode(prefix);
      assertThat(result).as("%d bytes", n).isInstanceOf(ProbeResult.Failed.class);
      assertThat(result.message())
          .as("%d bytes", n)
          .contains(
              "stopped after " + n + (n >= 4 ? " of " + SAMBA_4_17_ANSWER.length : "") + " bytes");
    }
  }

  @Test
  void decode_shortFramesThatAreComplete_failWithoutThrowing() {
    Answer answer = new Answer();
    byte[] full = answer.bytes();
    for (int frame = 4; frame < 64 + 64; frame++) { // short of the 64-byte header plus 64-byte body
      byte[] cut = Arrays.copyOf(full, 4 + frame);
      cut[1] = (byte) (frame >> 16);
      cut[2] = (byte) (frame >> 8);
      cut[3] = (byte) frame;

      assertThat(decode(cut)).as("frame of %d bytes", frame).isInstanceOf(ProbeResult.Failed.class);
    }
  }

  @Test
  void decode_randomGarbageAndMutatedAnswers_neverThrow() {
    Random random = new Random(20_445);
    for (int i = 0; i < 20_000; i++) {
      byte[] bytes;
      if (i % 2 == 0) {
        bytes = new byte[random.nextInt(300)];
        random.nextBytes(bytes);
      } else {
        bytes = SAMBA_4_17_ANSWER.clone();
        for (int flips = random.nextInt(1, 6); flips > 0; flips--) {
          bytes[random.nextInt(4, bytes.length)] = (byte) random.nextInt();
        }
      }
      byte[] input = bytes;
      assertThatCode(
              () -> {
                Smb2Negotiate.missing(input, input.length);
                ProbeResult result = Smb2Negotiate.decode(PEER, input, input.length);
                assertThat(result.message()).isNotBlank();
                assertThat(result.hint()).isNotNull();
              })
          .as("input %s", HEX.formatHex(input))
          .doesNotThrowAnyException();
    }
  }

  @Test
  void decode_nothingButKeepalives_isClosedWithoutAnswer() {
    assertThat(decode(HEX.parseHex("85000000")))
        .isEqualTo(new ProbeResult.ClosedWithoutAnswer(PEER, false));
  }

  @Test
  void probe_peerSendsTruncatedAnswerThenCloses_returnsFailedInsteadOfThrowing() {
    try (TargetServer peer =
        TargetServer.start(
            "truncated",
            s -> {
              s.getInputStream()
                  .readNBytes(REQUEST_LENGTH); // all of it, so closing sends a FIN, not a RST
              write(s.getOutputStream(), Arrays.copyOf(SAMBA_4_17_ANSWER, 100));
            })) {
      ProbeResult result = Smb2Probe.probe(peer.address(), Duration.ofSeconds(5));

      assertThat(result).isInstanceOf(ProbeResult.Failed.class);
      assertThat(result.message()).contains("stopped after 100 of 272 bytes");
    }
  }

  @Test
  void probe_peerSendsGarbageAndResets_returnsNotSmb() {
    try (TargetServer peer =
        TargetServer.start(
            "garbage",
            s -> {
              write(s.getOutputStream(), HEX.parseHex("deadbeef"));
              s.getInputStream().readNBytes(REQUEST_LENGTH);
              s.setSoLinger(true, 0);
            })) {
      ProbeResult result = Smb2Probe.probe(peer.address(), Duration.ofSeconds(5));

      assertThat(result)
          .isEqualTo(new ProbeResult.NotSmb(Smb2Probe.peer(peer.address()), "deadbeef"));
    }
  }

  @Test
  void probe_peerSendsAPartialFrameThenStalls_reportsTheCutWithinTheTimeout() {
    try (TargetServer peer =
        TargetServer.start(
            "stall",
            s -> {
              write(s.getOutputStream(), Arrays.copyOf(SAMBA_4_17_ANSWER, 10));
              s.getInputStream().readAllBytes(); // until the probe gives up and closes
            })) {
      long start = System.nanoTime();
      ProbeResult result = Smb2Probe.probe(peer.address(), Duration.ofMillis(300));

      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
      assertThat(result.message()).contains("stopped after 10 of 272 bytes");
    }
  }

  @Test
  void probe_timeoutNotPositive_isABug() {
    assertThatThrownBy(
            () -> Smb2Probe.probe(new java.net.InetSocketAddress("127.0.0.1", 1), Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("timeout must be positive");
  }

  @Test
  void probe_unresolvableHost_failsNamingIt() {
    ProbeResult result =
        Smb2Probe.probe(
            java.net.InetSocketAddress.createUnresolved("no-such-host.invalid", 445),
            Duration.ofSeconds(5));

    assertThat(result).isInstanceOf(ProbeResult.Failed.class);
    assertThat(result.message()).contains("cannot resolve host 'no-such-host.invalid'");
  }

  @Test
  void timedOut_messages_nameThePeerStageAndTimeout() {
    var connect =
        new ProbeResult.TimedOut(PEER, ProbeResult.TimedOut.Stage.CONNECT, Duration.ofSeconds(5));
    var answer =
        new ProbeResult.TimedOut(PEER, ProbeResult.TimedOut.Stage.ANSWER, Duration.ofMillis(300));

    assertThat(connect.message()).isEqualTo("no TCP connection to 127.0.0.1:1445 within 5 s");
    assertThat(answer.message())
        .isEqualTo("127.0.0.1:1445 accepted the connection but sent no answer within 300 ms");
    assertThat(answer.hint()).contains("firewall");
  }

  @Test
  void peer_ipv6Address_isBracketed() {
    assertThat(Smb2Probe.peer(new java.net.InetSocketAddress("::1", 445)))
        .isEqualTo("[0:0:0:0:0:0:0:1]:445");
  }

  private static ProbeResult decode(byte[] bytes) {
    return Smb2Negotiate.decode(PEER, bytes, bytes.length);
  }

  /** The SMB2 message inside a transport frame, little-endian, offsets from the SMB2 header. */
  private static ByteBuffer smb2(byte[] framed) {
    return ByteBuffer.wrap(framed, 4, framed.length - 4).slice().order(ByteOrder.LITTLE_ENDIAN);
  }

  private static byte[] sequence(int n) {
    byte[] b = new byte[n];
    for (int i = 0; i < n; i++) {
      b[i] = (byte) i;
    }
    return b;
  }

  private static void write(OutputStream out, byte[] bytes) throws java.io.IOException {
    out.write(bytes);
    out.flush();
  }

  /**
   * A NEGOTIATE response laid out field by field from MS-SMB2 2.2.4, without negotiate contexts.
   */
  private static final class Answer {
    int status;
    int command;
    int dialect = 0x0300;
    int securityMode = 0x01;
    int capabilities;
    int maxRead = 8 << 20;
    int maxWrite = 8 << 20;
    long filetime;

    byte[] bytes() {
      int length = 64 + 64 + 8; // header, fixed body, an 8-byte security blob
      ByteBuffer b = ByteBuffer.allocate(4 + length).order(ByteOrder.LITTLE_ENDIAN);
      b.put(0, (byte) 0)
          .put(1, (byte) (length >> 16))
          .put(2, (byte) (length >> 8))
          .put(3, (byte) length);
      int h = 4;
      b.put(h, (byte) 0xFE).put(h + 1, (byte) 'S').put(h + 2, (byte) 'M').put(h + 3, (byte) 'B');
      b.putShort(h + 4, (short) 64);
      b.putInt(h + 8, status);
      b.putShort(h + 12, (short) command);
      b.putShort(h + 14, (short) 1);
      b.putInt(h + 16, 0x01); // SMB2_FLAGS_SERVER_TO_REDIR
      int body = h + 64;
      b.putShort(body, (short) 65);
      b.putShort(body + 2, (short) securityMode);
      b.putShort(body + 4, (short) dialect);
      b.put(body + 8, HEX.parseHex("00112233445566778899aabbccddeeff"));
      b.putInt(body + 24, capabilities);
      b.putInt(body + 28, 1 << 20);
      b.putInt(body + 32, maxRead);
      b.putInt(body + 36, maxWrite);
      b.putLong(body + 40, filetime);
      b.putShort(body + 56, (short) 128); // SecurityBufferOffset
      b.putShort(body + 58, (short) 8);
      return b.array();
    }
  }

  /** Found by the fuzzer: offset + 8 wrapped negative and passed the bounds check. */
  @Test
  void decode_contextOffsetNearIntMax_hasNoCipherInsteadOfThrowing() {
    byte[] answer = SAMBA_4_17_ANSWER.clone();
    ByteBuffer.wrap(answer).order(ByteOrder.LITTLE_ENDIAN).putInt(4 + 64 + 60, 0x7FFF_FFFC);

    ProbeResult result = decode(answer);

    assertThat(result)
        .isInstanceOfSatisfying(
            ProbeResult.Answered.class, a -> assertThat(a.details().cipher()).isEmpty());
  }
}
