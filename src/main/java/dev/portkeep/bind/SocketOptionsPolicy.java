package dev.portkeep.bind;

import dev.portkeep.error.UsageException;
import java.io.IOException;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;
import java.util.Locale;

/**
 * The socket options of every portkeep listener, decided per OS.
 *
 * <ul>
 *   <li>{@code SO_REUSEPORT} is never set: it is exactly the option that lets a second process
 *       listen on the same port.
 *   <li>Linux: {@code SO_REUSEADDR} on. The kernel still refuses a second listener on an
 *       overlapping address whatever its options; the flag only lets portkeep bind again over
 *       TIME_WAIT leftovers of its own earlier connections after a restart (as OpenSSH does).
 *   <li>macOS/BSD: {@code SO_REUSEADDR} on, for the same restart reason. Whether another process
 *       may bind a more specific address depends on that process's own options, not on ours.
 *   <li>Windows: {@code SO_REUSEADDR} off, because the JDK applies {@code SO_EXCLUSIVEADDRUSE} only
 *       when it is off, and with it no other account or process can bind the port. portkeep refuses
 *       to run when {@code -Dsun.net.useExclusiveBind} turns that off.
 * </ul>
 */
public enum SocketOptionsPolicy {
  LINUX,
  MACOS,
  WINDOWS,
  OTHER_UNIX;

  static final String EXCLUSIVE_BIND_PROPERTY = "sun.net.useExclusiveBind";

  public static SocketOptionsPolicy current() {
    return forOsName(System.getProperty("os.name", ""));
  }

  static SocketOptionsPolicy forOsName(String osName) {
    String os = osName.toLowerCase(Locale.ROOT);
    if (os.startsWith("windows")) {
      return WINDOWS;
    }
    if (os.startsWith("linux")) {
      return LINUX;
    }
    return os.startsWith("mac") ? MACOS : OTHER_UNIX;
  }

  public boolean reuseAddress() {
    return this != WINDOWS;
  }

  /** Applies the options before bind. */
  void apply(ServerSocketChannel channel) throws IOException {
    channel.setOption(StandardSocketOptions.SO_REUSEADDR, reuseAddress());
    if (channel.supportedOptions().contains(StandardSocketOptions.SO_REUSEPORT)) {
      channel.setOption(StandardSocketOptions.SO_REUSEPORT, false);
    }
  }

  /**
   * Refuses to start when exclusive binding is off on Windows. The JDK reads the property with the
   * same rule: set and non-empty and not "true" means off.
   */
  public void requireExclusiveBind(String propertyValue) {
    if (this != WINDOWS || propertyValue == null || propertyValue.isEmpty()) {
      return;
    }
    if (!Boolean.parseBoolean(propertyValue)) {
      throw new UsageException(
          "refusing to listen: -D"
              + EXCLUSIVE_BIND_PROPERTY
              + "="
              + propertyValue
              + " turns off exclusive binding, so another program could take over portkeep's ports",
          "remove -D"
              + EXCLUSIVE_BIND_PROPERTY
              + " from JAVA_TOOL_OPTIONS, _JAVA_OPTIONS or PORTKEEP_JAVA_OPTS");
    }
  }
}
