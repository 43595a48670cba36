package dev.portkeep.config.tunnels;

import com.fasterxml.jackson.databind.JsonNode;
import dev.portkeep.config.AddressFamily;
import dev.portkeep.config.ForwardSpec;
import dev.portkeep.config.ForwardSyntax;
import dev.portkeep.config.Keyword;
import dev.portkeep.error.UsageException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A tunnel's {@code options} table: each key an {@code -o} keyword, each value OpenSSH's text.
 * Strings are taken as written, integers as their digits, booleans as {@code yes}/{@code no}; a
 * list only for the keywords that OpenSSH accumulates. Forwards are checked as {@code Plans} will
 * read them; other values are checked when the tunnel's plan is built.
 */
final class OptionsReader {
  static final List<Keyword> FORWARDS =
      List.of(Keyword.LOCAL_FORWARD, Keyword.REMOTE_FORWARD, Keyword.DYNAMIC_FORWARD);

  private final Errors errors;

  OptionsReader(Errors errors) {
    this.errors = errors;
  }

  Map<Keyword, List<String>> read(
      Table tunnel, AddressFamily family, List<ListenClash.Listener> listeners) {
    Optional<Table> table = tunnel.table(Keys.OPTIONS);
    Map<Keyword, List<String>> options = new LinkedHashMap<>();
    if (table.isEmpty()) {
      return options;
    }
    for (Map.Entry<String, JsonNode> entry : table.get().entries()) {
      KeyPath at = table.get().path().child(entry.getKey());
      Keyword keyword = keyword(entry.getKey(), at);
      if (options.containsKey(keyword)) {
        throw errors.at(
            at,
            "option " + Quote.of(keyword.canonical()) + " given twice",
            "ssh options ignore case: keep one of them");
      }
      List<String> values = values(keyword, entry.getValue(), at);
      if (FORWARDS.contains(keyword)) {
        for (int i = 0; i < values.size(); i++) {
          KeyPath where = values.size() > 1 || entry.getValue().isArray() ? at.element(i) : at;
          ForwardSpec spec;
          try {
            spec = parseForward(keyword, values.get(i));
          } catch (UsageException e) {
            throw errors.wrap(where, e);
          }
          ListenClash.Listener.of(spec, family, Quote.of(values.get(i)), where)
              .ifPresent(listeners::add);
        }
      }
      options.put(keyword, values);
    }
    return options;
  }

  private Keyword keyword(String name, KeyPath at) {
    return Keyword.lookup(name)
        .orElseThrow(
            () -> {
              List<String> known = Arrays.stream(Keyword.values()).map(Keyword::canonical).toList();
              String hint =
                  Suggest.closest(name, known).map(k -> "did you mean '" + k + "'? ").orElse("")
                      + "portkeep understands "
                      + String.join(", ", known);
              return errors.at(at, "unknown ssh option " + Quote.of(name), hint);
            });
  }

  private List<String> values(Keyword keyword, JsonNode value, KeyPath at) {
    if (!value.isArray()) {
      return List.of(text(keyword, value, at));
    }
    if (!keyword.accumulates()) {
      throw errors.at(
          at,
          keyword.canonical() + " takes one value, got a list " + Quote.of(value.toString()),
          "only IdentityFile, LocalForward, RemoteForward and DynamicForward take a list");
    }
    if (value.isEmpty()) {
      throw errors.at(at, "empty list for " + keyword.canonical(), "give a value or remove it");
    }
    List<String> values = new ArrayList<>();
    for (int i = 0; i < value.size(); i++) {
      values.add(text(keyword, value.get(i), at.element(i)));
    }
    return values;
  }

  private String text(Keyword keyword, JsonNode value, KeyPath at) {
    String name = keyword.canonical();
    if (value.isBoolean()) {
      return value.booleanValue() ? "yes" : "no";
    }
    if (value.isIntegralNumber()) {
      return value.asText();
    }
    if (!value.isTextual()) {
      throw errors.at(
          at,
          "expected a string, a whole number or true/false for "
              + name
              + ", got "
              + Table.describe(value),
          "write it as ssh_config would, e.g. " + name + " = \"value\"");
    }
    String text = value.textValue().strip();
    if (text.isEmpty()) {
      throw errors.at(
          at,
          "empty value for " + name + ": " + Quote.of(value.textValue()),
          "give a value or remove the option");
    }
    if (text.chars().anyMatch(c -> c == '\n' || c == '\r' || c == '\0')) {
      throw errors.at(
          at,
          "a value on more than one line for " + name + ": " + Quote.of(text),
          "write the value on one line");
    }
    return text;
  }

  /**
   * A LocalForward, RemoteForward or DynamicForward value as {@code Plans} reads it: ssh_config's
   * {@code [bind:]port host:hostport} (a space or a colon between the two halves).
   */
  static ForwardSpec parseForward(Keyword keyword, String value) {
    String[] parts = value.strip().split("\\s+");
    boolean dynamic = keyword == Keyword.DYNAMIC_FORWARD;
    if (parts.length > 2 || (parts.length == 2 && dynamic)) {
      throw new UsageException(
          "bad "
              + keyword.canonical()
              + " "
              + Quote.of(value)
              + ": expected "
              + (dynamic ? "'[bind_address:]port'" : "'[bind_address:]port host:hostport'"),
          "for example " + keyword.canonical() + (dynamic ? " = \"1080\"" : " = \"8080 db:5432\""));
    }
    String spec = String.join(":", parts);
    return switch (keyword) {
      case LOCAL_FORWARD -> ForwardSyntax.parseLocal(spec);
      case REMOTE_FORWARD -> ForwardSyntax.parseRemote(spec);
      case DYNAMIC_FORWARD -> ForwardSyntax.parseDynamic(spec);
      default -> throw new IllegalArgumentException(keyword + " is not a forward");
    };
  }
}
