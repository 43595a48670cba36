package dev.portkeep.control;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The control protocol's one owner: requests and answers to and from their JSON line. Reading a
 * request is strict (UTF-8 only, one object, no duplicate keys, no unknown fields, no trailing
 * tokens, small depth and strings), since any program of the user's may send one.
 */
public final class Protocol {
  /** Nesting a request may have: an object holding an array is 2. */
  static final int MAX_REQUEST_DEPTH = 8;

  /** Longest string or tunnel name in a request, in characters. */
  static final int MAX_REQUEST_STRING = 1024;

  /** Largest answer a client reads: a status of thousands of tunnels fits. */
  static final int MAX_ANSWER_BYTES = 4 * 1024 * 1024;

  private static final String COMMANDS = "ping, status, start, stop, restart, reload";
  private static final ObjectMapper REQUESTS =
      mapper(
          StreamReadConstraints.builder()
              .maxNestingDepth(MAX_REQUEST_DEPTH)
              .maxStringLength(MAX_REQUEST_STRING)
              .maxNameLength(64)
              .maxNumberLength(32)
              .build());
  private static final ObjectMapper ANSWERS =
      mapper(
          StreamReadConstraints.builder()
              .maxNestingDepth(64)
              .maxStringLength(MAX_ANSWER_BYTES)
              .maxDocumentLength(MAX_ANSWER_BYTES)
              .build());

  private Protocol() {}

  private static ObjectMapper mapper(StreamReadConstraints constraints) {
    JsonFactory factory =
        JsonFactory.builder()
            .streamReadConstraints(constraints)
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
            .build();
    return JsonMapper.builder(factory)
        .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
        .build();
  }

  /** Reads one request from its line's bytes (without the newline). */
  public static Request parseRequest(byte[] line) throws ControlFailure {
    ObjectNode object = requestObject(line);
    JsonNode command = object.get("command");
    if (command == null) {
      throw bad("request has no \"command\"", "send e.g. {\"command\":\"ping\"}");
    }
    if (!command.isTextual()) {
      throw bad("\"command\" must be a string, got " + type(command), "");
    }
    try {
      return switch (command.textValue()) {
        case "ping" -> only(object, "ping", new Request.Ping());
        case "status" -> only(object, "status", new Request.Status());
        case "reload" -> only(object, "reload", new Request.Reload());
        case "start" -> new Request.Start(tunnels(object, "start"));
        case "stop" -> new Request.Stop(tunnels(object, "stop"));
        case "restart" -> new Request.Restart(tunnels(object, "restart"));
        default ->
            throw new ControlFailure(
                Answer.UNKNOWN_COMMAND,
                "unknown command '" + clip(command.textValue()) + "'",
                "use one of " + COMMANDS);
      };
    } catch (IllegalArgumentException e) { // a blank or repeated tunnel name
      throw bad(e.getMessage(), "");
    }
  }

