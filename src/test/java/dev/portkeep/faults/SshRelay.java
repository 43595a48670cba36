package dev.portkeep.faults;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP relay between portkeep and an SSH server that damages the first connection in one chosen
 * way ({@link Fault}) and passes later connections untouched, so a reconnect gets through.
 *
 * <p>To place a fault on a packet, the relay follows the SSH framing of the server-to-client
 * stream, which it can do while the packet length stays in clear text: up to the first NEWKEYS a
 * packet is {@code length} bytes after its 4-byte length; after it, with AES-GCM or an
 * encrypt-then-MAC mode, {@code length + tag} bytes. ChaCha20-Poly1305 encrypts the length too; for
 * it only a fixed offset can be hit ({@link #LENGTH_ENCRYPTED}).
 */
final class SshRelay implements AutoCloseable {
  /**
   * For {@code tag}: the packet length is encrypted (ChaCha20-Poly1305), so packets cannot be told
   * apart.
   */
  static final int LENGTH_ENCRYPTED = -1;

  private static final int SSH_MSG_NEWKEYS = 21;

  /** Larger than any packet a server sends during an upload, other than KEXINIT (about 1 KiB). */
  private static final int KEXINIT_AT_LEAST = 512;

  /** What happens to the first connection. */
  sealed interface Fault permits FlipBit, FreezeAtRekey {}

  /**
   * One bit flipped in the middle of the ciphertext of the first packet from the server after
   * {@code after} bytes (or, with {@link #LENGTH_ENCRYPTED}, in the byte at offset {@code after}),
   * never in a length field, so the receiver's integrity check is what must catch it.
   */
  record FlipBit(long after) implements Fault {}

  /**
   * Once the client has sent {@code after} bytes, the server's next key exchange init passes and
   * then nothing more, either way, without closing anything: a link that dies during a key
   * exchange.
   */
  record FreezeAtRekey(long after) implements Fault {}

  private final ServerSocket listener;
  private final String host;
  private final int port;
  private final Fault fault;
  private final int tag;
  private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
  private final AtomicInteger connections = new AtomicInteger();
  private final AtomicLong upstream = new AtomicLong();
  private volatile long faultAt = -1;
  private volatile long faultNanos;
  private volatile boolean frozen;

  /**
   * Relays to {@code host:port}; {@code tag} is the bytes after each encrypted packet (16 for
   * AES-GCM, the MAC's length for an encrypt-then-MAC mode) or {@link #LENGTH_ENCRYPTED}.
   */
  SshRelay(String host, int port, Fault fault, int tag) {
    if (fault instanceof FreezeAtRekey && tag == LENGTH_ENCRYPTED) {
      throw new IllegalArgumentException("a key exchange init cannot be found in ChaCha20 packets");
    }
    this.host = host;
    this.port = port;
    this.fault = fault;
    this.tag = tag;
    try {
      listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Thread.ofPlatform().daemon().name("relay-accept").start(this::acceptLoop);
  }

  int port() {
    return listener.getLocalPort();
  }

  /** Connections relayed so far. */
  int connections() {
    return connections.get();
  }

  /** The offset in the first connection's server-to-client stream where the fault struck; -1. */
  long faultAt() {
    return faultAt;
  }

  /** When the fault struck ({@link System#nanoTime()}), once {@link #faultAt} is set. */
  long faultNanos() {
    return faultNanos;
  }

  private void acceptLoop() {
    while (!listener.isClosed()) {
      try {
        Socket client = listener.accept();
        Socket server = new Socket(host, port);
        sockets.add(client);
        sockets.add(server);
        boolean first = connections.incrementAndGet() == 1;
        start("up", () -> copy(client, server, first, null));
        start("down", () -> copy(server, client, first, first ? new Framing() : null));
      } catch (IOException e) {
        // closed, or the server refused this one: the client sees its connection end
      }
    }
  }

  private static void start(String name, Runnable task) {
    Thread.ofPlatform().daemon().name("relay-" + name).start(task);
  }

  /**
   * Copies until the end. On the first connection it counts what the client sends, lets {@code
   * framing} (the server's side) look at every byte, and once frozen passes nothing more and leaves
   * both sockets open and unread, as a dead link does.
   */
  private void copy(Socket from, Socket to, boolean first, Framing framing) {
    byte[] buf = new byte[64 * 1024];
    try {
      InputStream in = from.getInputStream();
      OutputStream out = to.getOutputStream();
      for (int n; (n = in.read(buf)) >= 0; ) {
        if (first && frozen) {
          return;
        }
        int pass = framing == null ? n : framing.pass(buf, n);
        if (first && framing == null) {
          upstream.addAndGet(n);
        }
        out.write(buf, 0, pass);
      }
      to.shutdownOutput();
    } catch (IOException e) {
      closeQuietly(from);
      closeQuietly(to);
    }
  }

  private void strike(long offset) {
    faultAt = offset;
    faultNanos = System.nanoTime();
  }

  /** Follows the packets of the first server-to-client stream and applies the fault. */
  private final class Framing {
    private long offset;
    private boolean identified;
    private boolean encrypted;
    private final byte[] header = new byte[6];
    private int headerFill;
    private long bodyLeft;
    private long flipIn = -1;
    private boolean freezeAtEnd;

    /**
     * Looks at {@code buf[0, n)}, the next bytes of the stream, flips a bit in it if due, and
     * returns how many of them to pass on: fewer when the stream freezes inside the buffer.
     */
    int pass(byte[] buf, int n) {
      for (int i = 0; i < n; i++, offset++) {
        if (tag == LENGTH_ENCRYPTED) {
          if (fault instanceof FlipBit(long after) && offset == after) {
            flip(buf, i);
          }
        } else if (!identified) {
          identified = buf[i] == '\n'; // the server's version line; OpenSSH sends no other
        } else if (bodyLeft > 0) {
          if (flipIn-- == 0) {
            flip(buf, i);
          }
          if (--bodyLeft == 0 && freezeAtEnd) {
            frozen = true;
            strike(offset);
            return i + 1;
          }
        } else {
          header[headerFill++] = buf[i];
          if (headerFill == (encrypted ? 4 : 6)) {
            startBody();
          }
        }
      }
      return n;
    }

    private void flip(byte[] buf, int i) {
      buf[i] ^= 0x10;
      strike(offset);
    }

    private void startBody() {
      long length =
          ((header[0] & 0xffL) << 24)
              | ((header[1] & 0xff) << 16)
              | ((header[2] & 0xff) << 8)
              | (header[3] & 0xff);
      bodyLeft = encrypted ? length + tag : length - 2; // before NEWKEYS, two body bytes are read
      if (encrypted && faultAt < 0 && flipIn < 0 && !freezeAtEnd) {
        switch (fault) {
          case FlipBit(long after) -> {
            if (offset >= after) {
              flipIn = length / 2; // the middle of the ciphertext, clear of the length and the tag
            }
          }
          case FreezeAtRekey(long after) ->
              freezeAtEnd = upstream.get() >= after && length >= KEXINIT_AT_LEAST;
        }
      }
      if (!encrypted && header[5] == SSH_MSG_NEWKEYS) {
        encrypted = true;
      }
      headerFill = 0;
    }
  }

  @Override
  public void close() {
    closeQuietly(listener);
    sockets.forEach(SshRelay::closeQuietly);
  }

  private static void closeQuietly(AutoCloseable c) {
    try {
      c.close();
    } catch (Exception ignored) {
      // closing anyway
    }
  }
}
