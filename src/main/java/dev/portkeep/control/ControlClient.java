package dev.portkeep.control;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portkeep.error.NotRunningException;
import dev.portkeep.error.UnreachableException;
import dev.portkeep.error.UsageException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.ConnectException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.Objects;

/**
 * Sends one request to a running {@code up} and reads its answer, all within a timeout.
 *
 * <p>Failures: no socket file or a refused connection is {@link NotRunningException} (exit 6); no
 * answer in time, or a {@code busy} answer through {@link #send}, is {@link UnreachableException}
 * (exit 4); a socket this user may not use, or a peer that does not speak the protocol, is {@link
 * UsageException} (exit 2).
 */
public final class ControlClient {
  /** How long a command waits for the running {@code up} by default. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

  private final Path socket;
  private final Duration timeout;

  public ControlClient(Path socket, Duration timeout) {
    this.socket = Objects.requireNonNull(socket, "socket");
    this.timeout = Objects.requireNonNull(timeout, "timeout");
  }

  /**
   * The fields of an ok answer. An error answer becomes {@link UnreachableException} for {@code
   * busy}, {@link IllegalStateException} for {@code internal} (a bug in the running up), and {@link
   * UsageException} with the server's message and hint for every other kind.
   */
  public ObjectNode send(Request request) {
    return switch (exchange(request)) {
      case Answer.Ok ok -> ok.fields();
      case Answer.Failed failed when failed.kind().equals(Answer.BUSY) ->
          throw new UnreachableException(failed.message(), failed.hint(), null);
      case Answer.Failed failed when failed.kind().equals(Answer.INTERNAL) ->
          throw new IllegalStateException(failed.message());
      case Answer.Failed failed -> throw new UsageException(failed.message(), failed.hint());
    };
  }

  /** The answer as the server gave it, ok or failed. */
  public Answer exchange(Request request) {
    if (missing()) {
      throw notRunning(null);
    }
    byte[] line = (Protocol.writeRequest(request) + "\n").getBytes(StandardCharsets.UTF_8);
    Deadline deadline = null;
    try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
      deadline = Deadline.start(Thread.ofVirtual().factory(), timeout, channel);
      connect(channel);
      try {
        channel.write(ByteBuffer.wrap(line));
      } catch (IOException e) {
        // a server that answers before reading (busy) may have hung up: its answer is still here
      }
      return Protocol.parseAnswer(readLine(channel));
    } catch (IOException e) {
      if (deadline != null && deadline.expired()) {
        throw new UnreachableException(
            "portkeep up did not answer on the control socket '"
                + socket
                + "' within "
                + timeout.toMillis()
                + " ms",
            "it may be stuck; try again, or stop its process",
            e);
      }
      throw new UsageException(
          "cannot talk to the control socket '" + socket + "': " + e.getMessage(),
          "check that --control names the socket of a portkeep up of this user",
          e);
    } finally {
      if (deadline != null) {
        deadline.close();
      }
    }
  }

  private void connect(SocketChannel channel) throws IOException {
    try {
      channel.connect(UnixDomainSocketAddress.of(socket));
    } catch (ConnectException e) {
      throw notRunning(e); // a socket file nobody listens on: an up that crashed
    } catch (IOException e) {
      if (missing()) {
        throw notRunning(e); // removed between the check and the connect
      }
      throw e;
    }
  }

  /** Whether the socket file is surely absent; not when this user may not even look (EACCES). */
  private boolean missing() {
    try {
      Files.readAttributes(socket, BasicFileAttributes.class);
      return false;
    } catch (NoSuchFileException e) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private NotRunningException notRunning(Throwable cause) {
    return new NotRunningException(
        "no portkeep up is running (control socket " + socket + ")",
        "start one with 'portkeep up', or name its socket with --control PATH",
        cause);
  }

  /** The answer's bytes up to its newline; the server always ends it with one. */
  private String readLine(SocketChannel channel) throws IOException {
    ByteArrayOutputStream answer = new ByteArrayOutputStream();
    ByteBuffer buffer = ByteBuffer.allocate(8192);
    while (true) {
      buffer.clear();
      int n = channel.read(buffer);
      if (n < 0) {
        throw new IOException(
            answer.size() == 0
                ? "the connection closed without an answer"
                : "the answer ended without a newline");
      }
      for (int i = 0; i < n; i++) {
        if (buffer.get(i) == '\n') {
          answer.write(buffer.array(), 0, i);
          return answer.toString(StandardCharsets.UTF_8);
        }
      }
      answer.write(buffer.array(), 0, n);
      if (answer.size() > Protocol.MAX_ANSWER_BYTES) {
        throw new IOException("the answer is larger than " + Protocol.MAX_ANSWER_BYTES + " bytes");
      }
    }
  }
}
