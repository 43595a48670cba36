package dev.portkeep.config.tunnels;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.POJONode;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Function;

/**
 * One TOML table of the tunnels file, read key by key: each getter checks the value's type and
 * range and fails with the key's line, the value quoted and a hint.
 */
final class Table {
  private final ObjectNode node;
  private final KeyPath path;
  private final Errors errors;

  Table(ObjectNode node, KeyPath path, Errors errors) {
    this.node = node;
    this.path = path;
    this.errors = errors;
  }

  KeyPath path() {
    return path;
  }

  Errors errors() {
    return errors;
  }

  boolean has(String key) {
    return node.has(key);
  }

  /** The raw value of {@code key}, null when absent. */
  JsonNode get(String key) {
    return node.get(key);
  }

  List<Map.Entry<String, JsonNode>> entries() {
    return node.properties().stream().toList();
  }

  /**
   * Fails on the first key not in {@code known}; {@code hint} explains a key that is known
   * elsewhere ("a global key", "an ssh option") or returns empty to suggest the closest key.
   */
  void onlyKeys(List<String> known, Function<String, Optional<String>> hint) {
    for (Map.Entry<String, JsonNode> entry : node.properties()) {
      String key = entry.getKey();
      if (!known.contains(key)) {
        String why =
            hint.apply(key)
                .or(() -> Suggest.closest(key, known).map(k -> "did you mean '" + k + "'?"))
                .orElse("known keys here: " + String.join(", ", known));
        throw errors.at(path.child(key), "unknown key " + Quote.of(key), why);
      }
    }
  }

  Optional<String> string(String key) {
    return value(key).map(v -> text(path.child(key), v, key + " = \"...\""));
  }

  /** A command line for the system shell: a string with something in it. */
  Optional<String> command(String key) {
    return string(key)
        .map(
            c -> {
              if (c.isBlank()) {
                throw errors.at(
                    path.child(key),
                    "empty command " + Quote.of(c),
                    "give a command, e.g. "
                        + key
                        + " = \"notify-send portkeep\", or remove the key");
              }
              return c;
            });
  }

  /** A string, or an integer written as a string: {@code ui = 9723} is {@code ui = "9723"}. */
  Optional<String> stringOrInteger(String key) {
    return value(key)
        .map(v -> v.isIntegralNumber() ? v.asText() : text(path.child(key), v, key + " = \"...\""));
  }

  /** A list of strings; a single string is an error whose hint puts it in brackets. */
  List<String> strings(String key) {
    Optional<JsonNode> value = value(key);
    if (value.isEmpty()) {
      return List.of();
    }
    JsonNode list = value.get();
    KeyPath at = path.child(key);
    if (!list.isArray()) {
      String hint =
          list.isTextual()
              ? "write it as a list: " + key + " = [\"" + list.asText() + "\"]"
              : "write it as a list of strings: " + key + " = [\"...\"]";
      throw errors.at(at, "expected a list of strings, got " + describe(list), hint);
    }
    List<String> texts = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      texts.add(text(at.element(i), list.get(i), key + " = [\"...\", \"...\"]"));
    }
    return texts;
  }

  Optional<Boolean> bool(String key) {
    return value(key)
        .map(
            v -> {
              if (!v.isBoolean()) {
                throw errors.at(
                    path.child(key),
                    "expected true or false, got " + describe(v),
                    "write " + key + " = true or " + key + " = false, without quotes");
              }
              return v.booleanValue();
            });
  }

  /** A whole number from {@code min} to {@code max}. */
  OptionalLong integer(String key, long min, long max, String unit) {
    Optional<JsonNode> value = value(key);
    if (value.isEmpty()) {
      return OptionalLong.empty();
    }
    return OptionalLong.of(integer(path.child(key), value.get(), min, max, unit));
  }

  long integer(KeyPath at, JsonNode v, long min, long max, String unit) {
    String range = "from " + min + " to " + max + " " + unit;
    if (!v.isIntegralNumber()) {
      throw errors.at(
          at,
          "expected a whole number, got " + describe(v),
          "write a number " + range + ", without quotes");
    }
    BigInteger n = v.bigIntegerValue();
    if (n.compareTo(BigInteger.valueOf(min)) < 0 || n.compareTo(BigInteger.valueOf(max)) > 0) {
      throw errors.at(at, "out of range: " + Quote.of(n.toString()), "give a number " + range);
    }
    return n.longValueExact();
  }

  Optional<Table> table(String key) {
    return value(key)
        .map(
            v -> {
              if (!(v instanceof ObjectNode object)) {
                throw errors.at(
                    path.child(key),
                    "expected a table, got " + describe(v),
                    "write "
                        + key
                        + " = { key = \"value\", ... } or a ["
                        + path.child(key)
                        + "] table");
              }
              return new Table(object, path.child(key), errors);
            });
  }

  private Optional<JsonNode> value(String key) {
    return Optional.ofNullable(node.get(key));
  }

  /** A string without NUL characters (no command or path can carry one). */
  String text(KeyPath at, JsonNode v, String example) {
    if (!v.isTextual()) {
      throw errors.at(
          at, "expected a string, got " + describe(v), "write it in quotes: " + example);
    }
    String text = v.textValue();
    if (text.indexOf('\0') >= 0) {
      throw errors.at(at, "contains a NUL character: " + Quote.of(text), "remove the \\u0000");
    }
    return text;
  }

  /** What a value is, for "expected X, got Y": its TOML type and the value quoted. */
  static String describe(JsonNode v) {
    if (v.isTextual()) {
      return "a string " + Quote.of(v.textValue());
    }
    if (v.isBoolean()) {
      return "a boolean " + Quote.of(v.asText());
    }
    if (v.isIntegralNumber()) {
      return "an integer " + Quote.of(v.asText());
    }
    if (v.isNumber()) {
      return "a decimal number " + Quote.of(v.asText());
    }
    if (v.isArray()) {
      return "a list " + Quote.of(v.toString());
    }
    if (v.isObject()) {
      return "a table " + Quote.of(v.toString());
    }
    if (v instanceof POJONode pojo) {
      return "a date or time " + Quote.of(String.valueOf(pojo.getPojo()));
    }
    return "a "
        + v.getNodeType().name().toLowerCase(java.util.Locale.ROOT)
        + " "
        + Quote.of(v.toString());
  }
}
