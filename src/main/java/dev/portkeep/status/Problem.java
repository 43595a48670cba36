package dev.portkeep.status;

import dev.portkeep.error.AuthException;
import dev.portkeep.error.BindRefusal;
import dev.portkeep.error.ListenException;
import dev.portkeep.error.NotRunningException;
import dev.portkeep.error.PortkeepException;
import dev.portkeep.error.UnreachableException;
import dev.portkeep.error.UsageException;
import java.io.IOException;
import java.time.Instant;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * The last thing that went wrong with a tunnel or a forward, typed: what kind of failure, the
 * message and hint portkeep printed for it, and for a failed bind the whole explanation as data.
 */
public record Problem(
    Problem.Kind kind, String message, String hint, Optional<BindRefusal> bind, Instant at) {
  /** What failed, for scripts and colours: never parsed from the message. */
  public enum Kind {
    BIND,
    FORWARD,
    AUTHENTICATION,
    HOST_KEY,
    UNREACHABLE,
    CONFIGURATION,
    LOST,
    ADMINISTRATIVELY_PROHIBITED,
    CONNECT_FAILED,
    CHANNEL,
    PROBE;

    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  public Problem {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(message, "message");
    Objects.requireNonNull(hint, "hint");
    Objects.requireNonNull(bind, "bind");
    Objects.requireNonNull(at, "at");
  }

  /** A user-facing failure, by its type. */
  public static Problem of(PortkeepException e, Instant at) {
    Optional<BindRefusal> bind = Optional.empty();
    Kind kind =
        switch (e) {
          case UsageException u -> Kind.CONFIGURATION;
          case AuthException a ->
              a.kind() == AuthException.Kind.HOST_KEY ? Kind.HOST_KEY : Kind.AUTHENTICATION;
          case UnreachableException u -> Kind.UNREACHABLE;
          case NotRunningException n -> Kind.UNREACHABLE;
          case ListenException l -> {
            bind = l.refusal();
            yield bind.isPresent() ? Kind.BIND : Kind.FORWARD;
          }
        };
    return new Problem(kind, e.getMessage(), e.hint(), bind, at);
  }

  /** A session that ended without being asked to. */
  public static Problem lost(LossReason reason, Instant at) {
    return new Problem(
        Kind.LOST,
        "lost the session: " + reason.describe(),
        "portkeep reconnects by itself; the listeners stay bound",
        Optional.empty(),
        at);
  }

  /** A connection that got no channel. */
  public static Problem channel(ChannelFailure reason, IOException cause, Instant at) {
    Kind kind =
        switch (reason) {
          case ADMINISTRATIVELY_PROHIBITED -> Kind.ADMINISTRATIVELY_PROHIBITED;
          case CONNECT_FAILED -> Kind.CONNECT_FAILED;
          default -> Kind.CHANNEL;
        };
    String hint =
        switch (reason) {
          case ADMINISTRATIVELY_PROHIBITED ->
              "the server's sshd_config forbids this forward (AllowTcpForwarding, PermitOpen)";
          case CONNECT_FAILED -> "nothing answers at the target as the server sees it";
          case SESSION_DOWN -> "the tunnel is reconnecting; -o ReconnectHold=N holds connections";
          default -> "run with -v for details";
        };
    String why = cause == null || cause.getMessage() == null ? reason.text() : cause.getMessage();
    return new Problem(kind, "no channel: " + why, hint, Optional.empty(), at);
  }

  /** A health probe whose target did not answer. */
  public static Problem probe(String reason, Instant at) {
    return new Problem(
        Kind.PROBE,
        "probe failed: " + reason,
        "the SSH session is up, but the far end does not answer",
        Optional.empty(),
        at);
  }
}
