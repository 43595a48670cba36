package dev.portkeep.ssh;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.apache.sshd.common.PropertyResolverUtils;
import org.apache.sshd.common.channel.LocalWindow;
import org.apache.sshd.common.util.net.SshdSocketAddress;
import org.apache.sshd.core.CoreModuleProperties;
import org.junit.jupiter.api.Test;

/**
 * When written bytes go back to the server's window: OpenSSH's rule, more than three packets owed
 * or less than half the window left to the server.
 */
class WindowOwedTest {
  private static final long MAX = 2L * 1024 * 1024;
  private static final long PACKET = 32 * 1024;

  /** Our side's window of a channel, with {@code received} bytes of it used by the server. */
  private static LocalWindow window(long received) throws Exception {
    SshdSocketAddress address = new SshdSocketAddress("127.0.0.1", 1);
    LocalWindow w = new ForwardingChannel(address, address).getLocalWindow();
    w.init(
        PropertyResolverUtils.toPropertyResolver(
            Map.of(
                CoreModuleProperties.WINDOW_SIZE.getName(), MAX,
                CoreModuleProperties.MAX_PACKET_SIZE.getName(), PACKET)));
    w.consume(received);
    return w;
  }

  @Test
  void threePacketsOwed_halfTheWindowLeft_waits() throws Exception {
    assertThat(ForwardingChannel.windowOwed(3 * PACKET, window(3 * PACKET))).isFalse();
  }

  @Test
  void moreThanThreePacketsOwed_givesBack() throws Exception {
    assertThat(ForwardingChannel.windowOwed(3 * PACKET + 1, window(3 * PACKET + 1))).isTrue();
  }

  @Test
  void onePacketOwed_lessThanHalfTheWindowLeft_givesBack() throws Exception {
    // The rest was received but is still queued for the local socket: not written, not owed.
    assertThat(ForwardingChannel.windowOwed(PACKET, window(MAX / 2 + 1))).isTrue();
  }

  @Test
  void nothingOwed_givesNothingBackHoweverLittleIsLeft() throws Exception {
    assertThat(ForwardingChannel.windowOwed(0, window(MAX - 1))).isFalse();
  }
}
