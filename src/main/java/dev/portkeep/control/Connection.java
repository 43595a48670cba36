package dev.portkeep.control;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.attribute.UserPrincipal;
import java.util.Arrays;
import java.util.concurrent.ThreadFactory;
import jdk.net.ExtendedSocketOptions;
import jdk.net.UnixDomainPrincipal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One control connection: check the peer, read one line, answer it, hang up. */
final class Connection {
  private static final Logger log = LoggerFactory.getLogger(Connection.class);

  /** What every connection of one server shares. */
  record Context(
      ControlHandler handler,
      ObjectNode ping,
      UserPrincipal owner,
      ControlLimits limits,
      ThreadFactory threads) {}

  private final SocketChannel channel;
  private final Context context;

  Connection(SocketChannel channel, Context context) {
    this.channel = channel;
    this.context = context;
  }

  /** Answers {@code busy} at once, without blocking the accept loop, then hangs up. */
  static void refuseBusy(SocketChannel channel, ControlLimits limits) {
    Answer busy =
        new Answer.Failed(
            Answer.BUSY,
            "portkeep up is serving " + limits.maxConnections() + " control connections",
            "try again in a few seconds");
    try (channel) {
      channel.configureBlocking(false);
      channel.write(
          ByteBuffer.wrap((Protocol.writeAnswer(busy) + "\n").getBytes(StandardCharsets.UTF_8)));
    } catch (IOException e) {
      log.debug("busy answer not sent: {}", e.toString());
    }
  }

  void serve() {
    Answer answer;
    try {
      answer = answer();
    } catch (IOException e) {
      log.debug("control connection dropped: {}", e.toString());
      return;
    }
    byte[] line = (Protocol.writeAnswer(answer) + "\n").getBytes(StandardCharsets.UTF_8);
    try (Deadline deadline =
        Deadline.start(context.threads(), context.limits().writeDeadline(), channel)) {
      ByteBuffer out = ByteBuffer.wrap(line);
      while (out.hasRemaining()) {
        channel.write(out);
      }
    } catch (IOException e) {
      log.debug("control answer not delivered: {}", e.toString());
    }
  }

  /** The answer to this connection; IOException when the client is gone or too slow. */
  private Answer answer() throws IOException {
    String stranger = stranger();
    if (stranger != null) {
      log.warn("refused a control connection from user {}", stranger);
      return new Answer.Failed(
          Answer.NOT_SAME_USER,
          "control connection refused: you are user '"
              + stranger
              + "', this portkeep up runs as '"
              + context.owner().getName()
              + "'",
          "run the command as the user who started portkeep up");
    }
    try {
      Request request = Protocol.parseRequest(readLine());
      return request instanceof Request.Ping ? new Answer.Ok(context.ping()) : handle(request);
    } catch (ControlFailure failure) {
      return failure.answer();
    }
  }

  /** The peer's user when it is not the server's, null when it is or the OS cannot tell. */
  private String stranger() throws IOException {
    if (!channel.supportedOptions().contains(ExtendedSocketOptions.SO_PEERCRED)) {
      return null; // Windows: the folder's ACL is the only guard
    }
    UnixDomainPrincipal peer = channel.getOption(ExtendedSocketOptions.SO_PEERCRED);
    return peer.user().equals(context.owner()) ? null : peer.user().getName();
  }

  /** The request's bytes before the first newline, read within the read deadline. */
  private byte[] readLine() throws IOException, ControlFailure {
    ControlLimits limits = context.limits();
    ByteBuffer buffer = ByteBuffer.allocate(limits.maxRequestBytes());
    try (Deadline deadline = Deadline.start(context.threads(), limits.readDeadline(), channel)) {
      int scanned = 0;
      while (buffer.hasRemaining()) {
        if (channel.read(buffer) < 0) {
          throw new ControlFailure(
              Answer.BAD_REQUEST,
              buffer.position() == 0
                  ? "the connection ended before a request"
                  : "the request ended without a newline",
              "end the request's JSON with a newline");
        }
        for (; scanned < buffer.position(); scanned++) {
          if (buffer.get(scanned) == '\n') {
            return Arrays.copyOf(buffer.array(), scanned);
          }
        }
      }
    }
    throw new ControlFailure(
        Answer.TOO_LARGE,
        "request is larger than " + limits.maxRequestBytes() + " bytes",
        "a control request is one short line of JSON");
  }

  private Answer handle(Request request) {
    try {
      return new Answer.Ok(context.handler().handle(request));
    } catch (ControlFailure failure) {
      return failure.answer();
    } catch (RuntimeException e) {
      log.error("control request '{}' failed", request.command(), e);
      return new Answer.Failed(
          Answer.INTERNAL,
          "portkeep up failed on '" + request.command() + "': " + e,
          "this is a bug in portkeep; its log has the details");
    }
  }
}
