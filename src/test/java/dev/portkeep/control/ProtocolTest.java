package dev.portkeep.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ProtocolTest {
  private static Request parse(String line) throws ControlFailure {
    return Protocol.parseRequest(line.getBytes(StandardCharsets.UTF_8));
  }

  private static ControlFailure refusal(String line) {
    try {
      Request request = parse(line);
      throw new AssertionError("accepted " + line + " as " + request);
    } catch (ControlFailure failure) {
      return failure;
    }
  }

  @Test
  void parseRequest_everyCommand_readsItsRecord() throws ControlFailure {
    assertThat(parse("{\"command\":\"ping\"}")).isEqualTo(new Request.Ping());
    assertThat(parse("{\"command\":\"status\"}")).isEqualTo(new Request.Status());
    assertThat(parse("{\"command\":\"reload\"}")).isEqualTo(new Request.Reload());
    assertThat(parse("{\"command\":\"start\",\"tunnels\":[\"a\",\"b\"]}"))
        .isEqualTo(new Request.Start(List.of("a", "b")));
    assertThat(parse("{\"tunnels\":[\"db\"],\"command\":\"stop\"}"))
        .isEqualTo(new Request.Stop(List.of("db")));
    assertThat(parse(" {\"command\":\"restart\"}\r")).isEqualTo(new Request.Restart(List.of()));
  }

  @Test
  void parseRequest_noTunnelsField_meansEveryTunnel() throws ControlFailure {
    Request request = parse("{\"command\":\"stop\"}");
    assertThat(request)
        .isInstanceOfSatisfying(
            Request.Stop.class, stop -> assertThat(stop.everyTunnel()).isTrue());
  }

  @ParameterizedTest(name = "{0} -> {1}: {2}")
  @CsvSource(
      delimiter = '|',
      value = {
        "{\"command\":\"ping\"                  | bad_request     | not valid JSON",
        "not json                               | bad_request     | not valid JSON",
        "''                                     | bad_request     | request is empty",
        "[\"ping\"]                             | bad_request     | must be a JSON object, got array",
        "\"ping\"                               | bad_request     | must be a JSON object, got string",
        "{\"command\":\"ping\",\"command\":\"ping\"} | bad_request | Duplicate field 'command'",
        "{\"command\":\"ping\"} {}              | bad_request     | not valid JSON",
        "{\"command\":\"ping\"}x                | bad_request     | not valid JSON",
        "{}                                     | bad_request     | has no \"command\"",
        "{\"command\":7}                        | bad_request     | \"command\" must be a string, got number",
        "{\"command\":null}                     | bad_request     | got null",
        "{\"command\":\"shutdown\"}             | unknown_command | unknown command 'shutdown'",
        "{\"command\":\"PING\"}                 | unknown_command | unknown command 'PING'",
        "{\"command\":\"ping\",\"verbose\":true} | bad_request    | unknown field 'verbose' for command 'ping'",
        "{\"command\":\"status\",\"tunnels\":[\"a\"]} | bad_request | unknown field 'tunnels' for command 'status'",
        "{\"command\":\"start\",\"tunnel\":[\"a\"]} | bad_request | unknown field 'tunnel' for command 'start'",
        "{\"command\":\"start\",\"tunnels\":\"a\"} | bad_request  | must be an array of tunnel names, got string",
        "{\"command\":\"start\",\"tunnels\":[1]} | bad_request    | must hold only strings, got number",
        "{\"command\":\"start\",\"tunnels\":[]}  | bad_request    | \"tunnels\" is empty",
        "{\"command\":\"stop\",\"tunnels\":[\"a\",\"a\"]} | bad_request | tunnel 'a' is named twice",
        "{\"command\":\"stop\",\"tunnels\":[\" \"]} | bad_request  | must not be blank",
        "{\"command\":\"ping\",}                | bad_request     | not valid JSON",
        "{'command':'ping'}                     | bad_request     | not valid JSON",
        "{\"command\":\"ping\"/*x*/}            | bad_request     | not valid JSON",
      })
  void parseRequest_badRequest_isRefusedWithItsKind(String line, String kind, String message) {
    ControlFailure failure = refusal(line);
    assertThat(failure.kind()).isEqualTo(kind);
    assertThat(failure.getMessage()).contains(message);
  }

  @Test
  void parseRequest_deeplyNested_isRefusedBeforeBuildingIt() {
    String deep = "{\"command\":\"ping\",\"x\":" + "[".repeat(10_000) + "]".repeat(10_000) + "}";
    ControlFailure failure = refusal(deep);
    assertThat(failure.kind()).isEqualTo(Answer.BAD_REQUEST);
    assertThat(failure.getMessage()).contains("nesting depth");
  }

  @Test
  void parseRequest_longString_isRefusedNamingTheLimit() {
    String name = "n".repeat(Protocol.MAX_REQUEST_STRING + 1);
    ControlFailure failure = refusal("{\"command\":\"stop\",\"tunnels\":[\"" + name + "\"]}");
    assertThat(failure.kind()).isEqualTo(Answer.BAD_REQUEST);
    assertThat(failure.getMessage()).contains("String value length");
  }

  @Test
  void parseRequest_notUtf8_isRefused() {
    byte[] latin1 =
        "{\"command\":\"stop\",\"tunnels\":[\"caf\u00e9\"]}".getBytes(StandardCharsets.ISO_8859_1);
    assertThatThrownBy(() -> Protocol.parseRequest(latin1))
        .isInstanceOfSatisfying(
            ControlFailure.class, f -> assertThat(f.kind()).isEqualTo(Answer.BAD_REQUEST))
        .hasMessageContaining("not UTF-8");
  }

  @Test
  void parseRequest_utf16_isRefusedThoughJacksonCouldDetectIt() {
    byte[] utf16 = "{\"command\":\"ping\"}".getBytes(StandardCharsets.UTF_16);
    assertThatThrownBy(() -> Protocol.parseRequest(utf16)).isInstanceOf(ControlFailure.class);
  }

  @Test
  void writeRequest_parsesBackToTheSameRequest() throws ControlFailure {
    for (Request request :
        List.of(
            new Request.Ping(),
            new Request.Status(),
            new Request.Reload(),
            new Request.Start(List.of("a", "b\"c")),
            new Request.Stop(List.of()),
            new Request.Restart(List.of("x")))) {
      String line = Protocol.writeRequest(request);
      assertThat(line).doesNotContain("\n");
      assertThat(parse(line)).isEqualTo(request);
    }
  }

  @Test
  void writeAnswer_ok_putsOkFirstThenTheFields() {
    ObjectNode fields = JsonNodeFactory.instance.objectNode().put("pid", 42).put("note", "a\nb");
    assertThat(Protocol.writeAnswer(new Answer.Ok(fields)))
        .isEqualTo("{\"ok\":true,\"pid\":42,\"note\":\"a\\nb\"}");
  }

  @Test
  void writeAnswer_failed_nestsTheError() {
    assertThat(
            Protocol.writeAnswer(
                new Answer.Failed("unknown_tunnel", "no tunnel 'x'", "see status")))
        .isEqualTo(
            "{\"ok\":false,\"error\":{\"kind\":\"unknown_tunnel\",\"message\":\"no tunnel 'x'\","
                + "\"hint\":\"see status\"}}");
  }

  @Test
  void parseAnswer_readsWhatWriteAnswerWrote() throws IOException {
    Answer ok = new Answer.Ok(JsonNodeFactory.instance.objectNode().put("tunnels", 3));
    Answer failed = new Answer.Failed(Answer.BUSY, "busy", "");
    assertThat(Protocol.parseAnswer(Protocol.writeAnswer(ok))).isEqualTo(ok);
    assertThat(Protocol.parseAnswer(Protocol.writeAnswer(failed))).isEqualTo(failed);
  }

  @Test
  void parseAnswer_unknownFieldsInsideError_areIgnoredForNewerServers() throws IOException {
    Answer answer =
        Protocol.parseAnswer(
            "{\"ok\":false,\"error\":{\"kind\":\"busy\",\"message\":\"m\",\"retry_ms\":5}}");
    assertThat(answer).isEqualTo(new Answer.Failed("busy", "m", ""));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "[]",
        "{\"ok\":\"yes\"}",
        "{\"ok\":false}",
        "{\"ok\":false,\"error\":{\"kind\":\"Bad Kind\",\"message\":\"m\"}}",
        "{\"ok\":true,\"ok\":true}",
        "SSH-2.0-OpenSSH_9.2",
      })
  void parseAnswer_notAControlAnswer_throws(String line) {
    assertThatThrownBy(() -> Protocol.parseAnswer(line)).isInstanceOf(IOException.class);
  }

  @Test
  void answerOk_fieldNamedOk_isABug() {
    ObjectNode fields = JsonNodeFactory.instance.objectNode().put("ok", false);
    assertThatThrownBy(() -> new Answer.Ok(fields)).isInstanceOf(IllegalArgumentException.class);
  }
}
