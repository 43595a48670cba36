package dev.portkeep.fuzz;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Structure-aware mutation from a seed corpus: every input starts as one seed and gets one to eight
 * edits (bit flips, byte inserts and deletes, splices with another seed, boundary integers written
 * over likely length fields, dictionary words, Unicode digits and odd whitespace). All randomness
 * comes from the {@link SplittableRandom} handed in, so an input is reproduced from the run's seed
 * and its iteration number alone.
 */
final class Mutator {
  /** Values that break length arithmetic: zero, signs, the edges of each width. */
  private static final long[] BOUNDARIES = {
    0,
    1,
    2,
    7,
    8,
    0x7F,
    0x80,
    0xFF,
    0x100,
    0x7FFF,
    0x8000,
    0xFFFF,
    0x10000,
    0x7FFF_FFFFL,
    0x8000_0000L,
    0xFFFF_FFF8L,
    0xFFFF_FFFFL,
    0xFF_FFFFL,
    0x1_0000L,
    65_536,
    65_535,
    1_024,
    1_025
  };

  /**
   * Text that trips parsers written for ASCII: digits of other scripts (Arabic-Indic, Devanagari,
   * fullwidth), whitespace Java's {@code strip()} knows and {@code trim()} does not, line
   * separators, a BOM, a NUL, a lone surrogate's replacement, combining marks.
   */
  private static final List<String> ODD_TEXT =
      List.of(
          "\u0668\u0660",
          "\u0661\u0662\u0663",
          "\u0969",
          "\uFF18\uFF10",
          "\u00A0",
          "\u2003",
          "\u3000",
          "\u2028",
          "\u2029",
          "\u0085",
          "\u000B",
          "\f",
          "\r",
          "\r\n",
          "\t",
          "\uFEFF",
          "\u0000",
          "\uFFFD",
          "\u0301",
          "\u0130",
          "\u017F",
          "\uD83D\uDE00",
          "\u212A",
          "\u00DF");

  private final List<byte[]> seeds;
  private final List<byte[]> words;
  private final int maxInput;

  Mutator(FuzzTarget target) {
    this.seeds = target.seeds();
    this.words =
        java.util.stream.Stream.concat(
                target.dictionary().stream()
                    .map(
                        w ->
                            w.getBytes(
                                target.binary()
                                    ? StandardCharsets.ISO_8859_1
                                    : StandardCharsets.UTF_8)),
                ODD_TEXT.stream().map(w -> w.getBytes(StandardCharsets.UTF_8)))
            .toList();
    this.maxInput = target.maxInput();
  }

  /** One input: a seed with 1-8 edits, or (one time in 40) an unedited seed. */
  byte[] next(SplittableRandom random) {
    byte[] input = seeds.get(random.nextInt(seeds.size())).clone();
    if (random.nextInt(40) == 0) {
      return input;
    }
    int edits = 1 + random.nextInt(random.nextBoolean() ? 2 : 8);
    for (int i = 0; i < edits; i++) {
      input = edit(input, random);
    }
    return input.length > maxInput ? Arrays.copyOf(input, maxInput) : input;
  }

  private byte[] edit(byte[] in, SplittableRandom random) {
    return switch (random.nextInt(11)) {
      case 0 -> flipBit(in, random);
      case 1 -> setByte(in, random);
      case 2 -> insertBytes(in, random);
      case 3 -> deleteBytes(in, random);
      case 4 -> splice(in, random);
      case 5, 6 -> boundaryInteger(in, random);
      case 7, 8 -> insertWord(in, random);
      case 9 -> replaceToken(in, random);
      default -> repeatRun(in, random);
    };
  }

  private static byte[] flipBit(byte[] in, SplittableRandom random) {
    if (in.length == 0) {
      return in;
    }
    in[random.nextInt(in.length)] ^= (byte) (1 << random.nextInt(8));
    return in;
  }

  private static byte[] setByte(byte[] in, SplittableRandom random) {
    if (in.length == 0) {
      return in;
    }
    int[] interesting = {0, 0x7F, 0x80, 0xFF, ':', '[', ']', ' ', '\n', '"', '#', '%', '*', '\\'};
    in[random.nextInt(in.length)] =
        (byte) (random.nextBoolean() ? random.nextInt(256) : interesting[random.nextInt(14)]);
    return in;
  }

