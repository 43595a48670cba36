package dev.portkeep.config;

import java.nio.file.Path;
import java.util.List;

/** Where private keys come from: named by the user (each must load) or OpenSSH's defaults. */
public sealed interface IdentitySource {
  List<Path> files();

  /** Files named with {@code -i} or IdentityFile; a file that cannot be used is an error. */
  record Explicit(List<Path> files) implements IdentitySource {
    public Explicit {
      files = List.copyOf(files);
    }
  }

  /** OpenSSH's default files; missing ones are skipped, unusable ones skipped with a warning. */
  record Defaults(List<Path> files) implements IdentitySource {
    public Defaults {
      files = List.copyOf(files);
    }
  }
}
