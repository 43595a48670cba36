package dev.portkeep.faults;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portkeep.testing.Await;
import dev.portkeep.testing.OpenSshServer;
import dev.portkeep.testing.Payloads;
import dev.portkeep.testing.PortkeepProcess;
import dev.portkeep.testing.TargetServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * One bit flipped on the wire, in the encrypted stream from the server: the packet fails its
 * integrity check, the session ends with that error (MINA's MAC or AEAD tag failure, which portkeep
 * reports as a damaged packet), not one byte of the corrupted packet (or anything after it) reaches
 * the local client, and the tunnel reconnects through the same relay, which passes later sessions
 * clean.
 */
@Timeout(value = 90, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class CorruptedByteIT {
  private static final long STREAM = 16L << 20;
  private static final long SEED = 71;

  /** The bit flips in the first encrypted packet after this many bytes from the server. */
  private static final long FLIP_AFTER = 4L << 20;

  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "aes128-gcm@openssh.com, hmac-sha2-256-etm@openssh.com, 16",
    "aes128-ctr, hmac-sha2-256-etm@openssh.com, 32",
    "chacha20-poly1305@openssh.com, hmac-sha2-256-etm@openssh.com, " + SshRelay.LENGTH_ENCRYPTED
  })
  void bitFlippedFromServer_sessionEndsWithMacError_noCorruptedByteReachesClient_reconnects(
      String cipher, String mac, int tag) throws Exception {
    try (OpenSshServer sshd =
            OpenSshServer.builder().extraConfig("Ciphers " + cipher, "MACs " + mac).start();
        TargetServer source = TargetServer.source(STREAM, SEED);
        SshRelay relay =
            new SshRelay(sshd.host(), sshd.port(), new SshRelay.FlipBit(FLIP_AFTER), tag)) {
      Files.writeString(
          sshd.knownHostsFile(),
          "[127.0.0.1]:" + relay.port() + " " + sshd.hostKeyPublicLine() + "\n",
          StandardOpenOption.APPEND);
      try (PortkeepProcess portkeep =
          PortkeepProcess.start(
              PortkeepProcess.args(
                  sshd, relay.port(), "-L", "127.0.0.1:0:127.0.0.1:" + source.port()))) {
        Prefix got = readUntilEnd(portkeep.port());
        PortkeepProcess.Line lost =
            portkeep.awaitErr(l -> l.contains("lost the session"), Duration.ofSeconds(10));
        System.out.printf(
            "corrupted byte (%s): flipped at stream offset %d; the client got %d bytes, all"
                + " intact; %s%n",
            cipher, relay.faultAt(), got.bytes(), lost.text());

        assertThat(relay.faultAt()).as("the relay flipped a bit").isGreaterThanOrEqualTo(0);
        assertThat(got.bytes()).as("the stream was cut short").isLessThan(STREAM);
        assertThat(got.sha256())
            .as("what reached the client is the stream's first %d bytes", got.bytes())
            .isEqualTo(Payloads.sha256(got.bytes(), SEED));
        if (tag == SshRelay.LENGTH_ENCRYPTED) {
          // portkeep's own ChaCha20-Poly1305 checks the tag. The bit may land in the encrypted
          // length (4 bytes in 32 KiB): a length too large is refused as such by MINA, any other
          // makes the tag check fail. Either way the damage is caught.
          assertThat(lost.text())
              .containsAnyOf(
                  "a packet from the server failed its integrity check", "Invalid packet length");
        } else {
          assertThat(lost.text()).contains("a packet from the server failed its integrity check");
        }

        // The next session goes through the relay untouched, and the forward works again.
        AtomicReference<Prefix> again = new AtomicReference<>();
        Await.until(
            "the whole stream through a new session",
            Duration.ofSeconds(30),
            () -> {
              again.set(readUntilEnd(portkeep.port()));
              return again.get().bytes() == STREAM;
            },
            portkeep::err);
        assertThat(again.get().sha256()).isEqualTo(Payloads.sha256(STREAM, SEED));
        assertThat(relay.connections()).isGreaterThanOrEqualTo(2);
        assertThat(portkeep.err()).contains("reconnected to");
        assertThat(portkeep.stop()).as("exit code after SIGTERM").isZero();
      }
    }
  }

  /** How many bytes a client got before the end (or a reset), and their SHA-256. */
  private record Prefix(long bytes, String sha256) {}

  private static Prefix readUntilEnd(int port) {
    MessageDigest digest;
    try {
      digest = MessageDigest.getInstance("SHA-256");
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
    long count = 0;
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(30_000);
      InputStream in = s.getInputStream();
      byte[] buf = new byte[64 * 1024];
      for (int n; (n = in.read(buf)) >= 0; ) {
        digest.update(buf, 0, n);
        count += n;
      }
    } catch (IOException reset) {
      // the end of the connection, by reset rather than end of stream
    }
    return new Prefix(count, HexFormat.of().formatHex(digest.digest()));
  }
}
