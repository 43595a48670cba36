package dev.portkeep.forward.socks;

/** The dialect a client speaks, which decides the shape of every reply it gets. */
enum SocksVersion {
  SOCKS4,
  SOCKS4A,
  SOCKS5
}
