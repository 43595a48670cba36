package dev.portkeep.fuzz;

import dev.portkeep.control.ControlFailure;
import dev.portkeep.control.Protocol;
import java.util.List;

/** Request lines on the control endpoint, which any local process of the user may open. */
final class ControlRequestTarget implements FuzzTarget {
  @Override
  public String name() {
    return "control";
  }

  @Override
  public List<byte[]> seeds() {
    return FuzzTarget.utf8(
        "{\"command\":\"ping\"}",
        "{\"command\":\"status\"}",
        "{\"command\":\"reload\"}",
        "{\"command\":\"start\",\"tunnels\":[\"db\",\"files\"]}",
        "{\"command\":\"stop\",\"tunnels\":[\"db\"]}",
        "{\"tunnels\":[\"a\"],\"command\":\"restart\"}");
  }

  @Override
  public List<String> dictionary() {
    return List.of(
        "{",
        "}",
        "[",
        "]",
        "\"",
        ",",
        ":",
        "null",
        "true",
        "1e999999",
        "-0",
        "\\u0000",
        "\\ud800",
        "\"command\"",
        "\"tunnels\"",
        "[[[[[[[[[[",
        "{\"a\":{\"b\":",
        "\"\"",
        " ");
  }

  @Override
  public int maxInput() {
    return 4096;
  }

  @Override
  public void run(byte[] input) throws ControlFailure {
    Protocol.parseRequest(input);
  }

  @Override
  public boolean documented(Throwable failure) {
    return failure instanceof ControlFailure;
  }

  @Override
  public long fixedAllocation() {
    return 256 * 1024;
  }

  @Override
  public int perByteAllocation() {
    return 256;
  }
}
