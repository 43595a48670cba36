package dev.portkeep.ssh;

import java.nio.ByteBuffer;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Direct buffers for received channel data, shared by every channel of the process.
 *
 * <p>The JDK writes a heap buffer to a socket by first copying it into a temporary direct buffer; a
 * packet copied straight into a direct buffer skips that copy and the allocation and zeroing of a
 * new array per packet. At most {@link #MAX} buffers of one packet each ever exist (2 MiB, kept
 * once made); when all are in use, {@link #take} answers null and the caller uses a heap array.
 */
final class ReceiveBuffers {
  /** The largest data payload portkeep announces for its channels (MINA's default packet size). */
  static final int CAPACITY = 32 * 1024;

  static final int MAX = 64;

  /** Below this, a packet gets a heap array of its own size. */
  private static final int SMALL = 4096;

  private static final ArrayBlockingQueue<ByteBuffer> FREE = new ArrayBlockingQueue<>(MAX);
  private static final AtomicInteger MADE = new AtomicInteger();

  private ReceiveBuffers() {}

  /** An empty direct buffer of {@link #CAPACITY} bytes, or null when all of them are in use. */
  static ByteBuffer take() {
    ByteBuffer buffer = FREE.poll();
    if (buffer != null) {
      return buffer;
    }
    if (MADE.incrementAndGet() <= MAX) {
      return ByteBuffer.allocateDirect(CAPACITY);
    }
    MADE.decrementAndGet();
    return null;
  }

  /**
   * {@code n} bytes of {@code data} from {@code off}, ready to be written: in a shared direct
   * buffer when one is free and the packet is big enough to be worth one, else in a heap array of
   * their own (keystrokes do not need a direct buffer). Give it back once written.
   */
  static ByteBuffer copyOf(byte[] data, int off, int n) {
    ByteBuffer buffer = n >= SMALL && n <= CAPACITY ? take() : null;
    if (buffer == null) {
      return ByteBuffer.wrap(java.util.Arrays.copyOfRange(data, off, off + n));
    }
    return buffer.put(data, off, n).flip();
  }

  /** Hands back a buffer; heap buffers (the fallback) are left to the collector. */
  static void give(ByteBuffer buffer) {
    if (buffer.isDirect() && buffer.capacity() == CAPACITY) {
      buffer.clear();
      FREE.offer(buffer);
    }
  }

  /**
   * Buffers made so far and not lost: for the tests, which check that channels give theirs back.
   */
  static int free() {
    return FREE.size();
  }

  static int made() {
    return MADE.get();
  }
}
