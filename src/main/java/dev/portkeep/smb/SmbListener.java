package dev.portkeep.smb;

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

  /** The listen part of a -L spec, IPv6 in brackets. */
  public String listenSpec() {
    return (address.indexOf(':') >= 0 ? "[" + address + "]" : address) + ":" + port;
  }
}
