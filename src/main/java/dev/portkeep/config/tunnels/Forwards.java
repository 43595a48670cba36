package dev.portkeep.config.tunnels;

import dev.portkeep.config.ForwardSyntax;
import java.util.List;

/**
 * A tunnel's {@code -L}, {@code -R} and {@code -D} specs, each exactly as written and valid for
 * {@link ForwardSyntax}; the order is the file's.
 */
public record Forwards(List<String> local, List<String> remote, List<String> dynamic) {
  public static final Forwards NONE = new Forwards(List.of(), List.of(), List.of());

  /**
   * @throws dev.portkeep.error.UsageException for a spec {@link ForwardSyntax} refuses
   */
  public Forwards {
    local = List.copyOf(local);
    remote = List.copyOf(remote);
    dynamic = List.copyOf(dynamic);
    local.forEach(ForwardSyntax::parseLocal);
    remote.forEach(ForwardSyntax::parseRemote);
    dynamic.forEach(ForwardSyntax::parseDynamic);
  }

  public boolean isEmpty() {
    return local.isEmpty() && remote.isEmpty() && dynamic.isEmpty();
  }
}
