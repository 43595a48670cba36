package dev.portkeep.config;

import dev.portkeep.error.UsageException;
import java.util.ArrayList;
import java.util.List;

/** Parses forward specs in OpenSSH's syntax, with errors that quote the offending value. */
public final class ForwardSyntax {
  private static final String LOCAL_FORM = "[bind_address:]port:host:hostport";

  private ForwardSyntax() {}

  /** Parses the argument of {@code -L}. Listen port 0 means "any free port". */
  public static ForwardSpec.Local parseLocal(String spec) {
    Forward f = forward(spec, "-L ", "for example -L 8080:db.internal:5432");
    return new ForwardSpec.Local(BindAddress.parse(f.bind()), f.port(), f.target(), spec);
  }

  /** Parses the argument of {@code -R}. Listen port 0 asks the server to pick one. */
  public static ForwardSpec.Remote parseRemote(String spec) {
    Forward f =
        forward(spec, "-R ", "for example -R 8080:localhost:80 (the server listens on 8080)");
    String bind = f.bind() == null ? "localhost" : f.bind().equals("*") ? "" : f.bind();
    return new ForwardSpec.Remote(bind, f.port(), f.target(), spec);
  }

  /** The fields of {@code [bind:]port:host:hostport}; {@code bind} is null when not given. */
  private record Forward(String bind, int port, Endpoint target) {}

  private static Forward forward(String spec, String flag, String example) {
    String shown = flag + spec;
    List<String> fields = split(spec, shown);
    if (fields.size() > 4) {
      throw unbracketedOrTooMany(spec, shown);
    }
    if (fields.size() < 3) {
      throw new UsageException(
          "bad forwarding spec '" + shown + "': expected " + LOCAL_FORM, example);
    }
    int at = fields.size() - 3;
    return new Forward(
        at == 1 ? fields.get(0) : null,
        port(fields.get(at), shown, 0),
        Endpoint.of(fields.get(at + 1), port(fields.get(at + 2), shown, 1), shown));
  }

  /** Parses the argument of {@code -D}: {@code [bind_address:]port}. */
  public static ForwardSpec.Dynamic parseDynamic(String spec) {
    Listen listen = listen(spec, "-D " + spec, "-D ", "for example -D 1080");
    return new ForwardSpec.Dynamic(listen.bind(), listen.port(), spec);
  }

  /** A listen address alone, as {@code portkeep check} takes it: {@code [bind_address:]port}. */
  public record Listen(BindAddress bind, int port) {}

  /** Parses {@code [bind_address:]port} with the same address forms and messages as {@code -L}. */
  public static Listen parseListen(String spec) {
    return listen(spec, "check " + spec, "", "for example 127.0.0.2:445 or '*:8080'");
  }

  private static Listen listen(String spec, String shown, String flag, String example) {
    List<String> fields = split(spec, shown);
    if (fields.size() > 2) {
      if (spec.contains("::") || spec.chars().filter(c -> c == ':').count() > 2) {
        int last = spec.lastIndexOf(':');
        throw new UsageException(
            "ambiguous IPv6 address in '" + shown + "': it must be in brackets",
            "write it as "
                + flag
                + "["
                + spec.substring(0, last)
                + "]:"
                + spec.substring(last + 1));
      }
      throw new UsageException(
          (flag.isEmpty() ? "bad listen address '" + spec : "bad forwarding spec '" + shown)
              + "': expected [bind_address:]port",
          example);
    }
    String bind = fields.size() == 2 ? fields.get(0) : null;
    return new Listen(BindAddress.parse(bind), port(fields.get(fields.size() - 1), shown, 0));
  }

  /**
   * Parses a port field; ASCII digits only ({@code Character.isDigit} and {@code parseInt} would
   * take Arabic-Indic or fullwidth digits too), {@code min}..65535.
   */
  static int port(String text, String shown, int min) {
    boolean digits =
        !text.isEmpty() && text.length() <= 5 && text.chars().allMatch(c -> c >= '0' && c <= '9');
    int value = digits ? Integer.parseInt(text) : -1;
    if (value < min || value > 65_535) {
      throw new UsageException(
          "invalid port '" + text + "' in '" + shown + "' (must be " + min + "-65535)",
          min == 0 ? "use a number; 0 picks any free port" : "use a number from 1 to 65535");
    }
    return value;
  }

  /** Splits on colons outside brackets; a bracketed field loses its brackets. */
  static List<String> split(String spec, String shown) {
    List<String> fields = new ArrayList<>();
    StringBuilder field = new StringBuilder();
    boolean bracketed = false;
    for (int i = 0; i < spec.length(); i++) {
      char c = spec.charAt(i);
      if (c == '[' && field.isEmpty() && !bracketed) {
        bracketed = true;
      } else if (c == ']' && bracketed) {
        bracketed = false;
        if (i + 1 < spec.length() && spec.charAt(i + 1) != ':') {
          throw badBrackets(shown);
        }
      } else if (c == ':' && !bracketed) {
        fields.add(field.toString());
        field.setLength(0);
      } else if (c == '[' || c == ']') {
        throw badBrackets(shown);
      } else {
        field.append(c);
      }
    }
    if (bracketed) {
      throw badBrackets(shown);
    }
    fields.add(field.toString());
    return fields;
  }

  private static UsageException badBrackets(String shown) {
    return new UsageException(
        "bad forwarding spec '" + shown + "': unbalanced brackets",
        "write IPv6 addresses in brackets, e.g. [::1]:8080:host:80");
  }

  private static UsageException unbracketedOrTooMany(String spec, String shown) {
    if (spec.contains("::") || spec.chars().filter(c -> c == ':').count() > 4) {
      String[] parts = spec.split(":");
      int n = parts.length;
      String suggestion =
          n >= 4
              ? "["
                  + String.join(":", java.util.Arrays.copyOf(parts, n - 3))
                  + "]:"
                  + parts[n - 3]
                  + ":"
                  + parts[n - 2]
                  + ":"
                  + parts[n - 1]
              : "[address]:port:host:hostport";
      return new UsageException(
          "ambiguous IPv6 address in '" + shown + "': it must be in brackets",
          "write it as -L " + suggestion);
    }
    return new UsageException(
        "bad forwarding spec '" + shown + "': too many fields, expected " + LOCAL_FORM,
        "write IPv6 addresses in brackets, e.g. [::1]:8080:host:80");
  }
}
