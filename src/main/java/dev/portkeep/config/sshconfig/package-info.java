/**
 * The user's OpenSSH client configuration, read as {@code ssh} reads it (OpenSSH 9.2's readconf.c,
 * proven against {@code ssh -G} by {@code SshConfigOpenSshParityTest}).
 *
 * <p>Use: {@code SshConfig.load(path, env)} once (or {@code loadDefault(env)}), then {@code
 * resolve(host)} or {@code resolve(host, overrides)} per destination; read the {@link
 * dev.portkeep.config.sshconfig.HostConfig} with {@code first}, {@code all}, {@code where} and show
 * its {@code notes()} with -v. Values are not validated here; both calls throw {@link
 * dev.portkeep.error.UsageException} for what OpenSSH would refuse to start with.
 */
package dev.portkeep.config.sshconfig;
