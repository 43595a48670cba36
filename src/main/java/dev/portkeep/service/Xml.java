package dev.portkeep.service;

/** Escapes text for an XML element's content (the plist and the task definition). */
final class Xml {
  private Xml() {}

  static String text(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }
}
