package dev.portkeep.smb;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Objects;

/**
 * What {@link Smb2Probe} learned about one TCP peer. Every case names the peer and carries a
 * one-line {@link #message()} and a {@link #hint()} (empty when there is nothing to do).
 */
public sealed interface ProbeResult {
  /** The peer as "host:port". */
  String peer();

  /** What happened, naming the peer. */
  String message();

  /** What to try next; empty when nothing needs fixing. */
  String hint();

  /** An SMB2 or SMB3 server answered and chose {@code dialect}. */
  record Answered(String peer, Dialect dialect, NegotiateDetails details) implements ProbeResult {
    public Answered {
      Objects.requireNonNull(peer, "peer");
      Objects.requireNonNull(dialect, "dialect");
      Objects.requireNonNull(details, "details");
    }

    @Override
    public String message() {
      return "SMB server at " + peer + " answered: " + dialect + " (" + details.summary() + ")";
    }

    @Override
    public String hint() {
      return "";
    }
  }

  /**
   * The peer answered the SMB2 request in SMB1 (0xFF 'SMB'): an SMB server too old for current
   * clients.
   */
  record Smb1Only(String peer, String firstBytesHex) implements ProbeResult {
    public Smb1Only {
      Objects.requireNonNull(peer, "peer");
      Objects.requireNonNull(firstBytesHex, "firstBytesHex");
    }

    @Override
    public String message() {
      return "SMB server at " + peer + " speaks only SMB1: it answered the SMB2 negotiate in SMB1";
    }

    @Override
    public String hint() {
      return "current Windows and Samba clients have SMB1 turned off; enable SMB 2 or later on the file server";
    }
  }

  /** The connection was refused: nothing listens on that address and port. */
  record Refused(String peer) implements ProbeResult {
    public Refused {
      Objects.requireNonNull(peer, "peer");
    }

    @Override
    public String message() {
      return "nothing listens on " + peer + ": connection refused";
    }

    @Override
    public String hint() {
      return "is the SMB server running there (Samba: smbd with 'smb ports = 445'), or the tunnel meant to listen there?";
    }
  }

  /** The peer answered with something that is not SMB, such as an SSH banner or an HTTP reply. */
  record NotSmb(String peer, String firstBytesHex) implements ProbeResult {
    public NotSmb {
      Objects.requireNonNull(peer, "peer");
      Objects.requireNonNull(firstBytesHex, "firstBytesHex");
    }

    @Override
    public String message() {
      String text = printablePrefix(HexFormat.of().parseHex(firstBytesHex));
      return peer
          + " is not an SMB server: it sent "
          + (text.isEmpty() ? "" : "\"" + text + "\" ")
          + "("
          + abbreviate(firstBytesHex)
          + ")";
    }

    @Override
    public String hint() {
      String text = printablePrefix(HexFormat.of().parseHex(firstBytesHex));
      if (text.startsWith("SSH-")) {
        return "that is an SSH server: point the forward at the file server's SMB port (445), not at an SSH port";
      }
      if (text.startsWith("HTTP/")) {
        return "that is a web server: point the forward at the file server's SMB port (445)";
      }
      return "check the file server's host and port; SMB servers listen on 445";
    }

    /**
     * The leading printable ASCII up to the first line break, or "" if there are fewer than 4 such
     * characters.
     */
    static String printablePrefix(byte[] bytes) {
      int n = 0;
      while (n < bytes.length && bytes[n] >= 0x20 && bytes[n] < 0x7F) {
        n++;
      }
      return n < 4 ? "" : new String(bytes, 0, n, StandardCharsets.US_ASCII);
    }

    private static String abbreviate(String hex) {
      return hex.length() <= 32 ? hex : hex.substring(0, 32) + "...";
    }
  }

  /**
   * The peer accepted the connection and then closed or reset it without a byte. Typical of an SSH
   * tunnel whose server cannot reach the target, or refuses to forward: it has already accepted
   * locally, and can only hang up.
   */
  record ClosedWithoutAnswer(String peer, boolean reset) implements ProbeResult {
    public ClosedWithoutAnswer {
      Objects.requireNonNull(peer, "peer");
    }

    @Override
    public String message() {
      return peer
          + " accepted the connection, then "
          + (reset ? "reset" : "closed")
          + " it without an answer";
    }

    @Override
    public String hint() {
      return "through a tunnel: the SSH server could not reach the file server or would not forward (see the tunnel's"
          + " log); directly: the server may speak only SMB1";
    }
  }

  /**
   * Nothing happened within the timeout, either while connecting or while waiting for the answer.
   */
  record TimedOut(String peer, Stage stage, Duration timeout) implements ProbeResult {
    /** What the probe was waiting for when time ran out. */
    public enum Stage {
      CONNECT,
      ANSWER
    }

    public TimedOut {
      Objects.requireNonNull(peer, "peer");
      Objects.requireNonNull(stage, "stage");
      Objects.requireNonNull(timeout, "timeout");
    }

    @Override
    public String message() {
      return switch (stage) {
        case CONNECT -> "no TCP connection to " + peer + " within " + seconds(timeout);
        case ANSWER ->
            peer + " accepted the connection but sent no answer within " + seconds(timeout);
      };
    }

    @Override
    public String hint() {
      return switch (stage) {
        case CONNECT -> "a firewall may drop the packets, or the host is down";
        case ANSWER ->
            "a firewall may drop the packets beyond the tunnel, or the file server is down; try a longer timeout";
      };
    }

    private static String seconds(Duration d) {
      return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }
  }

  /**
   * Anything else: a malformed or truncated SMB answer, an SMB error status, or a network error.
   */
  record Failed(String peer, String reason, String hint) implements ProbeResult {
    public Failed {
      Objects.requireNonNull(peer, "peer");
      Objects.requireNonNull(reason, "reason");
      Objects.requireNonNull(hint, "hint");
    }

    @Override
    public String message() {
      return "SMB check of " + peer + " failed: " + reason;
    }
  }
}
