package dev.portkeep.config;

import dev.portkeep.error.UsageException;
import java.util.ArrayList;
import java.util.List;

/**
 * The two addresses of an SMB tunnel as users write them, for {@code portkeep smb} and the tunnels
 * file alike: the file server ({@code host[:port]}, 445 by default) and the listen address (an IP
 * address, with or without a port, or a port alone).
 */
public final class SmbAddresses {
  /** SMB over TCP, where clients look by default. */
  public static final int SMB_PORT = 445;

  private SmbAddresses() {}

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

  /** NetBIOS session service, forwarded beside SMB when asked. */
  public static final int NETBIOS_PORT = 139;

  /** A listen address: one IP literal and a port (445 unless given; a port alone: 127.0.0.1). */
  public record Listen(BindAddress.Literal address, int port) {
    /** At an IP literal written without brackets, e.g. {@code ::1}. */
    public static Listen of(String literal, int port) {
      AddressFamily family = literal.indexOf(':') >= 0 ? AddressFamily.INET6 : AddressFamily.INET;
      return new Listen(new BindAddress.Literal(literal, family), port);
    }

    /**
     * The forwards to {@code fileServer}: SMB from here, and with {@code netbios} also 139 on the
     * same address to the file server's 139.
     */
    public List<ForwardSpec.Local> forwards(Endpoint fileServer, boolean netbios) {
      List<ForwardSpec.Local> forwards = new ArrayList<>(List.of(forward(port, fileServer)));
      if (netbios) {
        forwards.add(forward(NETBIOS_PORT, new Endpoint(fileServer.host(), NETBIOS_PORT)));
      }
      return forwards;
    }

    private ForwardSpec.Local forward(int listenPort, Endpoint target) {
      String spec = address + ":" + listenPort + ":" + target;
      return new ForwardSpec.Local(address, listenPort, target, spec);
    }
  }

  /**
   * A listen address the user gave with {@code option} (named in messages, e.g. {@code --listen}).
   */
  public static Listen listen(String text, String option) {
    String spec;
    if (text.matches("\\d+")) {
      spec = "127.0.0.1:" + text;
    } else if (text.startsWith("[")) {
      spec = text.contains("]:") ? text : text + ":" + SMB_PORT;
    } else {
      spec = text.indexOf(':') < 0 ? text + ":" + SMB_PORT : text;
    }
    ForwardSyntax.Listen parsed = ForwardSyntax.parseListen(spec);
    if (parsed.bind() instanceof BindAddress.Literal literal) {
      return new Listen(literal, parsed.port());
    }
    throw new UsageException(
        "bad "
            + option
            + " address '"
            + text
            + "': give an IP address, e.g. 127.0.0.5 or [::1]:1445",
        "the SMB listener must be one address that clients can name");
  }
}
