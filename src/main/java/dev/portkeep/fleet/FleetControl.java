package dev.portkeep.fleet;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portkeep.control.ControlFailure;
import dev.portkeep.control.ControlHandler;
import dev.portkeep.control.Request;
import dev.portkeep.error.UsageException;
import dev.portkeep.status.StatusJson;
import dev.portkeep.status.TunnelSnapshot;
import java.util.List;
import java.util.function.Supplier;

/**
 * What the control endpoint's requests do to the fleet. Status answers the status document; start,
 * stop and restart answer the states they left; reload answers what it added, removed, changed and
 * left alone, or, when the file has a mistake, an {@code invalid_file} error and no change at all.
 */
public final class FleetControl implements ControlHandler {
  /** Reads the tunnels file again for a reload; a mistake in it is a UsageException. */
  @FunctionalInterface
  public interface Reader {
    List<Definition> read();
  }

  private final Fleet fleet;
  private final Reader reader;
  private final Supplier<ObjectNode> extra;

  /** {@code extra} adds fields of the process to the status answer (its pid, file, endpoints). */
  public FleetControl(Fleet fleet, Reader reader, Supplier<ObjectNode> extra) {
    this.fleet = fleet;
    this.reader = reader;
    this.extra = extra;
  }

  @Override
  public ObjectNode handle(Request request) throws ControlFailure {
    if (request instanceof Request.Selective selective) {
      List<String> unknown = fleet.unknown(selective.tunnels());
      if (!unknown.isEmpty()) {
        throw new ControlFailure(
            "unknown_tunnel",
            "no tunnel named '" + String.join("', '", unknown) + "'",
            "the tunnels are " + String.join(", ", fleet.names()) + " (portkeep status)");
      }
    }
    return switch (request) {
      case Request.Status s -> status();
      case Request.Start s -> states(s.tunnels(), () -> fleet.start(s.tunnels()));
      case Request.Stop s -> states(s.tunnels(), () -> fleet.stop(s.tunnels()));
      case Request.Restart s -> states(s.tunnels(), () -> fleet.restart(s.tunnels()));
      case Request.Reload r -> reload();
      case Request.Ping p -> throw new IllegalStateException("the server answers ping itself");
    };
  }

  private ObjectNode status() {
    ObjectNode document = StatusJson.document(fleet.status());
    document.setAll(extra.get());
    return document;
  }

  private ObjectNode states(List<String> names, Runnable action) {
    action.run();
    return StatusJson.document(selected(names));
  }

  private List<TunnelSnapshot> selected(List<String> names) {
    return fleet.status().stream()
        .filter(t -> names.isEmpty() || names.stream().anyMatch(t.name()::equalsIgnoreCase))
        .toList();
  }

  private ObjectNode reload() throws ControlFailure {
    List<Definition> definitions;
    try {
      definitions = reader.read();
    } catch (UsageException e) {
      throw new ControlFailure("invalid_file", e.getMessage(), e.hint());
    }
    Fleet.ReloadResult result = fleet.reload(definitions);
    ObjectNode answer = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
    list(answer.putArray("added"), result.added());
    list(answer.putArray("removed"), result.removed());
    list(answer.putArray("changed"), result.changed());
    list(answer.putArray("unchanged"), result.unchanged());
    ArrayNode kept = answer.putArray("kept");
    for (Fleet.Kept k : result.kept()) {
      kept.addObject()
          .put("tunnel", k.tunnel())
          .put("message", k.why().getMessage())
          .put("hint", k.why().hint());
    }
    return answer;
  }

  private static void list(ArrayNode array, List<String> names) {
    names.forEach(array::add);
  }
}
