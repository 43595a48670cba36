package dev.portkeep.fleet;

import dev.portkeep.config.Environment;
import dev.portkeep.config.ForwardSpec;
import dev.portkeep.config.Plans;
import dev.portkeep.config.TunnelPlan;
import dev.portkeep.config.tunnels.SmbDef;
import dev.portkeep.config.tunnels.TunnelDef;
import dev.portkeep.config.tunnels.TunnelsFile;
import dev.portkeep.error.UsageException;
import dev.portkeep.smb.SmbListener;
import dev.portkeep.smb.SmbSetup;
import java.util.ArrayList;
import java.util.List;

/**
 * The tunnels file as the fleet runs it: each table's plan made the way {@code portkeep [options]
 * host} (or {@code portkeep smb}) would make it, its probe, its hook.
 */
public final class Definitions {
  private Definitions() {}

  public static List<Definition> of(TunnelsFile file, Environment env) {
    return file.tunnels().stream().map(t -> of(file, t, env)).toList();
  }

  static Definition of(TunnelsFile file, TunnelDef tunnel, Environment env) {
    Definition.Probe probe =
        tunnel.probe().isZero()
            ? new Definition.Probe.Off()
            : tunnel.smb().isPresent()
                ? new Definition.Probe.Smb(tunnel.probe())
                : new Definition.Probe.Channel(tunnel.probe());
    return new Definition(
        tunnel.name(),
        tunnel.enabled(),
        () -> plan(tunnel, env),
        probe,
        tunnel.smb().map(smb -> new Definition.Smb(smb.share())),
        file.onChange(tunnel),
        List.of(tunnel, file.onChange(tunnel)));
  }

  /** The tunnel's plan, made anew at each start; a mistake names the tunnel's table. */
  static TunnelPlan plan(TunnelDef tunnel, Environment env) {
    try {
      TunnelPlan plan = Plans.fromFlags(tunnel.flags(), env);
      if (tunnel.smb().isEmpty()) {
        if (plan.forwards().isEmpty()) {
          throw new UsageException(
              "nothing to forward", "add local, remote, dynamic or smb to the tunnel");
        }
        return plan;
      }
      SmbDef smb = tunnel.smb().get();
      SmbListener listener =
          smb.listenAddress()
              .map(l -> SmbSetup.listener(l, "listen"))
              .orElseGet(() -> SmbSetup.route().choose());
      List<ForwardSpec> forwards =
          new ArrayList<>(listener.forwards(smb.fileserver(), smb.netbios()));
      forwards.addAll(plan.forwards());
      return new TunnelPlan(plan.session(), forwards, plan.sessions());
    } catch (UsageException e) {
      throw tunnel.explain(e);
    }
  }
}
