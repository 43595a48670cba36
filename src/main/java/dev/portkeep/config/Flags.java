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
    List<String> remoteForwards,
    List<String> dynamicForwards,
    Optional<String> jump,
    Optional<String> configFile,
    List<String> options) {

  public Flags {
    identityFiles = List.copyOf(identityFiles);
    localForwards = List.copyOf(localForwards);
    remoteForwards = List.copyOf(remoteForwards);
    dynamicForwards = List.copyOf(dynamicForwards);
    options = List.copyOf(options);
  }

  /** Only -L forwards and options, as most callers and tests need. */
  public static Flags of(String destination, List<String> localForwards, List<String> options) {
    return new Flags(
        destination,
        Optional.empty(),
        Optional.empty(),
        List.of(),
        AddressFamily.ANY,
        localForwards,
        List.of(),
        List.of(),
        Optional.empty(),
        Optional.empty(),
        options);
  }
}
