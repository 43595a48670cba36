package dev.portkeep.ssh.agent;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;
import java.nio.channels.ClosedChannelException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The client side of the SSH agent protocol (draft-miller-ssh-agent): list the agent's keys, and
 * have it sign with one. One connection, one request at a time. Whatever the agent sends is checked
 * before it is used: a length over 256 KiB, a message of the wrong type, a count or string that
 * runs past its message, or no answer in time all end the exchange with an {@link IOException}
 * naming what was wrong.
 */
public final class AgentClient implements AutoCloseable {
  /** OpenSSH's AGENT_MAX_LEN: no agent message is longer. */
  static final int MAX_MESSAGE = 256 * 1024;

  static final byte FAILURE = 5;
  static final byte REQUEST_IDENTITIES = 11;
  static final byte IDENTITIES_ANSWER = 12;
  static final byte SIGN_REQUEST = 13;
  static final byte SIGN_RESPONSE = 14;

  /** Sign-request flags asking for an RSA signature with SHA-2 instead of SHA-1. */
  public static final int RSA_SHA2_256 = 2;

  public static final int RSA_SHA2_512 = 4;

  /** Listing keys is immediate for every agent; signing may wait for a user's confirmation. */
  static final Duration LIST_TIMEOUT = Duration.ofSeconds(10);

  static final Duration SIGN_TIMEOUT = Duration.ofSeconds(60);

  /** One key the agent holds: its public key (or certificate) blob and its comment. */
  public static final class Key {
    private final byte[] blob;
    private final String comment;

    Key(byte[] blob, String comment) {
      this.blob = blob.clone();
      this.comment = comment;
    }

    public byte[] blob() {
      return blob.clone();
    }

    public String comment() {
      return comment;
    }
  }

  /** A signature as the agent returns it: its format name and the signature bytes. */
  public static final class Signature {
    private final String format;
    private final byte[] bytes;

    Signature(String format, byte[] bytes) {
      this.format = format;
      this.bytes = bytes.clone();
    }

    public String format() {
      return format;
    }

    public byte[] bytes() {
      return bytes.clone();
    }
  }

  private final AgentTransport transport;
  private final ByteChannel channel;

  private AgentClient(AgentTransport transport, ByteChannel channel) {
    this.transport = transport;
    this.channel = channel;
  }

  public static AgentClient connect(AgentTransport transport) throws IOException {
    return new AgentClient(transport, transport.open());
  }

  /** For tests: the protocol over a channel that is already open. */
  static AgentClient over(AgentTransport transport, ByteChannel channel) {
    return new AgentClient(transport, channel);
  }

  public AgentTransport transport() {
    return transport;
  }

