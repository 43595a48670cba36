package dev.portkeep.ssh;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portkeep.testing.Payloads;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KnownHostsTest {
  private static final String ED25519 =
      "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAqSg72pp0nipR9eOdKV6VeAjqO5WkuaFIYLURuRUnCx";

  @TempDir Path dir;

  /**
   * Found by the fuzzer: one byte that is not UTF-8 made the whole file unreadable (a
   * MalformedInputException out of load), so every host looked unknown.
   */
  @Test
  void load_aLineThatIsNotUtf8_skipsThatLineOnly() throws IOException {
    Path file = dir.resolve("known_hosts");
    Files.write(
        file,
        Payloads.concat(
            "# caf".getBytes(StandardCharsets.US_ASCII),
            new byte[] {(byte) 0xE9}, // Latin-1 e-acute
            "\nother.example.com ssh-ed25519 AAAAC3Nza\u00f9\n"
                .getBytes(StandardCharsets.ISO_8859_1),
            ("gw.example.com " + ED25519 + "\n").getBytes(StandardCharsets.US_ASCII)));

    KnownHosts hosts = KnownHosts.load(List.of(file));

    assertThat(hosts.matching("gw.example.com", 22)).hasSize(1);
    assertThat(hosts.matching("other.example.com", 22)).isEmpty();
  }

  /** Found by the fuzzer: MINA's regex for many stars backtracked for minutes. */
  @Test
  void matching_aPatternOfManyStars_answersAtOnce() throws IOException {
    Path file = dir.resolve("known_hosts");
    String stars = "*a".repeat(16) + "*b";
    Files.writeString(
        file, stars + " " + ED25519 + "\n@cert-authority " + stars + " " + ED25519 + "\n");
    KnownHosts hosts = KnownHosts.load(List.of(file));
    String host = "a".repeat(60);

    org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(
        java.time.Duration.ofSeconds(30),
        () -> {
          assertThat(hosts.matching(host, 22)).isEmpty();
          assertThat(hosts.certAuthorities(host, 2222)).isEmpty();
        });
    assertThat(hosts.matching(host + "b", 22)).hasSize(1);
  }

  @Test
  void matching_followsOpenSshLookupNames() throws IOException {
    Path file = dir.resolve("known_hosts");
    Files.writeString(
        file,
        "gw.example.com,!bad.example.com "
            + ED25519
            + "\n[gw.example.com]:2222 "
            + ED25519
            + "\n*.Example.COM,!bad.example.com "
            + ED25519
            + "\n");
    KnownHosts hosts = KnownHosts.load(List.of(file));

    assertThat(hosts.matching("gw.example.com", 22)).hasSize(2);
    assertThat(hosts.matching("GW.example.com", 2222)).hasSize(1); // [gw...]:2222 only
    assertThat(hosts.matching("bad.example.com", 22)).isEmpty();
    assertThat(hosts.matching("x.example.com", 2222)).isEmpty(); // '*.example.com' lacks the port
  }
}
