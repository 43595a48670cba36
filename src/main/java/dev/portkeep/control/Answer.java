package dev.portkeep.control;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The one line a control request gets back: {@code {"ok":true, ...fields}} or {@code
 * {"ok":false,"error":{"kind":"...","message":"...","hint":"..."}}}. The kinds below are the
 * server's own; a {@link ControlHandler} may add its own ({@code unknown_tunnel}, {@code
 * invalid_file}) in the same lower_snake_case.
 */
public sealed interface Answer permits Answer.Ok, Answer.Failed {
  /** Not JSON, not an object, a duplicate key, an unknown field, a wrong type, too deep. */
  String BAD_REQUEST = "bad_request";

  /** More than {@link ControlLimits#maxRequestBytes()} before the newline. */
  String TOO_LARGE = "too_large";

  /** A {@code "command"} that is none of ping, status, start, stop, restart, reload. */
  String UNKNOWN_COMMAND = "unknown_command";

  /** The peer runs as another user (seen through the socket's peer credentials). */
  String NOT_SAME_USER = "not_same_user";

  /** Every connection slot is taken; try again. */
  String BUSY = "busy";

  /** The running {@code up} failed on the request: a bug, logged there. */
  String INTERNAL = "internal";

  /** Whether this is an {@code "ok":true} answer. */
  boolean ok();

  /** A success: the handler's fields, which must not include {@code "ok"}. */
  record Ok(ObjectNode fields) implements Answer {
    public Ok {
      fields = fields.deepCopy();
      if (fields.has("ok")) {
        throw new IllegalArgumentException("answer fields must not include \"ok\": " + fields);
      }
    }

    /** An answer with no fields: {@code {"ok":true}}. */
    public static Ok empty() {
      return new Ok(JsonNodeFactory.instance.objectNode());
    }

    @Override
    public boolean ok() {
      return true;
    }
  }

  /** A refusal or failure, with a message naming the culprit and a hint ("" when none). */
  record Failed(String kind, String message, String hint) implements Answer {
    private static final Pattern KIND = Pattern.compile("[a-z][a-z0-9_]{0,63}");

    public Failed {
      Objects.requireNonNull(kind, "kind");
      Objects.requireNonNull(message, "message");
      Objects.requireNonNull(hint, "hint");
      if (!KIND.matcher(kind).matches()) {
        throw new IllegalArgumentException("error kind must be lower_snake_case: '" + kind + "'");
      }
      if (message.isBlank()) {
        throw new IllegalArgumentException("error message must not be blank (kind " + kind + ")");
      }
    }

    @Override
    public boolean ok() {
      return false;
    }
  }
}
