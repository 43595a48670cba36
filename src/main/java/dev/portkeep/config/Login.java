package dev.portkeep.config;

import java.util.List;
import java.util.Objects;

/**
 * How portkeep proves who it is: the identities to offer, and whether it may ask anything on a
 * terminal ({@code batchMode} forbids every prompt, as OpenSSH's BatchMode does).
 */
public record Login(IdentitySource identities, boolean batchMode) {
  public Login {
    Objects.requireNonNull(identities, "identities");
  }

  /** Public keys from these files only, never a prompt: for code that builds settings by hand. */
  public static Login keys(List<java.nio.file.Path> files) {
    return new Login(new IdentitySource.Explicit(files), true);
  }
}