  /** The keys and certificates the agent holds, in its order. */
  public List<Key> identities() throws IOException {
    Reader answer = exchange(new byte[] {REQUEST_IDENTITIES}, LIST_TIMEOUT);
    answer.expectType(IDENTITIES_ANSWER, "key list");
    int count = answer.uint32();
    if (count < 0 || count > answer.remaining() / 8) {
      throw answer.bad("a key count of " + Integer.toUnsignedString(count));
    }
    List<Key> keys = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      keys.add(new Key(answer.string(), new String(answer.string(), StandardCharsets.UTF_8)));
    }
    return keys;
  }

  /**
   * Asks the agent to sign {@code data} with the key whose blob is {@code keyBlob}; {@code flags}
   * picks an RSA signature's hash. A refusal (a key added with {@code ssh-add -c} whose use was not
   * confirmed, a key no longer held) is an {@link AgentRefusal}.
   */
  public Signature sign(byte[] keyBlob, byte[] data, int flags) throws IOException {
    ByteBuffer request = ByteBuffer.allocate(1 + 4 + keyBlob.length + 4 + data.length + 4);
    request.put(SIGN_REQUEST).putInt(keyBlob.length).put(keyBlob);
    request.putInt(data.length).put(data).putInt(flags);
    Reader answer = exchange(request.array(), SIGN_TIMEOUT);
    if (answer.type() != SIGN_RESPONSE && answer.isFailure()) {
      throw new AgentRefusal("the agent at " + transport.location() + " refused to sign");
    }
    answer.expectType(SIGN_RESPONSE, "signature");
    Reader signature = new Reader(answer.string(), transport);
    return new Signature(
        new String(signature.string(), StandardCharsets.US_ASCII), signature.string());
  }

  private synchronized Reader exchange(byte[] body, Duration limit) throws IOException {
    AtomicBoolean done = new AtomicBoolean();
    AtomicBoolean timedOut = new AtomicBoolean();
    CompletableFuture.delayedExecutor(limit.toMillis(), TimeUnit.MILLISECONDS)
        .execute(
            () -> {
              if (!done.get()) {
                timedOut.set(true);
                closeQuietly();
              }
            });
    try {
      ByteBuffer out = ByteBuffer.allocate(4 + body.length).putInt(body.length).put(body).flip();
      while (out.hasRemaining()) {
        channel.write(out);
      }
      ByteBuffer length = readFully(4);
      int n = length.getInt();
      if (n <= 0 || n > MAX_MESSAGE) {
        throw new IOException(
            "'"
                + transport.location()
                + "' is not an SSH agent: it answered with a message length of "
                + Integer.toUnsignedString(n));
      }
      Reader message = new Reader(readFully(n).array(), transport);
      message.skipType();
      return message;
    } catch (ClosedChannelException e) {
      if (timedOut.get()) {
        throw new IOException(
            "the agent at '"
                + transport.location()
                + "' did not answer within "
                + limit.toSeconds()
                + " s",
            e);
      }
      throw e;
    } finally {
      done.set(true);
    }
  }

  private ByteBuffer readFully(int n) throws IOException {
    ByteBuffer in = ByteBuffer.allocate(n);
    while (in.hasRemaining()) {
      if (channel.read(in) < 0) {
        throw new EOFException(
            "the agent at '" + transport.location() + "' closed the connection mid-answer");
      }
    }
    return in.flip();
  }

  private void closeQuietly() {
    try {
      channel.close();
    } catch (IOException ignored) {
      // Ending a connection that gave no answer; the caller reports that.
    }
  }

  @Override
  public void close() {
    closeQuietly();
  }

  /** Thrown when the agent answers a sign request with a failure. */
  public static final class AgentRefusal extends IOException {
    private static final long serialVersionUID = 1L;

    AgentRefusal(String message) {
      super(message);
    }
  }

  /** Reads one agent message, each field checked against the bytes left. */
  private static final class Reader {
    private final ByteBuffer in;
    private final AgentTransport transport;

    Reader(byte[] message, AgentTransport transport) {
      this.in = ByteBuffer.wrap(message);
      this.transport = transport;
    }

    int type() {
      return in.get(0);
    }

    /** SSH_AGENT_FAILURE, or one of the extension failures OpenSSH's agent also sends. */
    boolean isFailure() {
      return type() == FAILURE || type() == 28 || type() == 30 || type() == 102;
    }

    void skipType() {
      in.get();
    }

    void expectType(byte expected, String what) throws IOException {
      if (type() != expected) {
        throw bad("message type " + (type() & 0xff) + " instead of a " + what);
      }
    }

    int remaining() {
      return in.remaining();
    }

    int uint32() throws IOException {
      if (in.remaining() < 4) {
        throw bad("a message cut short");
      }
      return in.getInt();
    }

    byte[] string() throws IOException {
      int n = uint32();
      if (n < 0 || n > in.remaining()) {
        throw bad("a string longer than its message");
      }
      byte[] bytes = new byte[n];
      in.get(bytes);
      return bytes;
    }

    IOException bad(String what) {
      return new IOException(
          "'" + transport.location() + "' is not an SSH agent: it answered with " + what);
    }
  }
}
