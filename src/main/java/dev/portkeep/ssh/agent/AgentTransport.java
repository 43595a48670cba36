package dev.portkeep.ssh.agent;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ByteChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;

/**
 * How portkeep reaches an SSH agent: a Unix-domain socket (OpenSSH's ssh-agent, gpg-agent,
 * 1Password and KeePassXC on Linux and macOS), or a Windows named pipe (Windows' OpenSSH agent and
 * 1Password at {@code \\.\pipe\openssh-ssh-agent}, Pageant's pipe as its {@code --openssh-config}
 * names it). Both carry the same byte stream, which {@link AgentClient} speaks.
 */
public sealed interface AgentTransport {
  /** Opens a new connection to the agent. */
  ByteChannel open() throws IOException;

  /** The location as the user wrote it, for messages. */
  String location();

  /** A named pipe for {@code \\.\pipe\...} (either slash), a Unix-domain socket for the rest. */
  static AgentTransport of(String location) {
    String lower = location.replace('/', '\\').toLowerCase(Locale.ROOT);
    return lower.startsWith("\\\\.\\pipe\\")
        ? new WindowsPipe(location)
        : new UnixSocket(Path.of(location));
  }

  /** A Unix-domain socket, through the JDK's own support (no native library). */
  record UnixSocket(Path path) implements AgentTransport {
    public UnixSocket {
      Objects.requireNonNull(path, "path");
    }

    @Override
    public ByteChannel open() throws IOException {
      SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
      try {
        channel.connect(UnixDomainSocketAddress.of(path));
        return channel;
      } catch (IOException | RuntimeException e) {
        channel.close();
        throw e;
      }
    }

    @Override
    public String location() {
      return path.toString();
    }
  }

  /**
   * A Windows named pipe in byte mode, opened as a file: reads and writes go straight to the pipe.
   */
  record WindowsPipe(String name) implements AgentTransport {
    public WindowsPipe {
      Objects.requireNonNull(name, "name");
    }

    @Override
    public ByteChannel open() throws IOException {
      @SuppressWarnings("resource") // the channel owns the file and closes it
      RandomAccessFile pipe = new RandomAccessFile(name, "rw");
      return pipe.getChannel();
    }

    @Override
    public String location() {
      return name;
    }
  }
}
