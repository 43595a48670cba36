package dev.portkeep.smb;

import dev.portkeep.config.AddressFamily;
import dev.portkeep.config.BindAddress;
import dev.portkeep.config.Endpoint;
import dev.portkeep.config.ForwardSpec;
import dev.portkeep.config.IpLiterals;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Where {@code portkeep smb} listens and why. {@code address} is an IP literal; {@code port} is 445
 * when clients need no port option, 0 when any free port will do.
 */
public record SmbListener(String address, int port, List<String> why) {
  /** NetBIOS session service, forwarded beside SMB with {@code --netbios}. */
  public static final int NETBIOS = 139;

  public SmbListener {
    Objects.requireNonNull(address, "address");
    why = List.copyOf(why);
  }

  /**
   * The forwards to {@code fileServer}: SMB from this listener, and with {@code netbios} also 139
   * on the same address to the file server's 139.
   */
  public List<ForwardSpec.Local> forwards(Endpoint fileServer, boolean netbios) {
    List<ForwardSpec.Local> forwards = new ArrayList<>(List.of(forward(port, fileServer)));
    if (netbios) {
      forwards.add(forward(NETBIOS, new Endpoint(fileServer.host(), NETBIOS)));
    }
    return forwards;
  }

  private ForwardSpec.Local forward(int listenPort, Endpoint target) {
    AddressFamily family = address.indexOf(':') >= 0 ? AddressFamily.INET6 : AddressFamily.INET;
    String spec = IpLiterals.bracketed(address) + ":" + listenPort + ":" + target;
    return new ForwardSpec.Local(
        new BindAddress.Literal(address, family), listenPort, target, spec);
  }
}
