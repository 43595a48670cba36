package dev.portkeep.smb;

import dev.portkeep.bind.SocketOptionsPolicy;
import dev.portkeep.config.Endpoint;
import dev.portkeep.config.SmbAddresses;
import dev.portkeep.error.ListenException;
import dev.portkeep.error.PortkeepException;
import dev.portkeep.status.ChannelFailure;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.OptionalInt;

/**
 * What an SMB tunnel is made of, for {@code portkeep smb} and the tunnels file alike: the file
 * server as the gateway sees it, the listener (chosen, or given with {@code --listen}), and what a
 * failed probe means.
 */
public final class SmbSetup {
  private SmbSetup() {}

  /** The file server, 445 unless a port is given; the gateway itself when none is given. */
  public static Endpoint fileServer(String text) {
    return SmbAddresses.fileServer(text);
  }

  /** The listener at an address the user gave with {@code option} (e.g. {@code --listen}). */
  public static SmbListener listener(String text, String option) {
    return listener(SmbAddresses.listen(text, option), option);
  }

  /** The listener at {@code listen}, given with {@code option}. */
  public static SmbListener listener(SmbAddresses.Listen listen, String option) {
    return new SmbListener(
        listen.address().address(),
        listen.port(),
        List.of("listening where " + option + " says: " + listen.address() + ":" + listen.port()));
  }

  /** The route chooser for this host. */
  public static SmbRoute route() {
    return new SmbRoute(
        dev.portkeep.bind.BindCheck.system(), SocketOptionsPolicy.current(), windowsBuild());
  }

  /**
   * What a probe that got no SMB answer means: the channel's own refusal when there was one (the
   * gateway forbids it, or nothing answers at the file server), else the probe's finding.
   */
  public static PortkeepException failure(
      ProbeResult result, ChannelFailure refusal, IOException cause, Endpoint target) {
    if (refusal == ChannelFailure.ADMINISTRATIVELY_PROHIBITED) {
      return new ListenException(
          "the SSH server refused to forward to " + target + ": administratively prohibited",
          "the gateway's sshd_config forbids it (AllowTcpForwarding, PermitOpen); ask its"
              + " administrator");
    }
    if (refusal == ChannelFailure.CONNECT_FAILED) {
      return new ListenException(
          "nothing answers on " + target + " as seen from the gateway (" + cause.getMessage() + ")",
          "check that smbd runs on the file server and listens on that port ('smb ports'), and"
              + " that the gateway can reach it");
    }
    if (refusal != null) {
      return new ListenException(
          "the tunnel could not reach " + target + ": " + cause.getMessage(),
          "run with -v for details");
    }
    return new ListenException(
        result.message(), result.hint().isEmpty() ? "run with -v for details" : result.hint());
  }

  private static OptionalInt windowsBuild() {
    if (SocketOptionsPolicy.current() != SocketOptionsPolicy.WINDOWS) {
      return OptionalInt.empty();
    }
    try {
      Process p = new ProcessBuilder("cmd", "/c", "ver").redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      return SmbRoute.parseWindowsBuild(out);
    } catch (IOException e) {
      return OptionalInt.empty();
    }
  }
}
