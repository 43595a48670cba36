package dev.portkeep.smb;

import dev.portkeep.config.Endpoint;
import dev.portkeep.config.ForwardSpec;
import dev.portkeep.config.SmbAddresses;
import java.util.List;
import java.util.Objects;

/**
 * Where {@code portkeep smb} listens and why. {@code address} is an IP literal; {@code port} is 445
 * when clients need no port option, 0 when any free port will do.
 */
public record SmbListener(String address, int port, List<String> why) {
  public SmbListener {
    Objects.requireNonNull(address, "address");
    why = List.copyOf(why);
  }

  /**
   * The forwards to {@code fileServer}: SMB from this listener, and with {@code netbios} also 139
   * on the same address to the file server's 139.
   */
  public List<ForwardSpec.Local> forwards(Endpoint fileServer, boolean netbios) {
    return SmbAddresses.Listen.of(address, port).forwards(fileServer, netbios);
  }
}