  private static ObjectNode requestObject(byte[] line) throws ControlFailure {
    String text;
    try {
      text =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(line))
              .toString();
    } catch (CharacterCodingException e) {
      throw bad("request is not UTF-8", "send one line of UTF-8 JSON");
    }
    JsonNode tree;
    try {
      tree = REQUESTS.readTree(text);
    } catch (JsonProcessingException e) {
      throw bad("request is not valid JSON: " + e.getOriginalMessage(), "");
    }
    if (tree == null || tree.isMissingNode()) {
      throw bad("request is empty", "send e.g. {\"command\":\"ping\"}");
    }
    if (!(tree instanceof ObjectNode object)) {
      throw bad("request must be a JSON object, got " + type(tree), "");
    }
    return object;
  }

  private static Request only(ObjectNode object, String command, Request request)
      throws ControlFailure {
    allowOnly(object, command, Set.of("command"));
    return request;
  }

  private static List<String> tunnels(ObjectNode object, String command) throws ControlFailure {
    allowOnly(object, command, Set.of("command", "tunnels"));
    JsonNode tunnels = object.get("tunnels");
    if (tunnels == null) {
      return List.of();
    }
    if (!(tunnels instanceof ArrayNode array)) {
      throw bad("\"tunnels\" must be an array of tunnel names, got " + type(tunnels), "");
    }
    if (array.isEmpty()) {
      throw bad("\"tunnels\" is empty", "leave \"tunnels\" out to mean every tunnel");
    }
    List<String> names = new ArrayList<>();
    for (JsonNode name : array) {
      if (!name.isTextual()) {
        throw bad("\"tunnels\" must hold only strings, got " + type(name), "");
      }
      names.add(name.textValue());
    }
    return names;
  }

  private static void allowOnly(ObjectNode object, String command, Set<String> allowed)
      throws ControlFailure {
    for (var property : object.properties()) {
      String field = property.getKey();
      if (!allowed.contains(field)) {
        throw bad(
            "unknown field '" + clip(field) + "' for command '" + command + "'",
            command + " takes " + (allowed.size() == 1 ? "no other fields" : "only \"tunnels\""));
      }
    }
  }

  /**
   * Runs a request and an answer through Jackson once, since its first use loads and links hundreds
   * of classes: measured with socat on this 2-core machine at load 16, the first ping took 1.3 to
   * 3.2 s without this and 0.22 to 0.27 s with it.
   */
  static void warmUp() {
    try {
      parseAnswer(writeAnswer(new Answer.Failed(Answer.BAD_REQUEST, "-", "")));
      parseRequest(writeRequest(new Request.Stop(List.of("-"))).getBytes(StandardCharsets.UTF_8));
    } catch (ControlFailure | IOException e) {
      throw new IllegalStateException("the control protocol cannot read its own lines", e);
    }
  }

  /** A request's line, without the newline. */
  public static String writeRequest(Request request) {
    ObjectNode object = REQUESTS.createObjectNode().put("command", request.command());
    if (request instanceof Request.Selective selective && !selective.everyTunnel()) {
      selective.tunnels().forEach(object.putArray("tunnels")::add);
    }
    return object.toString();
  }

  /** An answer's line, without the newline. */
  public static String writeAnswer(Answer answer) {
    ObjectNode object = ANSWERS.createObjectNode();
    switch (answer) {
      case Answer.Ok ok -> object.put("ok", true).setAll(ok.fields());
      case Answer.Failed failed ->
          object
              .put("ok", false)
              .putObject("error")
              .put("kind", failed.kind())
              .put("message", failed.message())
              .put("hint", failed.hint());
    }
    return object.toString();
  }

  /**
   * Reads an answer line. Fields an older client does not know are kept (ok answers) or ignored
   * (inside "error"), so a newer server can add them.
   *
   * @throws IOException when the line is not a control answer at all
   */
  public static Answer parseAnswer(String line) throws IOException {
    JsonNode tree = ANSWERS.readTree(line);
    if (!(tree instanceof ObjectNode object) || !object.path("ok").isBoolean()) {
      throw new IOException("not an object with a boolean \"ok\"");
    }
    if (object.get("ok").booleanValue()) {
      ObjectNode fields = object.deepCopy();
      fields.remove("ok");
      return new Answer.Ok(fields);
    }
    JsonNode error = object.path("error");
    if (!error.path("kind").isTextual() || !error.path("message").isTextual()) {
      throw new IOException("\"error\" lacks a string \"kind\" and \"message\"");
    }
    try {
      return new Answer.Failed(
          error.get("kind").textValue(),
          error.get("message").textValue(),
          error.path("hint").isTextual() ? error.get("hint").textValue() : "");
    } catch (IllegalArgumentException e) {
      throw new IOException(e.getMessage());
    }
  }

  private static ControlFailure bad(String message, String hint) {
    return new ControlFailure(Answer.BAD_REQUEST, message, hint);
  }

  private static String type(JsonNode node) {
    return node.getNodeType().name().toLowerCase(Locale.ROOT);
  }

  private static String clip(String text) {
    return text.length() <= 64 ? text : text.substring(0, 64) + "...";
  }
}
