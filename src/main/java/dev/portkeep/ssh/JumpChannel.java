package dev.portkeep.ssh;

import dev.portkeep.config.Hop;
import dev.portkeep.forward.Pump;
import dev.portkeep.status.ChannelFailure;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.concurrent.atomic.LongAdder;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.channel.exception.SshChannelOpenException;
import org.apache.sshd.common.session.ConnectionService;
import org.apache.sshd.common.util.net.SshdSocketAddress;

/**
 * Carries the SSH connection to the next hop of a {@code -J} route through a {@code direct-tcpip}
 * channel of the previous hop's session.
 */
final class JumpChannel implements LoopbackBridge.Carrier {
  private final ClientSession via;
  private final Hop hop;

  JumpChannel(ClientSession via, Hop hop) {
    this.via = via;
    this.hop = hop;
  }

  @Override
  public void carry(SocketChannel socket) throws Exception {
    InetSocketAddress peer = (InetSocketAddress) socket.getRemoteAddress();
    ForwardingChannel channel =
        new ForwardingChannel(
            new SshdSocketAddress(peer), new SshdSocketAddress(hop.host(), hop.port()));
    via.getService(ConnectionService.class).registerChannel(channel);
    channel.open().verify(Duration.ofSeconds(30));
    new Pump(socket, new DirectChannel(channel), new LongAdder(), new LongAdder()).run();
  }

  /** Why the jump failed, in the words the user sees. */
  String describe(Exception e) {
    if (e instanceof IOException) {
      return "cannot reach "
          + hop.host()
          + ":"
          + hop.port()
          + " from the previous hop: "
          + rootMessage(e);
    }
    return "the jump to " + hop.display() + " broke: " + e;
  }

  private static String rootMessage(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SshChannelOpenException open) {
        return ChannelFailure.ofCode(open.getReasonCode()).text()
            + (open.getMessage() == null ? "" : " (server says: " + open.getMessage() + ")");
      }
    }
    return String.valueOf(e.getMessage());
  }
}
