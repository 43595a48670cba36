package dev.portkeep.ssh.io;

import java.nio.ByteBuffer;
import org.apache.sshd.common.io.AbstractIoWriteFuture;
import org.jspecify.annotations.Nullable;

/**
 * One packet waiting in a session's write queue, and the future its writer holds. No buffer marks
 * the end of the output ({@link LoopSession#shutdownOutputStream}).
 */
final class LoopWrite extends AbstractIoWriteFuture {
  final @Nullable ByteBuffer buffer;

  LoopWrite(Object id, @Nullable ByteBuffer buffer) {
    super(id, null);
    this.buffer = buffer;
  }

  boolean isEnd() {
    return buffer == null;
  }

  /** The packet's bytes; not for the end mark. */
  ByteBuffer data() {
    return java.util.Objects.requireNonNull(buffer, "the end-of-output mark has no data");
  }

  void written() {
    setValue(true);
  }

  void failed(Throwable cause) {
    setValue(cause);
  }
}
