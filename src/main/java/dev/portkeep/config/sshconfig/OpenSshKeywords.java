package dev.portkeep.config.sshconfig;

import dev.portkeep.config.Keyword;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Every word OpenSSH's client accepts as a keyword in ssh_config, with what portkeep does with it.
 * The list is readconf.c's table from OpenSSH 9.2 (checked against Debian's ssh by {@code
 * SshConfigOpenSshParityTest}), plus the few keywords later 9.x and 10.x releases added, so a
 * config written for a newer ssh still loads, plus Debian's own additions.
 */
final class OpenSshKeywords {
  /** What a keyword means to portkeep. */
  enum Role {
    /** portkeep reads it: {@link Known#keyword()} says as which {@link Keyword}. */
    USED,
    /** Host, Match, Include and IgnoreUnknown: they shape the file itself. */
    STRUCTURE,
    /** A valid OpenSSH keyword portkeep skips, noting it. */
    NOT_USED,
    /** Accepted by OpenSSH only to be ignored, with a warning at most. */
    DEPRECATED
  }

  /**
   * One accepted spelling: its canonical name for messages, its role, its portkeep keyword if used.
   */
  record Known(String canonical, Role role, Optional<Keyword> keyword) {}

  private static final Map<String, Known> BY_LOWER_NAME = new HashMap<>();

  static {
    for (Keyword k : Keyword.values()) {
      if (!k.portkeepOnly()) {
        used(k.canonical(), k);
      }
    }
    used("IdentityFile2", Keyword.IDENTITY_FILE); // obsolete alias OpenSSH still honours
    // OpenSSH's older names for KbdInteractiveAuthentication.
    used("ChallengeResponseAuthentication", Keyword.KBD_INTERACTIVE_AUTHENTICATION);
    used("SkeyAuthentication", Keyword.KBD_INTERACTIVE_AUTHENTICATION);
    used("TISAuthentication", Keyword.KBD_INTERACTIVE_AUTHENTICATION);
    // Debian's keepalive patch: both are aliases of ServerAliveInterval in Debian's ssh.
    used("ProtocolKeepAlives", Keyword.SERVER_ALIVE_INTERVAL);
    used("SetupTimeOut", Keyword.SERVER_ALIVE_INTERVAL);

    for (String name : new String[] {"Host", "Match", "Include", "IgnoreUnknown"}) {
      BY_LOWER_NAME.put(lower(name), new Known(name, Role.STRUCTURE, Optional.empty()));
    }

    notUsed(
        "AddKeysToAgent",
        "AddressFamily",
        "BindAddress",
        "BindInterface",
        "CanonicalDomains",
        "CanonicalizeFallbackLocal",
        "CanonicalizeHostname",
        "CanonicalizeMaxDots",
        "CanonicalizePermittedCNAMEs",
        "CASignatureAlgorithms",
        "ChannelTimeout",
        "CheckHostIP",
        "Ciphers",
        "ClearAllForwardings",
        "Compression",
        "ConnectionAttempts",
        "ControlMaster",
        "ControlPath",
        "ControlPersist",
        "EnableEscapeCommandline",
        "EnableSSHKeysign",
        "EscapeChar",
        "FingerprintHash",
        "ForkAfterAuthentication",
        "ForwardAgent",
        "ForwardX11",
        "ForwardX11Timeout",
        "ForwardX11Trusted",
        "GatewayPorts",
        "GlobalKnownHostsFile",
        "GSSAPIAuthentication",
        "GSSAPIDelegateCredentials",
        "HashKnownHosts",
        "HostbasedAcceptedAlgorithms",
        "HostbasedAuthentication",
        "HostKeyAlgorithms",
        "HostKeyAlias",
        "IPQoS",
        "KbdInteractiveDevices",
        "KexAlgorithms",
        "KnownHostsCommand",
        "LocalCommand",
        "LogLevel",
        "LogVerbose",
        "MACs",
        "NoHostAuthenticationForLocalhost",
        "PermitLocalCommand",
        "PermitRemoteOpen",
        "PKCS11Provider",
        "ProxyUseFdpass",
        "PubkeyAcceptedAlgorithms",
        "PubkeyAuthentication",
        "RekeyLimit",
        "RemoteCommand",
        "RequestTTY",
        "RequiredRSASize",
        "RevokedHostKeys",
        "SecurityKeyProvider",
        "SendEnv",
        "SessionType",
        "SetEnv",
        "SmartcardDevice",
        "StdinNull",
        "StreamLocalBindMask",
        "StreamLocalBindUnlink",
        "SyslogFacility",
        "TCPKeepAlive",
        "Tunnel",
        "TunnelDevice",
        "UpdateHostKeys",
        "VerifyHostKeyDNS",
        "VisualHostKey",
        "XAuthLocation");
    // Old spellings OpenSSH maps onto the keywords above.
    notUsed("DSAAuthentication", "KeepAlive", "HostbasedKeyTypes", "PubkeyAcceptedKeyTypes");
    // Newer than 9.2: ObscureKeystrokeTiming (9.7), Tag (9.4), RefuseConnection (10.0),
    // WarnWeakCrypto (10.1). Debian's GSSAPI key exchange patch adds the GSSAPI* ones.
    notUsed(
        "ObscureKeystrokeTiming",
        "Tag",
        "RefuseConnection",
        "WarnWeakCrypto",
        "GSSAPIKeyExchange",
        "GSSAPIClientIdentity",
        "GSSAPIServerIdentity",
        "GSSAPIRenewalForcesRekey",
        "GSSAPITrustDns",
        "GSSAPIKexAlgorithms");
    deprecated(
        "Protocol",
        "Cipher",
        "FallBackToRsh",
        "GlobalKnownHostsFile2",
        "RhostsAuthentication",
        "UserKnownHostsFile2",
        "UseRoaming",
        "UseRsh",
        "UsePrivilegedPort",
        "UseBlacklistedKeys",
        "AFSTokenPassing",
        "KerberosAuthentication",
        "KerberosTGTPassing",
        "RSAAuthentication",
        "RhostsRSAAuthentication",
        "CompressionLevel");
  }

  private OpenSshKeywords() {}

  /**
   * The keyword spelled {@code word} in any case, or empty when OpenSSH would call it a bad option.
   */
  static Optional<Known> lookup(String word) {
    return Optional.ofNullable(BY_LOWER_NAME.get(lower(word)));
  }

  /** Every accepted spelling, lower-cased, for the parity test to feed to ssh. */
  static Map<String, Known> all() {
    return Map.copyOf(BY_LOWER_NAME);
  }

  private static void used(String name, Keyword keyword) {
    BY_LOWER_NAME.put(lower(name), new Known(keyword.canonical(), Role.USED, Optional.of(keyword)));
  }

  private static void notUsed(String... names) {
    for (String name : names) {
      BY_LOWER_NAME.put(lower(name), new Known(name, Role.NOT_USED, Optional.empty()));
    }
  }

  private static void deprecated(String... names) {
    for (String name : names) {
      BY_LOWER_NAME.put(lower(name), new Known(name, Role.DEPRECATED, Optional.empty()));
    }
  }

  static String lower(String word) {
    return word.toLowerCase(Locale.ROOT);
  }
}
