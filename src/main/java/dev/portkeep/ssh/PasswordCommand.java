package dev.portkeep.ssh;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs the user's PasswordCommand (portkeep's own keyword, for tunnels with no terminal): through
 * {@code /bin/sh -c} ({@code cmd.exe /c} on Windows), its input empty, for 30 s at most; the first
 * line of its output is the password. portkeep never logs or stores it: it is asked for again at
 * each login.
 */
final class PasswordCommand {
  static final Duration TIME_LIMIT = Duration.ofSeconds(30);
  private static final int MAX_OUTPUT = 64 * 1024;
  private static final boolean WINDOWS = File.separatorChar == '\\';

  private PasswordCommand() {}

  /** The password, or an IOException saying why there is none (without the output). */
  static String run(String command) throws IOException {
    List<String> argv =
        WINDOWS ? List.of("cmd.exe", "/c", command) : List.of("/bin/sh", "-c", command);
    Process process =
        new ProcessBuilder(argv)
            .redirectInput(ProcessBuilder.Redirect.from(new File(WINDOWS ? "NUL" : "/dev/null")))
            .start();
    CompletableFuture<byte[]> out = drain(process.getInputStream());
    CompletableFuture<byte[]> err = drain(process.getErrorStream());
    try {
      if (!process.waitFor(TIME_LIMIT.toMillis(), TimeUnit.MILLISECONDS)) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        throw new IOException("did not finish within " + TIME_LIMIT.toSeconds() + " s");
      }
      String stderr = new String(err.get(5, TimeUnit.SECONDS), StandardCharsets.UTF_8).strip();
      if (process.exitValue() != 0) {
        String last = stderr.isEmpty() ? "" : ": " + stderr.lines().reduce((a, b) -> b).orElse("");
        throw new IOException("exited with status " + process.exitValue() + last);
      }
      String password =
          new String(out.get(5, TimeUnit.SECONDS), StandardCharsets.UTF_8)
              .lines()
              .findFirst()
              .orElse("");
      if (password.isEmpty()) {
        throw new IOException("printed no password");
      }
      return password;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      throw new IOException("its output could not be read: " + e.getMessage(), e);
    }
  }

  private static CompletableFuture<byte[]> drain(InputStream in) {
    CompletableFuture<byte[]> result = new CompletableFuture<>();
    Thread.ofVirtual()
        .start(
            () -> {
              ByteArrayOutputStream kept = new ByteArrayOutputStream();
              byte[] buffer = new byte[4096];
              try (in) {
                for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                  kept.write(buffer, 0, Math.min(n, Math.max(0, MAX_OUTPUT - kept.size())));
                }
                result.complete(kept.toByteArray());
              } catch (IOException e) {
                result.completeExceptionally(e);
              }
            });
    return result;
  }
}
