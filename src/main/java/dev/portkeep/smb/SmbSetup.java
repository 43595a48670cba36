package dev.portkeep.smb;

import dev.portkeep.bind.SocketOptionsPolicy;
import dev.portkeep.config.BindAddress;
import dev.portkeep.config.Destination;
import dev.portkeep.config.Endpoint;
import dev.portkeep.config.ForwardSyntax;
import dev.portkeep.error.ListenException;
import dev.portkeep.error.PortkeepException;
import dev.portkeep.error.UsageException;
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
  /** SMB over TCP, where clients look by default. */
  public static final int SMB_PORT = 445;

  private SmbSetup() {}

  /** The file server, 445 unless a port is given; the gateway itself when none is given. */
  public static Endpoint fileServer(String text) {
    if (text == null) {
      return new Endpoint("localhost", SMB_PORT);
    }
    Destination d = Destination.parse(text);
    if (d.user().isPresent()) {
      throw new UsageException(
          "bad file server '" + text + "': no user name here",
          "give the file server as host[:port]; the SMB user name goes to the SMB client");
    }
    return new Endpoint(d.host(), d.port().orElse(SMB_PORT));
  }

  /**
   * A listen address the user gave with {@code option} (named in messages, e.g. {@code --listen}):
   * an address (port 445), an address and port, or a port alone (on 127.0.0.1).
   */
  public static SmbListener listener(String text, String option) {
    String spec;
    if (text.matches("\\d+")) {
      spec = "127.0.0.1:" + text;
    } else if (text.startsWith("[")) {
      spec = text.contains("]:") ? text : text + ":" + SMB_PORT;
    } else {
      spec = text.indexOf(':') < 0 ? text + ":" + SMB_PORT : text;
    }
    ForwardSyntax.Listen parsed = ForwardSyntax.parseListen(spec);
    String address =
        switch (parsed.bind()) {
          case BindAddress.Literal literal -> literal.address();
          default ->
              throw new UsageException(
                  "bad "
                      + option
                      + " address '"
                      + text
                      + "': give an IP address, e.g. 127.0.0.5 or [::1]:1445",
                  "the SMB listener must be one address that clients can name");
        };
    return new SmbListener(
        address,
        parsed.port(),
        List.of("listening where " + option + " says: " + parsed.bind() + ":" + parsed.port()));
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
