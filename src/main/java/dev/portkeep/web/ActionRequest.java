package dev.portkeep.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portkeep.control.ControlFailure;
import dev.portkeep.control.Request;
import java.io.IOException;
import java.util.List;
import java.util.Set;

/**
 * The page's action body, {@code {"action": "stop", "tunnel": "files"}} ({@code reload} takes no
 * tunnel), into the control request it means. Anything else is a {@code bad_request} naming what.
 */
final class ActionRequest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Set<String> FIELDS = Set.of("action", "tunnel");

  private ActionRequest() {}

  static Request parse(byte[] body) throws ControlFailure {
    JsonNode n;
    try {
      n = JSON.readTree(body);
    } catch (JsonProcessingException e) {
      throw bad("the body is not JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw bad("the body cannot be read: " + e.getMessage());
    }
    if (n == null || !n.isObject()) {
      throw bad("the body is not a JSON object");
    }
    for (var it = n.fieldNames(); it.hasNext(); ) {
      String field = it.next();
      if (!FIELDS.contains(field)) {
        throw bad("unknown field '" + field + "'");
      }
    }
    JsonNode action = n.get("action");
    if (action == null || !action.isTextual()) {
      throw bad("no \"action\" string");
    }
    if (action.asText().equals("reload")) {
      return new Request.Reload();
    }
    JsonNode tunnel = n.get("tunnel");
    if (tunnel == null || !tunnel.isTextual() || tunnel.asText().isBlank()) {
      throw bad("\"" + action.asText() + "\" needs a \"tunnel\" name");
    }
    List<String> names = List.of(tunnel.asText());
    return switch (action.asText()) {
      case "start" -> new Request.Start(names);
      case "stop" -> new Request.Stop(names);
      case "restart" -> new Request.Restart(names);
      default -> throw bad("unknown action '" + action.asText() + "'");
    };
  }

  private static ControlFailure bad(String why) {
    return new ControlFailure(
        "bad_request",
        "bad action: " + why,
        "send {\"action\": \"start|stop|restart\", \"tunnel\": \"NAME\"} or {\"action\": \"reload\"}");
  }
}
