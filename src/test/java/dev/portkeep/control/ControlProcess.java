package dev.portkeep.control;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.portkeep.error.ListenException;
import dev.portkeep.error.PortkeepException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A control server or client in a process of its own, for tests that need another process or
 * another user. Prints one result line: {@code bound <pid>}, {@code refused <message>}, {@code
 * answer <json>} or {@code failed <exception>: <message>}.
 */
public final class ControlProcess {
  private ControlProcess() {}

  /**
   * {@code serve SOCKET [--wait-go]}: serves until stdin ends ({@code --wait-go}: prints {@code
   * ready} and waits for a line first). {@code send SOCKET}: sends a ping.
   */
  public static void main(String[] args) throws IOException {
    Path socket = Path.of(args[1]);
    BufferedReader stdin =
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    if (args[0].equals("send")) {
      System.out.println(send(socket));
      return;
    }
    if (args.length > 2 && args[2].equals("--wait-go")) {
      System.out.println("ready");
      stdin.readLine();
    }
    try (ControlServer server =
        ControlServer.start(socket, request -> JsonNodeFactory.instance.objectNode(), "child")) {
      System.out.println("bound " + ProcessHandle.current().pid());
      while (stdin.readLine() != null) {
        // serve until the test closes our stdin
      }
    } catch (ListenException e) {
      System.out.println("refused " + e.getMessage());
    }
  }

  private static String send(Path socket) {
    try {
      Answer answer =
          new ControlClient(socket, Duration.ofSeconds(10)).exchange(new Request.Ping());
      return "answer " + Protocol.writeAnswer(answer);
    } catch (PortkeepException e) {
      return "failed " + e.getClass().getSimpleName() + ": " + e.getMessage();
    }
  }
}
