package dev.portkeep.bind.rules;

import static java.util.Objects.requireNonNull;

/** Who makes a planned bind, and whether it may take privileged ports. */
public record Caller(Principal principal, Privilege privilege) {
  public Caller {
    requireNonNull(principal, "principal");
    requireNonNull(privilege, "privilege");
  }
}
