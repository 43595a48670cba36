package dev.portkeep.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * HTTP/1.1 by hand, for tests that must send what a browser or an attacker would (any Host header,
 * any Origin, a body of any size) and that the JDK's client refuses to send.
 */
public final class RawHttp {
  /** A response: status code, headers by lower-case name, body as text. */
  public record Response(int status, Map<String, String> headers, String body) {
    public String header(String name) {
      return headers.get(name.toLowerCase(Locale.ROOT));
    }
  }

  private RawHttp() {}

  /**
   * Sends {@code head} (the request line and headers, each line ending in CRLF, without the empty
   * line) and {@code body} to 127.0.0.1:{@code port}, with {@code Connection: close}, and reads the
   * whole response.
   */
  public static Response send(int port, String head, byte[] body) {
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(10_000);
      OutputStream out = s.getOutputStream();
      String all = head + "Content-Length: " + body.length + "\r\nConnection: close\r\n\r\n";
      out.write(all.getBytes(StandardCharsets.ISO_8859_1));
      try {
        out.write(body);
        out.flush();
      } catch (IOException e) {
        // the server may answer and close before reading a body it refuses
      }
      InputStream in = s.getInputStream();
      return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@code GET path} with these extra header lines (each ending in CRLF). */
  public static Response get(int port, String path, String host, String headers) {
    return send(port, "GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\n" + headers, new byte[0]);
  }

  private static Response parse(String text) {
    int end = text.indexOf("\r\n\r\n");
    if (end < 0) {
      throw new IllegalStateException("no complete HTTP response: " + text);
    }
    String[] lines = text.substring(0, end).split("\r\n");
    int status = Integer.parseInt(lines[0].split(" ")[1]);
    Map<String, String> headers = new LinkedHashMap<>();
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      headers.put(
          lines[i].substring(0, colon).strip().toLowerCase(Locale.ROOT),
          lines[i].substring(colon + 1).strip());
    }
    return new Response(status, headers, text.substring(end + 4));
  }
}
