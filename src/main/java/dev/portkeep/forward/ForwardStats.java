package dev.portkeep.forward;

/**
 * A snapshot of one forward's counters: connections served, channel opens the server refused,
 * requests portkeep turned away itself (malformed SOCKS, say), connections open now, bytes each
 * way.
 */
public record ForwardStats(
    long connections, long refused, long rejected, int open, long bytesUp, long bytesDown) {}
