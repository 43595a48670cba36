package dev.portkeep.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * A system user of the test's own, with a password, for password and keyboard-interactive logins
 * against a real sshd: {@code useradd -M}, {@code chpasswd}, and {@code userdel} on close. Needs
 * root; {@link #canCreate()} says whether this run may.
 */
public final class TestUser implements AutoCloseable {
  private final String name;
  private final String password;

  private TestUser(String name, String password) {
    this.name = name;
    this.password = password;
  }

  /** Whether the tests run as root with useradd and chpasswd at hand. */
  public static boolean canCreate() {
    return "root".equals(System.getProperty("user.name"))
        && new java.io.File("/usr/sbin/useradd").canExecute()
        && new java.io.File("/usr/sbin/chpasswd").canExecute();
  }

  /** Creates {@code pkNNNNNN} with a random password; the caller closes it. */
  public static TestUser create() {
    String name = "pk" + (100_000 + ThreadLocalRandom.current().nextInt(900_000));
    String password = "pw-" + Long.toHexString(ThreadLocalRandom.current().nextLong());
    Command.run(Duration.ofSeconds(30), "/usr/sbin/useradd", "-M", "-s", "/bin/sh", name).orThrow();
    TestUser user = new TestUser(name, password);
    try {
      Process p = new ProcessBuilder("/usr/sbin/chpasswd").redirectErrorStream(true).start();
      try (var in = p.getOutputStream()) {
        in.write((name + ":" + password + "\n").getBytes(StandardCharsets.UTF_8));
      }
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IllegalStateException("chpasswd failed for " + name + ": " + out);
      }
      return user;
    } catch (IOException e) {
      user.close();
      throw new UncheckedIOException(e);
    } catch (InterruptedException | RuntimeException e) {
      user.close();
      throw new IllegalStateException(e);
    }
  }

  public String name() {
    return name;
  }

  public String password() {
    return password;
  }

  /** Removes the user (its processes are the test sshd's, ended before). Idempotent. */
  @Override
  public void close() {
    Command.run(Duration.ofSeconds(30), "/usr/sbin/userdel", name);
  }
}
