package dev.portkeep.config;

import java.util.Objects;

/** One forward the user asked for: -L, -R or -D. */
public sealed interface ForwardSpec {

  /** The text the user wrote, quoted back in messages. */
  String spec();

  /** Where connections go, as shown in status lines. */
  String targetText();

  /** The command-line flag of this kind of forward: -L, -R or -D. */
  default String flag() {
    return switch (this) {
      case Local l -> "-L";
      case Remote r -> "-R";
      case Dynamic d -> "-D";
    };
  }

  /** {@code -L [bind:]port:host:hostport}: listen locally, connect from the server. */
  record Local(BindAddress bind, int port, Endpoint target, String spec) implements ForwardSpec {
    public Local {
      Objects.requireNonNull(bind, "bind");
      Objects.requireNonNull(target, "target");
      Objects.requireNonNull(spec, "spec");
      requirePort(port);
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

  /**
   * {@code -R [bind:]port:host:hostport}: the server listens, connections come back and go to
   * host:hostport from here. The bind address is the server's to interpret (GatewayPorts decides):
   * none means "localhost", {@code *} or empty means every interface. Port 0 lets the server pick.
   */
  record Remote(String bindAddress, int port, Endpoint target, String spec) implements ForwardSpec {
    public Remote {
      Objects.requireNonNull(bindAddress, "bindAddress");
      Objects.requireNonNull(target, "target");
      Objects.requireNonNull(spec, "spec");
      requirePort(port);
    }

    @Override
    public String targetText() {
      return target.toString();
    }

    /** The listen side on the server, e.g. {@code localhost:8080} or {@code *:0}. */
    public String listenText() {
      return listenText(port);
    }

    /** The listen side with the port the server really bound (for port 0, the one it chose). */
    public String listenText(int boundPort) {
      return IpLiterals.hostPort(bindAddress.isEmpty() ? "*" : bindAddress, boundPort);
    }
  }

  /** {@code -D [bind:]port}: a local SOCKS server; each request names its own target. */
  record Dynamic(BindAddress bind, int port, String spec) implements ForwardSpec {
    public Dynamic {
      Objects.requireNonNull(bind, "bind");
      Objects.requireNonNull(spec, "spec");
      requirePort(port);
    }

    @Override
    public String targetText() {
      return "SOCKS";
    }

    public String listenText() {
      return bind + ":" + port;
    }
  }

  /**
   * The records' shared check: 0 (any free port) to 65535; the parser has already told the user.
   */
  private static void requirePort(int port) {
    if (port < 0 || port > 65_535) {
      throw new IllegalArgumentException("port " + port);
    }
  }
}
