package dev.portkeep.status;

/** A forward's live byte counters, as its forwarder keeps them. */
public record ForwardCounters(long bytesUp, long bytesDown) {
  public static final ForwardCounters NONE = new ForwardCounters(0, 0);
}
