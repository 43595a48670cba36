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

/**
 * A TCP relay between portkeep and an SSH server that flips one bit of the first connection's
 * server-to-client stream once {@code after} bytes have passed; later connections pass untouched.
 *
 * <p>The flipped bit lands inside the encrypted body of a packet, never in its length field, so the
 * receiver's integrity check is what must catch it (a flipped length would be caught as a bad
 * length instead). To find packet bodies the relay follows the SSH framing, which it can do only
 * while the length stays in clear text: up to the first NEWKEYS each packet is {@code length} bytes
 * after its 4-byte length; after it, with AES-GCM or an encrypt-then-MAC mode, {@code length + tag}
 * bytes. ChaCha20-Poly1305 encrypts the length, so it cannot be followed here.
 */
final class BitFlipRelay implements AutoCloseable {
  /**
   * For {@code tag}: the packet length is encrypted (ChaCha20-Poly1305), so packets cannot be told
   * apart and the bit flips in the byte at offset {@code after}, wherever in its packet that is.
   */
  static final int LENGTH_ENCRYPTED = -1;

  private static final int SSH_MSG_NEWKEYS = 21;

  private final ServerSocket listener;
  private final String host;
  private final int port;
  private final long after;
  private final int tag;
  private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
  private final AtomicInteger connections = new AtomicInteger();
  private volatile long flippedAt = -1;

  /**
   * Relays to {@code host:port}; {@code tag} is the bytes after each encrypted packet (16 for
   * AES-GCM, the MAC's length for an encrypt-then-MAC mode) or {@link #LENGTH_ENCRYPTED}.
   */
  BitFlipRelay(String host, int port, long after, int tag) {
    this.host = host;
    this.port = port;
    this.after = after;
    this.tag = tag;
    try {
      listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Thread.ofPlatform().daemon().name("bitflip-accept").start(this::acceptLoop);
  }

  int port() {
    return listener.getLocalPort();
  }

  /** Connections relayed so far. */
  int connections() {
    return connections.get();
  }

  /** The offset in the first connection's server-to-client stream of the flipped byte; -1 yet. */
  long flippedAt() {
    return flippedAt;
  }

  private void acceptLoop() {
    while (!listener.isClosed()) {
      try {
        Socket client = listener.accept();
        Socket server = new Socket(host, port);
        sockets.add(client);
        sockets.add(server);
        boolean first = connections.incrementAndGet() == 1;
        start("up", () -> copy(client, server, null));
        start("down", () -> copy(server, client, first ? new Framing() : null));
      } catch (IOException e) {
        // closed, or the server refused this one: the client sees its connection end
      }
    }
  }

  private static void start(String name, Runnable task) {
    Thread.ofPlatform().daemon().name("bitflip-" + name).start(task);
  }

  private void copy(Socket from, Socket to, Framing framing) {
    byte[] buf = new byte[64 * 1024];
    try {
      InputStream in = from.getInputStream();
      OutputStream out = to.getOutputStream();
      for (int n; (n = in.read(buf)) >= 0; ) {
        if (framing != null) {
          framing.pass(buf, n);
        }
        out.write(buf, 0, n);
      }
      to.shutdownOutput();
    } catch (IOException e) {
      closeQuietly(from);
      closeQuietly(to);
    }
  }

  /** Follows the packets of one server-to-client stream and flips the chosen bit. */
  private final class Framing {
    private long offset;
    private boolean identified;
    private boolean encrypted;
    private final byte[] header = new byte[6];
    private int headerFill;
    private long bodyLeft;
    private long flipIn = -1;

    /** Looks at {@code buf[0, n)}, the next bytes of the stream, and flips one bit if due. */
    void pass(byte[] buf, int n) {
      for (int i = 0; i < n; i++, offset++) {
        if (tag == LENGTH_ENCRYPTED) {
          if (offset == after) {
            flip(buf, i);
          }
        } else if (!identified) {
          identified = buf[i] == '\n'; // the server's version line; OpenSSH sends no other
        } else if (bodyLeft > 0) {
          if (flipIn == 0) {
            flip(buf, i);
          }
          flipIn--;
          bodyLeft--;
        } else {
          header[headerFill++] = buf[i];
          if (headerFill == (encrypted ? 4 : 6)) {
            startBody();
          }
        }
      }
    }

    private void flip(byte[] buf, int i) {
      buf[i] ^= 0x10;
      flippedAt = offset;
    }

    private void startBody() {
      long length =
          ((header[0] & 0xffL) << 24)
              | ((header[1] & 0xff) << 16)
              | ((header[2] & 0xff) << 8)
              | (header[3] & 0xff);
      bodyLeft = encrypted ? length + tag : length - 2; // before NEWKEYS, two body bytes are read
      if (encrypted && flippedAt < 0 && flipIn < 0 && offset >= after) {
        flipIn = length / 2; // the middle of the ciphertext, well clear of the length and the tag
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
    sockets.forEach(BitFlipRelay::closeQuietly);
  }

  private static void closeQuietly(AutoCloseable c) {
    try {
      c.close();
    } catch (Exception ignored) {
      // closing anyway
    }
  }
}
