package dev.portkeep.forward.socks;

import java.util.Arrays;

/**
 * The SOCKS parser as the fuzzers in {@code dev.portkeep.fuzz} call it (the parser is
 * package-private). Besides "never throws", it checks the parser's own promises: a full buffer
 * always gets a decision, {@code consumed} lies within what was received, and more bytes never
 * change a decision already made on fewer.
 */
public final class SocksFuzzEntry {
  public static final int MAX_MESSAGE = SocksParser.MAX_MESSAGE;

  private SocksFuzzEntry() {}

  /** The first message, then (after a chosen method) the rest as a SOCKS5 request. */
  public static void parse(byte[] input) {
    byte[] buffer = Arrays.copyOf(input, MAX_MESSAGE);
    int length = Math.min(input.length, MAX_MESSAGE);
    SocksParser.Step first = decided(SocksParser.Phase.FIRST, buffer, length);
    if (first instanceof SocksParser.Step.MethodChosen chosen) {
      byte[] rest = Arrays.copyOfRange(buffer, chosen.consumed(), chosen.consumed() + MAX_MESSAGE);
      decided(SocksParser.Phase.SOCKS5_REQUEST, rest, length - chosen.consumed());
    }
  }

  private static SocksParser.Step decided(SocksParser.Phase phase, byte[] data, int length) {
    SocksParser.Step step = SocksParser.parse(phase, data, length);
    int consumed =
        switch (step) {
          case SocksParser.Step.MethodChosen m -> m.consumed();
          case SocksParser.Step.Connect c -> c.consumed();
          default -> -1;
        };
    if (consumed == 0 || consumed > length) {
      throw new AssertionError("consumed " + consumed + " of " + length + " bytes: " + step);
    }
    if (length == MAX_MESSAGE && step instanceof SocksParser.Step.NeedMore) {
      throw new AssertionError("a full buffer of " + MAX_MESSAGE + " bytes got no decision");
    }
    for (int prefix = 1; prefix < length; prefix++) {
      SocksParser.Step early = SocksParser.parse(phase, data, prefix);
      if (!(early instanceof SocksParser.Step.NeedMore)) {
        if (!early.equals(step)) {
          throw new AssertionError(
              "decided " + early + " after " + prefix + " bytes, " + step + " after " + length);
        }
        break;
      }
    }
    return step;
  }
}
