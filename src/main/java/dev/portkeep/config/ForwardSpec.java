package dev.portkeep.config;

import java.util.Objects;

/** One forward the user asked for. Remote and dynamic forwards join this family later. */
public sealed interface ForwardSpec {

  /** The text the user wrote, quoted back in messages. */
  String spec();

  /** Where connections go, as shown in status lines. */
  String targetText();

  /** {@code -L [bind:]port:host:hostport}: listen locally, connect from the server. */
  record Local(BindAddress bind, int port, Endpoint target, String spec) implements ForwardSpec {
    public Local {
      Objects.requireNonNull(bind, "bind");
      Objects.requireNonNull(target, "target");
      Objects.requireNonNull(spec, "spec");
      if (port < 0 || port > 65_535) {
        throw new IllegalArgumentException("port " + port);
      }
    }

    @Override
    public String targetText() {
      return target.toString();
    }

    /** The listen side as the user wrote it, e.g. {@code localhost:8080} or {@code [::1]:1445}. */
    public String listenText() {
      return bind + ":" + port;
    }
  }
}
