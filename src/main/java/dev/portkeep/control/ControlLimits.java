package dev.portkeep.control;

import java.time.Duration;

/**
 * Bounds on what a control client may take ({@link #DEFAULT}: 5 s to send the request, 5 s to take
 * the answer, 64 connections, 64 KiB): the whole request must arrive within {@code readDeadline},
 * the answer must be taken within {@code writeDeadline}, at most {@code maxConnections} are served
 * at once (more are answered {@code busy} at once), and a request line is at most {@code
 * maxRequestBytes} bytes with its newline.
 */
public record ControlLimits(
    Duration readDeadline, Duration writeDeadline, int maxConnections, int maxRequestBytes) {
  /** The documented bounds of every {@code portkeep up}. */
  public static final ControlLimits DEFAULT =
      new ControlLimits(Duration.ofSeconds(5), Duration.ofSeconds(5), 64, 64 * 1024);

  public ControlLimits {
    if (readDeadline.isNegative() || readDeadline.isZero()) {
      throw new IllegalArgumentException("readDeadline must be positive: " + readDeadline);
    }
    if (writeDeadline.isNegative() || writeDeadline.isZero()) {
      throw new IllegalArgumentException("writeDeadline must be positive: " + writeDeadline);
    }
    if (maxConnections < 1 || maxRequestBytes < 2) {
      throw new IllegalArgumentException(
          "limits too small: " + maxConnections + " connections, " + maxRequestBytes + " bytes");
    }
  }
}
