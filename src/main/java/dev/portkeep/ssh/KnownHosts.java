package dev.portkeep.ssh;

import dev.portkeep.config.sshconfig.Patterns;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.List;
import org.apache.sshd.client.config.hosts.KnownHostEntry;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntryResolver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The known_hosts files, read in OpenSSH's format (hashed names, {@code [host]:port}, patterns,
 * markers, several key types), remembering where each entry came from for error messages.
 */
final class KnownHosts {
  private static final Logger log = LoggerFactory.getLogger(KnownHosts.class);

  /** One usable line: its source, its key, and its marker ({@code @revoked}, or empty). */
  record Entry(Path file, int line, KnownHostEntry entry, PublicKey key) {
    boolean revoked() {
      return "revoked".equalsIgnoreCase(entry.getMarker());
    }

    boolean certAuthority() {
      return "cert-authority".equalsIgnoreCase(entry.getMarker());
    }

    String where() {
      return file + ":" + line;
    }
  }

  private final List<Path> files;
  private final List<Entry> entries;

  private KnownHosts(List<Path> files, List<Entry> entries) {
    this.files = List.copyOf(files);
    this.entries = List.copyOf(entries);
  }

  static KnownHosts load(List<Path> files) throws IOException {
    List<Entry> entries = new ArrayList<>();
    for (Path file : files) {
      List<String> lines;
      try {
        // Decoded leniently: one byte that is not UTF-8 (a Latin-1 comment) spoils its own line,
        // which is then skipped, not the whole file, as for OpenSSH, which reads bytes.
        lines = new String(Files.readAllBytes(file), StandardCharsets.UTF_8).lines().toList();
      } catch (NoSuchFileException missing) {
        continue;
      }
      for (int i = 0; i < lines.size(); i++) {
        parse(file, i + 1, lines.get(i)).ifPresent(entries::add);
      }
    }
    return new KnownHosts(files, entries);
  }

  private static java.util.Optional<Entry> parse(Path file, int line, String text) {
    String trimmed = text.strip();
    if (trimmed.isEmpty() || trimmed.startsWith("#")) {
      return java.util.Optional.empty();
    }
    try {
      KnownHostEntry entry = KnownHostEntry.parseKnownHostEntry(trimmed);
      PublicKey key = entry.getKeyEntry().resolvePublicKey(null, PublicKeyEntryResolver.IGNORING);
      if (key == null) {
        log.debug("{}:{}: key type not supported, line skipped", file, line);
        return java.util.Optional.empty();
      }
      return java.util.Optional.of(new Entry(file, line, entry, key));
    } catch (Exception e) {
      log.debug("{}:{}: unreadable known_hosts line skipped ({})", file, line, e.toString());
      return java.util.Optional.empty();
    }
  }

  /** The entries whose host patterns match {@code host} on {@code port}. */
  List<Entry> matching(String host, int port) {
    return entries.stream()
        .filter(e -> !e.certAuthority())
        .filter(e -> matches(e, host, port))
        .toList();
  }

  /**
   * OpenSSH matches a line's patterns against the name it looks up: {@code host} on port 22, {@code
   * [host]:port} elsewhere, so {@code *} matches every port. Patterns go through ssh_config's
   * matcher, linear in time: MINA's turns each {@code *} into a regex {@code .*}, and a line such
   * as {@code *a*a*a*a*a*a*a*a*a*a*a*a*b} then backtracked for minutes (found by fuzzing). Hashed
   * names are an HMAC, which MINA compares; it reads a name without a port as port 22 only.
   */
  private static boolean matches(Entry e, String host, int port) {
    String lookup = port == 22 ? host : "[" + host + "]:" + port;
    KnownHostEntry entry = e.entry();
    if (entry.getHashedEntry() != null) {
      return entry.isHostMatch(host, port) || (port != 22 && entry.isHostMatch(lookup, 22));
    }
    return Patterns.matchesHostList(lookup, hostPatterns(entry.getConfigLine()));
  }

  /** The comma-separated patterns of a line: its first field, or its second after a marker. */
  private static String hostPatterns(String line) {
    String[] fields = line.strip().split("[ \\t]+", 3);
    int at = fields[0].startsWith("@") ? 1 : 0;
    return at < fields.length ? fields[at] : "";
  }

  /** The {@code @cert-authority} entries whose host patterns match {@code host} on {@code port}. */
  List<Entry> certAuthorities(String host, int port) {
    return entries.stream()
        .filter(Entry::certAuthority)
        .filter(e -> matches(e, host, port))
        .toList();
  }

  /** The file new keys are added to: the first one, as OpenSSH does. */
  Path primaryFile() {
    return files.get(0);
  }

  static String keyType(PublicKey key) {
    return KeyUtils.getKeyType(key);
  }

  static String fingerprint(PublicKey key) {
    return KeyUtils.getFingerPrint(key);
  }

  static boolean sameKey(PublicKey a, PublicKey b) {
    return KeyUtils.compareKeys(a, b);
  }
}
