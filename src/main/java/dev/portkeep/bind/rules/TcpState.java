package dev.portkeep.bind.rules;

/** The TCP state of a socket that owns a port: listening, bound only, or part of a connection. */
public enum TcpState {
  LISTEN,
  /** Bound by {@code bind()} but not listening; invisible in /proc/net/tcp, shown by netstat -q. */
  BOUND,
  SYN_SENT,
  SYN_RECV,
  ESTABLISHED,
  FIN_WAIT1,
  FIN_WAIT2,
  CLOSE_WAIT,
  CLOSING,
  LAST_ACK,
  TIME_WAIT,
  CLOSE;

  /** True for every state that belongs to a connection, TIME_WAIT included. */
  public boolean isConnection() {
    return this != LISTEN && this != BOUND && this != CLOSE;
  }
}
