package dev.portkeep.fuzz;

import dev.portkeep.config.ForwardSpec;
import dev.portkeep.config.ForwardSyntax;
import dev.portkeep.error.UsageException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Forward specs for -L, -R and -D and listen addresses, each input tried as all four. Beyond "only
 * UsageException", a spec that parses must show every port as ASCII digits in range.
 */
final class ForwardSpecTarget implements FuzzTarget {
  @Override
  public String name() {
    return "forward_spec";
  }

  @Override
  public List<byte[]> seeds() {
    return FuzzTarget.utf8(
        "8080:db.internal:5432",
        "127.0.0.2:445:fileserver:445",
        "[::1]:8443:web:443",
        "*:0:[2001:db8::1]:22",
        "localhost:9000:localhost:9000",
        "1080",
        "[fe80::1%eth0]:1080",
        ":2222:host:22");
  }

  @Override
  public List<String> dictionary() {
    return List.of(
        ":",
        "[",
        "]",
        "::",
        "::1",
        "*",
        "localhost",
        "0",
        "65535",
        "65536",
        "99999",
        "00080",
        "+80",
        "-1",
        "%eth0",
        "127.0.0.1",
        "2001:db8::1",
        "\u0668\u0660\u0668\u0660",
        "\uFF18");
  }

  @Override
  public int maxInput() {
    return 2200;
  }

  @Override
  public void run(byte[] input) {
    String spec = new String(input, StandardCharsets.UTF_8);
    tryParse(() -> ForwardSyntax.parseLocal(spec));
    tryParse(() -> ForwardSyntax.parseRemote(spec));
    tryParse(() -> ForwardSyntax.parseDynamic(spec));
    try {
      ForwardSyntax.Listen listen = ForwardSyntax.parseListen(spec);
      requireAsciiPort(spec, listen.port());
    } catch (UsageException expected) {
      // the documented answer
    }
  }

  private static void tryParse(java.util.function.Supplier<ForwardSpec> parse) {
    ForwardSpec parsed;
    try {
      parsed = parse.get();
    } catch (UsageException expected) {
      return;
    }
    String text = parsed.spec();
    switch (parsed) {
      case ForwardSpec.Local l -> {
        requireAsciiPort(text, l.port());
        requireAsciiPort(text, l.target().port());
        requireShownOnce(l.listenText());
        requireShownOnce(l.targetText());
      }
      case ForwardSpec.Remote r -> {
        requireAsciiPort(text, r.port());
        requireAsciiPort(text, r.target().port());
        requireShownOnce(r.listenText());
        requireShownOnce(r.targetText());
      }
      case ForwardSpec.Dynamic d -> {
        requireAsciiPort(text, d.port());
        requireShownOnce(d.listenText());
      }
    }
  }

  /**
   * A port the parser accepted was written in the spec as ASCII digits (in brackets too, as
   * OpenSSH's hpdelim allows on any field: {@code [0]:host:80}).
   */
  private static void requireAsciiPort(String spec, int port) {
    if (!spec.matches("(?s).*(^|[:\\]])\\[?0*" + port + "\\]?(:.*|$)")) {
      throw new AssertionError("port " + port + " is not written as digits in '" + spec + "'");
    }
  }

  /** Brackets around an IPv6 literal appear once, never doubled. */
  private static void requireShownOnce(String shown) {
    if (shown.contains("[[") || shown.contains("]]")) {
      throw new AssertionError("doubled brackets in '" + shown + "'");
    }
  }

  @Override
  public boolean documented(Throwable failure) {
    return failure instanceof UsageException;
  }

  @Override
  public long fixedAllocation() {
    return 128 * 1024;
  }

  @Override
  public int perByteAllocation() {
    return 512;
  }
}
