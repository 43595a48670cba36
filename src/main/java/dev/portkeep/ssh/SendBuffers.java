package dev.portkeep.ssh;

import java.util.concurrent.ArrayBlockingQueue;

/**
 * Arrays for full-size outgoing data packets, reused once MINA has written them; {@link #SHARED}
 * serves every channel of the process.
 *
 * <p>Each 32 KiB packet used to be a new array; with 64 uploads under way, the packets waiting to
 * be written outgrew the young generation, were promoted, and the collector took a sixth of the
 * client's CPU (bench/profile up64: the VM thread). At most {@code max} arrays are kept (4 MiB for
 * the shared one), all of one length: that of the first one handed back, which is what MINA sizes a
 * full packet to for the session's cipher and MAC.
 */
final class SendBuffers {
  static final SendBuffers SHARED = new SendBuffers(128);

  private final ArrayBlockingQueue<byte[]> free;
  private volatile int length;

  SendBuffers(int max) {
    free = new ArrayBlockingQueue<>(max);
  }

  /** A free array, or null when none is (the caller lets MINA make one). */
  byte[] take() {
    return free.poll();
  }

  /** Hands back an array MINA no longer uses; one of another length is left to the collector. */
  void give(byte[] array) {
    if (length == 0) {
      length = array.length;
    }
    if (array.length == length) {
      free.offer(array);
    }
  }

  int free() {
    return free.size();
  }
}
