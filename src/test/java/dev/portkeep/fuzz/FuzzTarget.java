package dev.portkeep.fuzz;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * One parser of untrusted input, as the fuzzers see it: valid inputs to start from, words worth
 * splicing in, the one exception the parser documents for bad input, and what one call may
 * allocate.
 */
interface FuzzTarget extends AutoCloseable {
  /** Short name, used in reports and as the command line's target selector. */
  String name();

  /** Valid (or nearly valid) inputs the mutator starts from. */
  List<byte[]> seeds();

  /** Seeds written as text, in UTF-8. */
  static List<byte[]> utf8(String... seeds) {
    return Arrays.stream(seeds).map(s -> s.getBytes(StandardCharsets.UTF_8)).toList();
  }

  /** Tokens of the format (keywords, separators, odd numbers) the mutator splices in. */
  List<String> dictionary();

  /** Whether the dictionary's words are bytes (ISO-8859-1) rather than text (UTF-8). */
  default boolean binary() {
    return false;
  }

  /** Inputs longer than this are cut before the call: the parser's own size limit, or near it. */
  int maxInput();

  /**
   * Feeds {@code input} to the parser. Throws whatever the parser throws; {@link #documented}
   * decides which of those is the documented failure for bad input.
   */
  void run(byte[] input) throws Exception;

  /** Whether {@code failure} is this parser's documented answer to bad input. */
  boolean documented(Throwable failure);

  /**
   * Bytes one call may allocate before a constant-plus-linear bound is broken: {@code fixed} is
   * what the parser needs whatever the input (buffers, a mapper's tree), {@code perInputByte} what
   * each input byte may cost. A length field that makes the parser allocate what it announces
   * breaks the bound.
   */
  default long allocationBound(int inputLength) {
    return fixedAllocation() + (long) perByteAllocation() * inputLength;
  }

  /** Inputs in the default suite's short run: a second or two of this target's calls. */
  default int shortIterations() {
    return 1_500;
  }

  long fixedAllocation();

  int perByteAllocation();

  /** Removes the files the target wrote. */
  @Override
  default void close() throws Exception {}
}
