package dev.residual.transformer.tokenizer;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * GPT-2's byte-level BPE tokenizer (vocabulary of 50257 ids, {@code <|endoftext|>} = 50256).
 *
 * <p>Encoding splits the text with GPT-2's pre-tokenisation pattern ({@link #PATTERN}), turns each
 * piece into its UTF-8 bytes, and repeatedly merges the adjacent pair of lowest merge rank until no
 * pair merges. The result equals OpenAI's {@code tiktoken} {@code gpt2}/{@code r50k_base} encoding
 * and Hugging Face's {@code GPT2Tokenizer}, token for token. Results per piece are cached (the
 * cache is bounded and thread-safe), which is what makes encoding a megabyte of prose take well
 * under a second.
 *
 * <p>Two sources of the vocabulary:
 *
 * <ul>
 *   <li>{@link #fromFiles}/{@link #fromDirectory}: a Hugging Face checkpoint's {@code vocab.json}
 *       (token string → id, strings written through GPT-2's byte↔unicode table) and {@code
 *       merges.txt} (one merge {@code "left right"} per line, in rank order).
 *   <li>{@link #standard()}: no files; built from the {@code r50k_base} ranks that the jtokkit
 *       library bundles as a resource (tiktoken's format: base64 bytes and rank per line). A piece
 *       that is itself a token is encoded as that token without running BPE, as tiktoken does.
 * </ul>
 *
 * <p>Special tokens: {@link #encode(String)} treats the text {@code <|endoftext|>} as ordinary text
 * (as tiktoken's {@code encode_ordinary}); {@link #encode(String, boolean)} with {@code true} (or
 * {@link #encodeWithSpecial}) maps it to {@link #eotToken()}.
 *
 * <p>Strings with unpaired UTF-16 surrogates are not valid Unicode; each such surrogate is encoded
 * as {@code '?'} (Java's UTF-8 encoder replacement). Decoding replaces invalid UTF-8 byte sequences
 * (which a token sequence cut in the middle of a character produces) with U+FFFD, as Python's
 * {@code bytes.decode("utf-8", errors="replace")}.
 */
public final class GPT2Tokenizer implements Tokenizer {

  /** The end-of-text special token's text. */
  public static final String END_OF_TEXT = "<|endoftext|>";

  /** GPT-2's pre-tokenisation pattern, as in OpenAI's {@code encoder.py}. */
  public static final String PATTERN =
      "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+";

  /*
   * UNICODE_CHARACTER_CLASS makes \s the Unicode White_Space property (as in tiktoken's Rust regex
   * and Python's re on str); without it Java's \s is ASCII-only and U+3000 would split wrongly.
   */
  private static final Pattern PRE_TOKENIZER =
      Pattern.compile(PATTERN, Pattern.UNICODE_CHARACTER_CLASS);

  private static final String R50K_RESOURCE = "/com/knuddels/jtokkit/r50k_base.tiktoken";
  private static final int CACHE_LIMIT = 65_536;
  private static final int CACHE_MAX_PIECE = 128;

  private final byte[][] tokenBytes;
  private final int[] byteToId;
  private final PairTable merges;
  private final int eot;

  /** Whole-piece lookup (bytes as a Latin-1 string → id), used only for tiktoken-style ranks. */
  private final Map<String, Integer> directLookup;

  private final ConcurrentHashMap<String, int[]> cache = new ConcurrentHashMap<>();

  private GPT2Tokenizer(
      byte[][] tokenBytes,
      int[] byteToId,
      PairTable merges,
      int eot,
      Map<String, Integer> directLookup) {
    this.tokenBytes = tokenBytes;
    this.byteToId = byteToId;
    this.merges = merges;
    this.eot = eot;
    this.directLookup = directLookup;
  }

  // ---------------------------------------------------------------------------------------------
  // Construction

  private static final class StandardHolder {
    static final GPT2Tokenizer INSTANCE = loadR50k();
  }

  /**
   * Returns the embedded GPT-2 tokenizer, built once from jtokkit's bundled {@code r50k_base}
   * ranks; needs no files.
   *
   * @return the shared instance
   * @throws IllegalStateException if the jtokkit resource is missing from the classpath
   */
  public static GPT2Tokenizer standard() {
    return StandardHolder.INSTANCE;
  }

  /**
   * Reads a Hugging Face {@code gpt2}-style tokenizer from its two files.
   *
   * @param vocabJson {@code vocab.json}: a JSON object from token string to id
   * @param mergesTxt {@code merges.txt}: an optional {@code #version} line, then one merge per line
   * @return the tokenizer
   * @throws IOException if a file cannot be read or the JSON cannot be parsed
   * @throws IllegalArgumentException if the vocabulary lacks one of the 256 byte tokens, has a
   *     negative or duplicate id, or a merge line is malformed or names a token not in the
   *     vocabulary (the message gives the line number)
   */
  public static GPT2Tokenizer fromFiles(Path vocabJson, Path mergesTxt) throws IOException {
    Map<String, Integer> vocab =
        new ObjectMapper()
            .readValue(vocabJson.toFile(), new TypeReference<HashMap<String, Integer>>() {});
    int size = 0;
    for (Map.Entry<String, Integer> e : vocab.entrySet()) {
      Integer id = e.getValue();
      if (id == null || id < 0) {
        throw new IllegalArgumentException(
            "GPT2Tokenizer: " + vocabJson + " gives token \"" + e.getKey() + "\" the id " + id);
      }
      size = Math.max(size, id + 1);
    }
    byte[][] tokenBytes = new byte[size][];
    for (Map.Entry<String, Integer> e : vocab.entrySet()) {
      int id = e.getValue();
      if (tokenBytes[id] != null) {
        throw new IllegalArgumentException(
            "GPT2Tokenizer: " + vocabJson + " gives id " + id + " to more than one token");
      }
      byte[] bytes = ByteLevel.toBytes(e.getKey());
      // Added tokens written in plain text (not through the byte table) decode as their UTF-8.
      tokenBytes[id] = bytes != null ? bytes : e.getKey().getBytes(StandardCharsets.UTF_8);
    }
    int[] byteToId = new int[256];
    for (int b = 0; b < 256; b++) {
      Integer id = vocab.get(String.valueOf(ByteLevel.toChar(b)));
      if (id == null) {
        throw new IllegalArgumentException(
            String.format(
                "GPT2Tokenizer: %s has no token for byte 0x%02X (\"%c\")",
                vocabJson, b, ByteLevel.toChar(b)));
      }
      byteToId[b] = id;
    }
    PairTable merges = new PairTable(size);
    try (BufferedReader in = Files.newBufferedReader(mergesTxt, StandardCharsets.UTF_8)) {
      String line;
      int lineNo = 0;
      int rank = 0;
      while ((line = in.readLine()) != null) {
        lineNo++;
        if ((lineNo == 1 && line.startsWith("#version")) || line.isBlank()) {
          continue;
        }
        int sp = line.indexOf(' ');
        if (sp <= 0 || sp == line.length() - 1 || line.indexOf(' ', sp + 1) >= 0) {
          throw new IllegalArgumentException(
              "GPT2Tokenizer: "
                  + mergesTxt
                  + " line "
                  + lineNo
                  + " is not two tokens separated by one space: \""
                  + line
                  + "\"");
        }
        String left = line.substring(0, sp);
        String right = line.substring(sp + 1);
        Integer l = vocab.get(left);
        Integer r = vocab.get(right);
        Integer m = vocab.get(left + right);
        if (l == null || r == null || m == null) {
          String missing = l == null ? left : r == null ? right : left + right;
          throw new IllegalArgumentException(
              "GPT2Tokenizer: "
                  + mergesTxt
                  + " line "
                  + lineNo
                  + " uses \""
                  + missing
                  + "\", which is not in "
                  + vocabJson);
        }
        // A repeated pair keeps its first (lowest) rank, as Hugging Face does.
        merges.putIfAbsent(l, r, rank, m);
        rank++;
      }
    }
    Integer eot = vocab.get(END_OF_TEXT);
    return new GPT2Tokenizer(tokenBytes, byteToId, merges, eot == null ? -1 : eot, null);
  }

  /**
   * Reads {@code vocab.json} and {@code merges.txt} from a Hugging Face checkpoint directory.
   *
   * @param dir the directory
   * @return the tokenizer
   * @throws IOException if a file cannot be read
   * @throws IllegalArgumentException if either file is missing (naming it) or malformed, as in
   *     {@link #fromFiles}
   */
  public static GPT2Tokenizer fromDirectory(Path dir) throws IOException {
    Path vocab = dir.resolve("vocab.json");
    Path merges = dir.resolve("merges.txt");
    for (Path p : new Path[] {vocab, merges}) {
      if (!Files.isRegularFile(p)) {
        throw new IllegalArgumentException(
            "GPT2Tokenizer.fromDirectory: " + dir + " has no " + p.getFileName());
      }
    }
    return fromFiles(vocab, merges);
  }

  private static GPT2Tokenizer loadR50k() {
    InputStream stream = com.knuddels.jtokkit.api.Encoding.class.getResourceAsStream(R50K_RESOURCE);
    if (stream == null) {
      throw new IllegalStateException(
          "GPT2Tokenizer.standard: resource "
              + R50K_RESOURCE
              + " not found; is jtokkit on the classpath?");
    }
    List<byte[]> tokens = new ArrayList<>(50_257);
    Map<String, Integer> byBytes = new HashMap<>(100_000);
    try (BufferedReader in =
        new BufferedReader(new InputStreamReader(stream, StandardCharsets.US_ASCII))) {
      Base64.Decoder b64 = Base64.getDecoder();
      String line;
      while ((line = in.readLine()) != null) {
        if (line.isEmpty()) {
          continue;
        }
        int sp = line.indexOf(' ');
        byte[] bytes = b64.decode(line.substring(0, sp));
        int rank = Integer.parseInt(line.substring(sp + 1));
        if (rank != tokens.size()) {
          throw new IllegalStateException(
              "GPT2Tokenizer.standard: " + R50K_RESOURCE + " has rank " + rank + " out of order");
        }
        tokens.add(bytes);
        byBytes.put(new String(bytes, StandardCharsets.ISO_8859_1), rank);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("GPT2Tokenizer.standard: cannot read " + R50K_RESOURCE, e);
    }
    int eot = tokens.size();
    tokens.add(END_OF_TEXT.getBytes(StandardCharsets.US_ASCII));
    byte[][] tokenBytes = tokens.toArray(new byte[0][]);
    int[] byteToId = new int[256];
    for (int b = 0; b < 256; b++) {
      byteToId[b] = byBytes.get(String.valueOf((char) b));
    }
    /*
     * tiktoken merges two adjacent parts whenever their concatenation is a token, with that
     * token's rank as priority. So every split of a token into two tokens is a merge rule.
     */
    PairTable merges = new PairTable(4 * eot);
    for (int id = 0; id < eot; id++) {
      String s = new String(tokenBytes[id], StandardCharsets.ISO_8859_1);
      for (int k = 1; k < s.length(); k++) {
        Integer l = byBytes.get(s.substring(0, k));
        if (l == null) {
          continue;
        }
        Integer r = byBytes.get(s.substring(k));
        if (r != null) {
          merges.putIfAbsent(l, r, id, id);
        }
      }
    }
    return new GPT2Tokenizer(tokenBytes, byteToId, merges, eot, byBytes);
  }

  // ---------------------------------------------------------------------------------------------
  // Encoding

  /**
   * Encodes {@code text}, treating {@code <|endoftext|>} as ordinary text.
   *
   * @param text the text
   * @return token ids in {@code [0, vocabSize())}
   */
  @Override
  public int[] encode(String text) {
    IntBuffer out = new IntBuffer(Math.max(16, text.length() / 3));
    encodeOrdinaryInto(text, out);
    return out.toArray();
  }

  /**
   * Encodes {@code text}; when {@code allowSpecial} is true each occurrence of {@code
   * <|endoftext|>} becomes the single token {@link #eotToken()}, otherwise it is ordinary text.
   *
   * @param text the text
   * @param allowSpecial whether to recognise the special token
   * @return token ids
   */
  public int[] encode(String text, boolean allowSpecial) {
    if (!allowSpecial || eot < 0) {
      return encode(text);
    }
    IntBuffer out = new IntBuffer(Math.max(16, text.length() / 3));
    int start = 0;
    int at;
    while ((at = text.indexOf(END_OF_TEXT, start)) >= 0) {
      encodeOrdinaryInto(text.substring(start, at), out);
      out.add(eot);
      start = at + END_OF_TEXT.length();
    }
    encodeOrdinaryInto(text.substring(start), out);
    return out.toArray();
  }

  /**
   * Same as {@code encode(text, true)}: {@code <|endoftext|>} becomes {@link #eotToken()}.
   *
   * @param text the text
   * @return token ids
   */
  public int[] encodeWithSpecial(String text) {
    return encode(text, true);
  }

  private void encodeOrdinaryInto(String text, IntBuffer out) {
    Matcher m = PRE_TOKENIZER.matcher(text);
    while (m.find()) {
      String piece = text.substring(m.start(), m.end());
      int[] cached = cache.get(piece);
      if (cached == null) {
        cached = encodePiece(piece);
        if (piece.length() <= CACHE_MAX_PIECE) {
          if (cache.size() >= CACHE_LIMIT) {
            cache.clear();
          }
          cache.put(piece, cached);
        }
      }
      out.addAll(cached);
    }
  }

  private int[] encodePiece(String piece) {
    byte[] bytes = piece.getBytes(StandardCharsets.UTF_8);
    if (directLookup != null) {
      Integer whole = directLookup.get(new String(bytes, StandardCharsets.ISO_8859_1));
      if (whole != null) {
        return new int[] {whole};
      }
    }
    return bpe(bytes);
  }

  /** Merges the lowest-ranked adjacent pair (leftmost on ties) until no pair merges. */
  int[] bpe(byte[] bytes) {
    int n = bytes.length;
    int[] ids = new int[n];
    for (int i = 0; i < n; i++) {
      ids[i] = byteToId[bytes[i] & 0xff];
    }
    if (n < 2) {
      return ids;
    }
    // pair[i] describes (ids[i], ids[i + 1]): packed rank and merged id, or -1.
    long[] pair = new long[n - 1];
    for (int i = 0; i < n - 1; i++) {
      pair[i] = merges.get(ids[i], ids[i + 1]);
    }
    while (n > 1) {
      int best = -1;
      long bestValue = Long.MAX_VALUE;
      for (int i = 0; i < n - 1; i++) {
        long v = pair[i];
        if (v >= 0 && v < bestValue) {
          bestValue = v;
          best = i;
        }
      }
      if (best < 0) {
        break;
      }
      ids[best] = (int) bestValue;
      System.arraycopy(ids, best + 2, ids, best + 1, n - best - 2);
      if (n - best - 3 > 0) {
        System.arraycopy(pair, best + 2, pair, best + 1, n - best - 3);
      }
      n--;
      if (best > 0) {
        pair[best - 1] = merges.get(ids[best - 1], ids[best]);
      }
      if (best < n - 1) {
        pair[best] = merges.get(ids[best], ids[best + 1]);
      }
    }
    return n == ids.length ? ids : Arrays.copyOf(ids, n);
  }

  // ---------------------------------------------------------------------------------------------
  // Decoding

  /**
   * Returns the concatenated bytes of the tokens (UTF-8 text, possibly cut mid-character).
   *
   * @param tokens token ids
   * @return the bytes
   * @throws IllegalArgumentException if an id is outside {@code [0, vocabSize())} or unused
   */
  public byte[] decodeBytes(int[] tokens) {
    int len = 0;
    for (int i = 0; i < tokens.length; i++) {
      len += bytesOf(tokens[i], i).length;
    }
    byte[] out = new byte[len];
    int pos = 0;
    for (int i = 0; i < tokens.length; i++) {
      byte[] b = tokenBytes[tokens[i]];
      System.arraycopy(b, 0, out, pos, b.length);
      pos += b.length;
    }
    return out;
  }

  /**
   * Decodes tokens to text; invalid UTF-8 (a character split across a cut) becomes U+FFFD, one per
   * maximal invalid subsequence, as Python's {@code errors="replace"}.
   *
   * @throws IllegalArgumentException if an id is outside {@code [0, vocabSize())} or unused
   */
  @Override
  public String decode(int[] tokens) {
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPLACE)
          .onUnmappableCharacter(CodingErrorAction.REPLACE)
          .replaceWith("\uFFFD")
          .decode(ByteBuffer.wrap(decodeBytes(tokens)))
          .toString();
    } catch (CharacterCodingException e) {
      throw new IllegalStateException("unreachable: REPLACE never throws", e);
    }
  }

  private byte[] bytesOf(int token, int position) {
    if (token < 0 || token >= tokenBytes.length || tokenBytes[token] == null) {
      throw new IllegalArgumentException(
          "GPT2Tokenizer.decode: token "
              + token
              + " at position "
              + position
              + " is not in the vocabulary [0, "
              + tokenBytes.length
              + ")");
    }
    return tokenBytes[token];
  }

  /**
   * Returns the token's text as stored in {@code vocab.json} (bytes through the byte↔unicode table,
   * so a leading space shows as {@code 'Ġ'}).
   *
   * @param token a token id
   * @return the vocabulary string
   * @throws IllegalArgumentException if the id is not in the vocabulary
   */
  public String tokenString(int token) {
    return ByteLevel.toVocabString(bytesOf(token, 0));
  }

  /** Returns one past the largest token id (50257 for GPT-2). */
  @Override
  public int vocabSize() {
    return tokenBytes.length;
  }

  /** Returns the id of {@code <|endoftext|>} (50256 for GPT-2), or -1 if there is none. */
  @Override
  public int eotToken() {
    return eot;
  }

  /** Number of merge rules (50000 for GPT-2's {@code merges.txt}). */
  int mergeCount() {
    return merges.size();
  }

  /** Growable int array, so encoding does not box every token. */
  private static final class IntBuffer {
    private int[] a;
    private int n;

    IntBuffer(int capacity) {
      a = new int[capacity];
    }

    void add(int v) {
      if (n == a.length) {
        a = Arrays.copyOf(a, a.length * 2);
      }
      a[n++] = v;
    }

    void addAll(int[] vs) {
      if (n + vs.length > a.length) {
        a = Arrays.copyOf(a, Math.max(a.length * 2, n + vs.length));
      }
      System.arraycopy(vs, 0, a, n, vs.length);
      n += vs.length;
    }

    int[] toArray() {
      return Arrays.copyOf(a, n);
    }
  }
}
