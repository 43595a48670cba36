package dev.portkeep.bind;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.Collections;

/** Which IP stacks this host has, judged by the addresses on its loopback interfaces. */
public record HostStacks(boolean inet, boolean inet6) {

  /** Reads the loopback interfaces; a host with none of either family is treated as having IPv4. */
  public static HostStacks detect() {
    boolean v4 = false;
    boolean v6 = false;
    try {
      for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
        if (!nic.isUp() || !nic.isLoopback()) {
          continue;
        }
        for (InetAddress address : Collections.list(nic.getInetAddresses())) {
          v4 |= address instanceof Inet4Address;
          v6 |= address instanceof Inet6Address;
        }
      }
    } catch (SocketException e) {
      return new HostStacks(true, false);
    }
    return new HostStacks(v4 || !v6, v6);
  }
}
