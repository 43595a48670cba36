package dev.portkeep.status;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portkeep.error.BindRefusal;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The status document, the one owner of its JSON form (README "Status as JSON"): what {@code
 * portkeep status --json} prints, what the control endpoint answers, what the web page reads. Names
 * are snake_case; times are ISO-8601 instants; absent values are null.
 */
public final class StatusJson {
  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

  private StatusJson() {}

  /** {@code {"tunnels": [...]}} for these tunnels, in order. */
  public static ObjectNode document(List<TunnelSnapshot> tunnels) {
    ObjectNode root = JSON.objectNode();
    ArrayNode list = root.putArray("tunnels");
    tunnels.forEach(t -> list.add(tunnel(t)));
    return root;
  }

  static ObjectNode tunnel(TunnelSnapshot t) {
    ObjectNode n = JSON.objectNode();
    n.put("name", t.name());
    n.put("state", t.state().label());
    n.put("since", t.since().toString());
    n.put("server", t.server());
    n.put("server_version", t.session().map(SessionInfo::serverVersion).orElse(null));
    n.put("cipher", t.session().map(SessionInfo::cipher).orElse(null));
    n.put("attempt", t.attempt().orElse(null));
    n.put("next_try", t.nextTry().map(Instant::toString).orElse(null));
    n.put("reconnects", t.reconnects());
    n.set("last_loss", t.lastLoss().map(StatusJson::loss).orElse(null));
    n.set("last_error", problem(t.lastError()));
    ArrayNode forwards = n.putArray("forwards");
    t.forwards().forEach(f -> forwards.add(forward(f)));
    return n;
  }

  private static JsonNode loss(LossReason r) {
    ObjectNode n = JSON.objectNode();
    n.put("kind", r.kind().label());
    n.put("detail", r.detail());
    n.put("text", r.describe());
    return n;
  }

  static ObjectNode forward(ForwardSnapshot f) {
    ObjectNode n = JSON.objectNode();
    n.put("spec", f.flag() + " " + f.spec());
    n.put("kind", f.flag().equals("-L") ? "local" : f.flag().equals("-R") ? "remote" : "dynamic");
    ArrayNode listen = n.putArray("listen");
    f.listen().forEach(listen::add);
    n.put("state", f.state().label());
    n.put("open", f.open().orElse(null));
    n.put("total", f.total().orElse(null));
    n.put("bytes_up", f.bytesUp().orElse(null));
    n.put("bytes_down", f.bytesDown().orElse(null));
    ObjectNode failures = n.putObject("failures");
    for (ChannelFailure reason : ChannelFailure.values()) {
      failures.put(reason.label(), f.failures().getOrDefault(reason, 0L));
    }
    n.set("last_error", problem(f.lastError()));
    n.set("probe", f.probe().map(StatusJson::probe).orElse(null));
    n.set("smb", f.smb().map(StatusJson::smb).orElse(null));
    return n;
  }

  private static JsonNode smb(SmbAccess s) {
    ObjectNode n = JSON.objectNode();
    n.put("share", s.share().orElse(null));
    ArrayNode commands = n.putArray("commands");
    for (SmbAccess.ClientCommand c : s.commands()) {
      ObjectNode command = commands.addObject();
      command.put("os", c.os());
      command.put("command", c.command());
      command.put("note", c.note().orElse(null));
    }
    return n;
  }

  private static JsonNode probe(ForwardSnapshot.ProbeSnapshot p) {
    ObjectNode n = JSON.objectNode();
    n.put("ok", p.outcome() instanceof ProbeOutcome.Answered);
    n.put("latency_ms", p.outcome().took().toMillis());
    n.put(
        "detail",
        switch (p.outcome()) {
          case ProbeOutcome.Answered a -> a.detail();
          case ProbeOutcome.Failed f -> f.reason();
        });
    n.put("at", p.at().toString());
    return n;
  }

  private static JsonNode problem(Optional<Problem> problem) {
    if (problem.isEmpty()) {
      return JSON.nullNode();
    }
    Problem p = problem.get();
    ObjectNode n = JSON.objectNode();
    n.put("kind", p.kind().label());
    n.put("message", p.message());
    n.put("hint", p.hint());
    n.put("at", p.at().toString());
    n.set("bind", p.bind().map(StatusJson::bind).orElse(null));
    return n;
  }

  private static JsonNode bind(BindRefusal b) {
    ObjectNode n = JSON.objectNode();
    n.put("address", b.address());
    n.put("os_error", b.osError());
    n.put("rule", b.rule());
    n.put("explanation", b.explanation());
    ArrayNode holders = n.putArray("holders");
    for (BindRefusal.Holder h : b.holders()) {
      holders.add(holder(h));
    }
    ArrayNode hints = n.putArray("hints");
    b.hints().forEach(hints::add);
    return n;
  }

  /** A holder as {@code check --json} and status both write it. */
  public static ObjectNode holder(BindRefusal.Holder h) {
    ObjectNode n = JSON.objectNode();
    n.put("local", h.local());
    n.put("state", h.state());
    n.put("pid", h.pid().orElse(null));
    n.put("process", h.process().orElse(null));
    n.put("uid", h.uid().orElse(null));
    n.put("user", h.user().orElse(null));
    return n;
  }
}
