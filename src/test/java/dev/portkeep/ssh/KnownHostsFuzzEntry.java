package dev.portkeep.ssh;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * known_hosts lines as the fuzzers in {@code dev.portkeep.fuzz} feed them (the reader is
 * package-private): the text is written to {@code file}, loaded, and matched against a name and an
 * IPv6 literal on port 22 and elsewhere. An unreadable line is skipped by design; nothing may
 * throw.
 */
public final class KnownHostsFuzzEntry {
  private KnownHostsFuzzEntry() {}

  public static void load(Path file, byte[] text) throws IOException {
    Files.write(file, text);
    KnownHosts hosts = KnownHosts.load(List.of(file));
    for (KnownHosts.Entry e : hosts.matching("gw.example.com", 22)) {
      KnownHosts.fingerprint(e.key());
      e.revoked();
    }
    hosts.matching("::1", 2222);
    hosts.certAuthorities("gw.example.com", 2222);
  }
}
