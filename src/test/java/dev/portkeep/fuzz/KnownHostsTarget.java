package dev.portkeep.fuzz;

import dev.portkeep.ssh.KnownHostsFuzzEntry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** known_hosts files: written by ssh and by hand, and copied between machines. */
final class KnownHostsTarget implements FuzzTarget {
  private static final String ED25519 =
      "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAqSg72pp0nipR9eOdKV6VeAjqO5WkuaFIYLURuRUnCx";
  private static final String ECDSA =
      "ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBNSXUw969SiDRwPTutVF"
          + "1zE8yigBVspZUOflai/P41/A7UoiKgmXpRJNv2SHp0PYUAQt97H99Oims1nm05vIRLI=";
  private static final String RSA =
      "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAAAgQDBlmCmTp5ILMWns66dMkcFHt0JBh7j/m4qhBzgQ9xUUYLYpIT0qS+x"
          + "ZTVoPRgEUpZ2I0zFpOoKkhvkndXjZZL8KJnHwY43UfjVAiElM1Qz+Y4iWZvd0wHqfC6JbBh5BV+1BwbIK/UJE+Ih"
          + "Hwcjat4hPYSDer3pH7uLcUd8dI03bQ==";

  private final Path file;

  KnownHostsTarget(Path dir) {
    this.file = dir.resolve("known_hosts");
  }

  @Override
  public String name() {
    return "known_hosts";
  }

  @Override
  public List<byte[]> seeds() {
    return FuzzTarget.utf8(
        "gw.example.com " + ED25519 + "\n",
        "gw.example.com,10.0.0.1 " + ECDSA + " comment\n",
        "[gw.example.com]:2222,[::1]:2222 " + RSA + "\n",
        "|1|2pjhp71KBWm9YVthRrEmUJdzFBQ=|tW/2YzWs6u7YRSNg4lnMDOpQGlY= " + ED25519 + "\n",
        "@cert-authority *.example.com " + ED25519 + "\n# a comment\n\n",
        "@revoked * " + ECDSA + "\n",
        "*.example.com,!bad.example.com,gw?.example.* "
            + ED25519
            + "\n"
            + "[*]:2222 "
            + RSA
            + "\n");
  }

  @Override
  public List<String> dictionary() {
    return List.of(
        "@cert-authority",
        "@revoked",
        "|1|",
        "|2|",
        "[",
        "]:",
        ",",
        "!",
        "*",
        "?",
        "AAAA",
        "=",
        "ssh-ed25519",
        "ssh-rsa",
        "ecdsa-sha2-nistp256",
        "sk-ssh-ed25519@openssh.com",
        "ssh-ed25519-cert-v01@openssh.com",
        "[::1]",
        "gw.example.com",
        "\n");
  }

  @Override
  public int maxInput() {
    return 4096;
  }

  @Override
  public void run(byte[] input) throws IOException {
    KnownHostsFuzzEntry.load(file, input);
  }

  @Override
  public boolean documented(Throwable failure) {
    return false; // an unreadable line is skipped; loading our own file cannot fail
  }

  @Override
  public int shortIterations() {
    return 250; // each call writes and reads a file
  }

  @Override
  public long fixedAllocation() {
    return 1024 * 1024;
  }

  @Override
  public int perByteAllocation() {
    return 512;
  }

  @Override
  public void close() throws IOException {
    Files.deleteIfExists(file);
  }
}
