package dev.residual.transformer.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Character-level tokenizer as in nanoGPT's {@code shakespeare_char}: the vocabulary is the sorted
 * set of distinct characters of a training text, and token id {@code i} is the {@code i}-th
 * character in that order (65 ids for tinyshakespeare).
 *
 * <p>Characters are Unicode code points (as Python's {@code str}), so a supplementary character
 * such as an emoji is one token, not two UTF-16 halves. Sorting is by code point, which matches
 * Python's {@code sorted(set(text))}.
 */
public final class CharTokenizer implements Tokenizer {

  private static final String TYPE = "char";
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Code points in ascending order; the index is the token id. */
  private final int[] chars;

  private CharTokenizer(int[] sortedDistinctChars) {
    this.chars = sortedDistinctChars;
  }

  /**
   * Builds the vocabulary from the distinct characters of {@code text}.
   *
   * @param text the training text
   * @return a tokenizer whose ids are the sorted distinct code points of {@code text}
   * @throws IllegalArgumentException if {@code text} is empty
   */
  public static CharTokenizer fit(String text) {
    if (text.isEmpty()) {
      throw new IllegalArgumentException(
          "CharTokenizer.fit: text is empty, no vocabulary to build");
    }
    return new CharTokenizer(text.codePoints().distinct().sorted().toArray());
  }

  /**
   * Builds a tokenizer from an explicit vocabulary, one character per entry, in id order.
   *
   * @param vocab the characters; must be distinct, single code points, in ascending order
   * @return the tokenizer
   * @throws IllegalArgumentException if an entry is not one code point, or the entries are not
   *     strictly ascending
   */
  public static CharTokenizer ofVocabulary(String... vocab) {
    if (vocab.length == 0) {
      throw new IllegalArgumentException("CharTokenizer: vocabulary is empty");
    }
    int[] cps = new int[vocab.length];
    for (int i = 0; i < vocab.length; i++) {
      String s = vocab[i];
      if (s == null || s.isEmpty() || s.codePointCount(0, s.length()) != 1) {
        throw new IllegalArgumentException(
            "CharTokenizer: vocabulary entry "
                + i
                + " must be exactly one character, got "
                + quote(s));
      }
      cps[i] = s.codePointAt(0);
      if (i > 0 && cps[i] <= cps[i - 1]) {
        throw new IllegalArgumentException(
            "CharTokenizer: vocabulary must be distinct characters in ascending order, but entry "
                + i
                + " "
                + describe(cps[i])
                + " follows "
                + describe(cps[i - 1]));
      }
    }
    return new CharTokenizer(cps);
  }

  /**
   * Encodes each code point of {@code text} as its vocabulary index.
   *
   * @throws IllegalArgumentException naming the character and its position if it is not in the
   *     vocabulary
   */
  @Override
  public int[] encode(String text) {
    int[] out = new int[text.codePointCount(0, text.length())];
    int n = 0;
    for (int i = 0; i < text.length(); ) {
      int cp = text.codePointAt(i);
      int id = Arrays.binarySearch(chars, cp);
      if (id < 0) {
        throw new IllegalArgumentException(
            "CharTokenizer.encode: character "
                + describe(cp)
                + " at index "
                + i
                + " is not in the vocabulary of "
                + chars.length
                + " characters");
      }
      out[n++] = id;
      i += Character.charCount(cp);
    }
    return out;
  }

  /**
   * Concatenates the characters of {@code tokens}.
   *
   * @throws IllegalArgumentException if an id is outside {@code [0, vocabSize())}
   */
  @Override
  public String decode(int[] tokens) {
    StringBuilder sb = new StringBuilder(tokens.length);
    for (int i = 0; i < tokens.length; i++) {
      int t = tokens[i];
      if (t < 0 || t >= chars.length) {
        throw new IllegalArgumentException(
            "CharTokenizer.decode: token "
                + t
                + " at position "
                + i
                + " is outside [0, "
                + chars.length
                + ")");
      }
      sb.appendCodePoint(chars[t]);
    }
    return sb.toString();
  }

  /** Returns the number of distinct characters in the vocabulary. */
  @Override
  public int vocabSize() {
    return chars.length;
  }

  /** Returns {@code -1}: a character vocabulary has no end-of-text token. */
  @Override
  public int eotToken() {
    return -1;
  }

  /**
   * Returns the vocabulary in id order, one single-character string per id.
   *
   * @return a fresh array of {@code vocabSize()} strings
   */
  public String[] vocabulary() {
    String[] out = new String[chars.length];
    for (int i = 0; i < chars.length; i++) {
      out[i] = new String(Character.toChars(chars[i]));
    }
    return out;
  }

  /**
   * Writes the vocabulary as JSON: {@code {"type": "char", "vocab": ["\n", " ", "!", ...]}}.
   *
   * @param file the file to write (parent directories are created)
   * @throws IOException if writing fails
   */
  public void save(Path file) throws IOException {
    ObjectNode root = JSON.createObjectNode();
    root.put("type", TYPE);
    ArrayNode vocab = root.putArray("vocab");
    for (String s : vocabulary()) {
      vocab.add(s);
    }
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    JSON.writerWithDefaultPrettyPrinter().writeValue(file.toFile(), root);
  }

  /**
   * Reads a tokenizer written by {@link #save}.
   *
   * @param file the JSON file
   * @return the tokenizer
   * @throws IOException if reading or JSON parsing fails
   * @throws IllegalArgumentException if the JSON is not a character vocabulary (wrong or missing
   *     {@code type}, missing {@code vocab}, or an invalid entry)
   */
  public static CharTokenizer load(Path file) throws IOException {
    JsonNode root = JSON.readTree(file.toFile());
    if (root == null || !root.isObject()) {
      throw new IllegalArgumentException("CharTokenizer.load: " + file + " is not a JSON object");
    }
    JsonNode type = root.get("type");
    if (type == null || !TYPE.equals(type.asText())) {
      throw new IllegalArgumentException(
          "CharTokenizer.load: "
              + file
              + " has type "
              + (type == null ? "(missing)" : quote(type.asText()))
              + ", expected \"char\"");
    }
    JsonNode vocab = root.get("vocab");
    if (vocab == null || !vocab.isArray()) {
      throw new IllegalArgumentException("CharTokenizer.load: " + file + " has no \"vocab\" array");
    }
    String[] entries = new String[vocab.size()];
    for (int i = 0; i < entries.length; i++) {
      JsonNode e = vocab.get(i);
      if (!e.isTextual()) {
        throw new IllegalArgumentException(
            "CharTokenizer.load: " + file + " vocab entry " + i + " is not a string: " + e);
      }
      entries[i] = e.asText();
    }
    return ofVocabulary(entries);
  }

  private static String describe(int cp) {
    return String.format("'%s' (U+%04X)", new String(Character.toChars(cp)), cp);
  }

  private static String quote(String s) {
    return s == null ? "null" : "\"" + s + "\"";
  }
}
