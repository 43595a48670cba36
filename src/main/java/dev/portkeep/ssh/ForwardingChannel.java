package dev.portkeep.ssh;

import java.io.IOException;
import org.apache.sshd.client.channel.ChannelDirectTcpip;
import org.apache.sshd.common.util.net.SshdSocketAddress;

/**
 * A {@code direct-tcpip} channel whose input stream ends at the peer's CHANNEL_EOF. MINA's own
 * channel only records the EOF and ends the stream at CHANNEL_CLOSE, but OpenSSH's sshd sends
 * CLOSE only once both sides sent EOF: a target that answers and closes would then leave the local
 * client waiting forever for an end that never comes.
 */
final class ForwardingChannel extends ChannelDirectTcpip {
  ForwardingChannel(SshdSocketAddress local, SshdSocketAddress remote) {
    super(local, remote);
  }

  @Override
  public void handleEof() throws IOException {
    super.handleEof();
    if (out != null) {
      // Closing the pipe's writing end marks EOF: buffered bytes stay readable, then read() is -1.
      out.close();
    }
  }
}