  private static byte[] insertBytes(byte[] in, SplittableRandom random) {
    byte[] add = new byte[1 + random.nextInt(8)];
    random.nextBytes(add);
    return insert(in, random.nextInt(in.length + 1), add);
  }

  private static byte[] deleteBytes(byte[] in, SplittableRandom random) {
    if (in.length == 0) {
      return in;
    }
    int at = random.nextInt(in.length);
    int n = 1 + random.nextInt(Math.min(16, in.length - at));
    byte[] out = new byte[in.length - n];
    System.arraycopy(in, 0, out, 0, at);
    System.arraycopy(in, at + n, out, at, in.length - at - n);
    return out;
  }

  /** The head of this input joined to the tail of another seed: whole fields move together. */
  private byte[] splice(byte[] in, SplittableRandom random) {
    byte[] other = seeds.get(random.nextInt(seeds.size()));
    int cut = random.nextInt(in.length + 1);
    int from = random.nextInt(other.length + 1);
    byte[] out = Arrays.copyOf(in, cut + other.length - from);
    System.arraycopy(other, from, out, cut, other.length - from);
    return out;
  }

  /**
   * A boundary value written over 1, 2, 3 or 4 bytes at a 2-aligned offset, in either byte order:
   * where the format has a length or offset field, this is what makes it lie. In text, the value
   * goes in as decimal digits instead.
   */
  private static byte[] boundaryInteger(byte[] in, SplittableRandom random) {
    long value = BOUNDARIES[random.nextInt(BOUNDARIES.length)];
    if (random.nextInt(4) == 0) {
      value += random.nextInt(3) - 1;
    }
    if (random.nextInt(3) == 0 || in.length < 4) {
      String digits = Long.toString(random.nextBoolean() ? value : -value);
      return insert(in, random.nextInt(in.length + 1), digits.getBytes(StandardCharsets.US_ASCII));
    }
    int width = 1 + random.nextInt(4);
    int at = random.nextInt(Math.max(1, (in.length - width) / 2 + 1)) * 2;
    boolean bigEndian = random.nextBoolean();
    for (int i = 0; i < width && at + i < in.length; i++) {
      int shift = 8 * (bigEndian ? width - 1 - i : i);
      in[at + i] = (byte) (value >>> shift);
    }
    return in;
  }

  private byte[] insertWord(byte[] in, SplittableRandom random) {
    byte[] word = words.get(random.nextInt(words.size()));
    return insert(in, random.nextInt(in.length + 1), word);
  }

  /** A run between separators (space, colon, comma, newline, quote) swapped for a word. */
  private byte[] replaceToken(byte[] in, SplittableRandom random) {
    if (in.length == 0) {
      return insertWord(in, random);
    }
    int at = random.nextInt(in.length);
    int start = at;
    while (start > 0 && !separator(in[start - 1])) {
      start--;
    }
    int end = at;
    while (end < in.length && !separator(in[end])) {
      end++;
    }
    byte[] word = words.get(random.nextInt(words.size()));
    ByteArrayOutputStream out = new ByteArrayOutputStream(in.length + word.length);
    out.write(in, 0, start);
    out.write(word, 0, word.length);
    out.write(in, end, in.length - end);
    return out.toByteArray();
  }

  /** A short run repeated many times: long names, deep nesting, many patterns. */
  private byte[] repeatRun(byte[] in, SplittableRandom random) {
    byte[] run;
    if (in.length > 0 && random.nextBoolean()) {
      int at = random.nextInt(in.length);
      run = Arrays.copyOfRange(in, at, Math.min(in.length, at + 1 + random.nextInt(4)));
    } else {
      run = words.get(random.nextInt(words.size()));
    }
    int times = 2 + random.nextInt(Math.max(1, Math.min(200, maxInput / Math.max(1, run.length))));
    byte[] repeated = new byte[run.length * times];
    for (int i = 0; i < times; i++) {
      System.arraycopy(run, 0, repeated, i * run.length, run.length);
    }
    return insert(in, random.nextInt(in.length + 1), repeated);
  }

  private static boolean separator(byte b) {
    return b == ' ' || b == ':' || b == ',' || b == '\n' || b == '"' || b == '=' || b == '\t';
  }

  private static byte[] insert(byte[] in, int at, byte[] add) {
    byte[] out = new byte[in.length + add.length];
    System.arraycopy(in, 0, out, 0, at);
    System.arraycopy(add, 0, out, at, add.length);
    System.arraycopy(in, at, out, at + add.length, in.length - at);
    return out;
  }
}
