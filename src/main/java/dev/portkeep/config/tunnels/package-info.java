/**
 * The tunnels file of {@code portkeep up}: {@code tunnels.toml} read by Jackson's TOML parser and
 * checked key by key into records.
 *
 * <p>Use: {@link dev.portkeep.config.tunnels.TunnelsFile#read} (or {@code TunnelsFileReader.parse}
 * with the text and an ssh_config, a pure function for tests and fuzzing), then for each {@link
 * dev.portkeep.config.tunnels.TunnelDef} {@code Plans.fromFlags(tunnel.flags(), env)}, placing an
 * error from there with {@code tunnel.explain(e)}. Every mistake in the file is a {@link
 * dev.portkeep.error.UsageException} {@code <file>:<line>: <key>: <what> '<value>'} with a hint.
 * {@code TomlLines} finds lines, since Jackson's tree has none.
 */
package dev.portkeep.config.tunnels;
