package dev.portkeep.ssh;

import dev.portkeep.forward.Conduit;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.apache.sshd.client.channel.ChannelDirectTcpip;

/** A {@code direct-tcpip} channel as a {@link Conduit}. */
final class DirectChannel implements Conduit {
  private final ChannelDirectTcpip channel;
  private final InputStream input;
  private final OutputStream output;

  DirectChannel(ChannelDirectTcpip channel) {
    this.channel = channel;
    this.input = channel.getInvertedOut();
    this.output = channel.getInvertedIn();
  }

  @Override
  public InputStream input() {
    return input;
  }

  @Override
  public OutputStream output() {
    return output;
  }

  @Override
  public void sendEof() {
    try {
      // MINA's channel output stream sends SSH_MSG_CHANNEL_EOF when closed.
      output.close();
    } catch (IOException e) {
      channel.close(true);
    }
  }

  @Override
  public void abort() {
    channel.close(true);
  }

  @Override
  public void onClosed(Runnable action) {
    channel.addCloseFutureListener(future -> action.run());
  }

  @Override
  public void close() {
    channel.close(false);
  }
}
