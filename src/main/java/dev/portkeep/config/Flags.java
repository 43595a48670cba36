package dev.portkeep.config;

import java.util.List;
import java.util.Optional;

/** The connection flags exactly as given on the command line, before any defaults apply. */
public record Flags(
    String destination,
    Optional<Integer> port,
    Optional<String> login,
    List<String> identityFiles,
    AddressFamily family,
    List<String> localForwards,
    List<String> options) {

  public Flags {
    identityFiles = List.copyOf(identityFiles);
    localForwards = List.copyOf(localForwards);
    options = List.copyOf(options);
  }
}
