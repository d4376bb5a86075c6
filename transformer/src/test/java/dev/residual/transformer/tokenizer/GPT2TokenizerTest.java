package dev.residual.transformer.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingType;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GPT2TokenizerTest {

  private static final Encoding ORACLE =
      Encodings.newDefaultEncodingRegistry().getEncoding(EncodingType.R50K_BASE);

  /** The Hugging Face files from shared/data, or null when absent. */
  private static GPT2Tokenizer fromFiles;

  @TempDir Path tmp;

  static final String[] CORPUS = {
    "Hello world!",
    "",
    "The quick brown fox jumps over the lazy dog. It was the best of times, it was the worst of"
        + " times; it was the age of wisdom, it was the age of foolishness.",
    "First Citizen:\nBefore we proceed any further, hear me speak.\n\nAll:\nSpeak, speak.\n",
    "don't I'll we're they've she'd you'll it's I'm DON'T We'Re 's 't '",
    "public static void main(String[] args) {\n    System.out.println(\"hi\");\n\treturn;\n}\n",
    "def f(x):\n    return x ** 2  # square\n\n\nif __name__ == '__main__':\n    f(3)",
    "for (int i = 0; i < n; i++) { a[i] += b[i] * 0.5f; } // 1e-9 && x != y || z >= 10",
    "12345 3.14159 -42 1,000,000 2026-11-29 0x1F 1e10 99.9% $100 ½ ² ٣",
    "a  b   c    d\t\te\n\n\nf \n g\r\n h   \n\n   ",
    "     ",
    "\t\t\t",
    "\n\n\n\n",
    "trailing spaces   ",
    "   leading spaces",
    "emoji 😀😃😄 👍🏽 👨‍👩‍👧‍👦 🇩🇪 ❤️ ✨",
    "中文分词测试：你好，世界！日本語のテキスト、カタカナ。한국어 텍스트",
    "mixed Русский текст, Ελληνικά, العربية, עברית, हिन्दी, ไทย and English",
    "café naïve résumé Ångström Zürich façade coöperate ﬁ ligature",
    "<|endoftext|> is ordinary text here",
    "URLs: https://example.com/path?q=1&r=2#frag and emails a.b@c.org",
    "Symbols: ~!@#$%^&*()_+`-={}|[]\\:\";'<>?,./ ……—–“quotes” ‘single’",
    "ideographic\u3000space and no-break\u00a0space and thin\u2009space",
    "combining e\u0301 a\u0308 and zero\u200bwidth",
  };

  @BeforeAll
  static void loadFiles() throws IOException {
    Path dir = SharedData.find("gpt2-tokenizer");
    if (dir != null && Files.exists(dir.resolve("vocab.json"))) {
      fromFiles = GPT2Tokenizer.fromDirectory(dir);
    }
  }

  private static int[] oracle(String s) {
    return ORACLE.encodeOrdinary(s).toArray();
  }

  @Test
  void helloWorldEncodesToKnownIds() {
    assertArrayEquals(new int[] {15496, 995, 0}, GPT2Tokenizer.standard().encode("Hello world!"));
    assumeTrue(fromFiles != null, "shared/data/gpt2-tokenizer absent");
    assertArrayEquals(new int[] {15496, 995, 0}, fromFiles.encode("Hello world!"));
  }

  @Test
  void standardMatchesTiktokenR50kOnCorpus() {
    GPT2Tokenizer t = GPT2Tokenizer.standard();
    for (String s : CORPUS) {
      assertArrayEquals(oracle(s), t.encode(s), () -> "text: " + s);
    }
  }

  @Test
  void huggingFaceFilesMatchTiktokenR50kOnCorpus() {
    assumeTrue(fromFiles != null, "shared/data/gpt2-tokenizer absent");
    for (String s : CORPUS) {
      assertArrayEquals(oracle(s), fromFiles.encode(s), () -> "text: " + s);
    }
  }

  @Test
  void bothSourcesMatchTiktokenOnRandomMixedScriptStrings() {
    String[] pools = {
      "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ",
      "0123456789",
      " \t\n\r\u000b\f\u00a0\u3000\u2028",
      "'.,;:!?-_()[]{}<>/\\|\"#$%&*+=@^`~",
      "éèêëàâäôöûüçñßÆØÅ¿¡",
      "中文日本語한국어漢字かなカナ",
      "Русскийтекстελληνικάالعربيةעבריתहिन्दी",
      "😀👍🏽🇩🇪❤️✨🤖\u200d\u0301",
    };
    Random rnd = new Random(1234);
    GPT2Tokenizer standard = GPT2Tokenizer.standard();
    for (int iter = 0; iter < 1500; iter++) {
      StringBuilder sb = new StringBuilder();
      int len = 1 + rnd.nextInt(40);
      for (int k = 0; k < len; k++) {
        String pool = pools[rnd.nextInt(pools.length)];
        int at = rnd.nextInt(pool.length());
        int cp = pool.codePointAt(at);
        if (Character.isLowSurrogate(pool.charAt(at))) {
          cp = pool.codePointAt(at - 1);
        }
        sb.appendCodePoint(cp);
      }
      String s = sb.toString();
      int[] expected = oracle(s);
      assertArrayEquals(expected, standard.encode(s), () -> "standard, text: " + s);
      if (fromFiles != null) {
        assertArrayEquals(expected, fromFiles.encode(s), () -> "files, text: " + s);
      }
      assertEquals(s, standard.decode(standard.encode(s)));
    }
  }

  @Test
  void decodeInvertsEncodeForManyStrings() {
    GPT2Tokenizer t = GPT2Tokenizer.standard();
    for (String s : CORPUS) {
      assertEquals(s, t.decode(t.encode(s)));
      assertEquals(s, t.decode(t.encode(s, true)));
      if (fromFiles != null) {
        assertEquals(s, fromFiles.decode(fromFiles.encode(s)));
      }
    }
  }

  @Test
  void decodeMatchesTiktokenDecode() {
    GPT2Tokenizer t = GPT2Tokenizer.standard();
    for (String s : CORPUS) {
      int[] ids = oracle(s);
      assertArrayEquals(
          ORACLE.decodeBytes(ORACLE.encodeOrdinary(s)), t.decodeBytes(ids), () -> "text: " + s);
    }
  }

  @Test
  void endOfTextIsSpecialOnlyWhenAsked() {
    GPT2Tokenizer t = GPT2Tokenizer.standard();
    assertEquals(50256, t.eotToken());
    assertEquals(50257, t.vocabSize());
    String s = "a<|endoftext|>b<|endoftext|>";
    int[] special = t.encodeWithSpecial(s);
    assertArrayEquals(new int[] {64, 50256, 65, 50256}, special);
    assertArrayEquals(special, t.encode(s, true));
    int[] ordinary = t.encode(s);
    assertArrayEquals(oracle(s), ordinary);
    assertArrayEquals(ordinary, t.encode(s, false));
    assertTrue(Arrays.stream(ordinary).noneMatch(id -> id == 50256));
    assertEquals(s, t.decode(special));
    assertEquals(s, t.decode(ordinary));
    assertArrayEquals(new int[] {50256}, t.encodeWithSpecial("<|endoftext|>"));
    if (fromFiles != null) {
      assertEquals(50256, fromFiles.eotToken());
      assertEquals(50257, fromFiles.vocabSize());
      assertArrayEquals(special, fromFiles.encodeWithSpecial(s));
    }
  }

  @Test
  void decodeReplacesInvalidUtf8LikePythonErrorsReplace() {
    GPT2Tokenizer t = GPT2Tokenizer.standard();
    // "中" is E4 B8 AD; each byte alone is a token (byte tokens are 188 + ... so look them up).
    int[] bytesOfZhong = t.encode("中");
    assertEquals(3, t.decodeBytes(bytesOfZhong).length);
    int e4 = byteToken(t, 0xE4);
    int b8 = byteToken(t, 0xB8);
    int ff = byteToken(t, 0xFF);
    int a = t.encode("A")[0];
    // b"\xe4\xb8".decode(errors="replace") == "\ufffd" (one maximal subpart).
    assertEquals("\uFFFD", t.decode(new int[] {e4, b8}));
    assertEquals("\uFFFDA", t.decode(new int[] {e4, b8, a}));
    // b"\xff\xffA" -> "\ufffd\ufffdA"
    assertEquals("\uFFFD\uFFFDA", t.decode(new int[] {ff, ff, a}));
    // b"\xb8A" -> lone continuation byte.
    assertEquals("\uFFFDA", t.decode(new int[] {b8, a}));
  }

  private static int byteToken(GPT2Tokenizer t, int b) {
    int[] ids = t.bpe(new byte[] {(byte) b});
    assertEquals(1, ids.length);
    return ids[0];
  }

  @Test
  void longPiecesBeyondTheCacheLimitMatchTiktoken() {
    GPT2Tokenizer t = GPT2Tokenizer.standard();
    String[] texts = {
      " ".repeat(1000) + "x",
      "\n".repeat(300),
      "a".repeat(500),
      "ab".repeat(300) + " " + "9".repeat(257),
      "😀".repeat(200),
      "-".repeat(400) + "\t".repeat(10),
    };
    for (String s : texts) {
      assertArrayEquals(oracle(s), t.encode(s), () -> "length " + s.length());
      assertEquals(s, t.decode(t.encode(s)));
      if (fromFiles != null) {
        assertArrayEquals(oracle(s), fromFiles.encode(s), () -> "files, length " + s.length());
      }
    }
  }

  @Test
  void repeatedEncodingIsStableAcrossCacheHits() {
    GPT2Tokenizer t = GPT2Tokenizer.standard();
    String s = CORPUS[2];
    int[] first = t.encode(s);
    for (int i = 0; i < 3; i++) {
      assertArrayEquals(first, t.encode(s));
    }
  }

  @Test
  void allowSpecialIsOrdinaryWhenTheVocabularyHasNoEndOfText() throws IOException {
    GPT2Tokenizer t = GPT2Tokenizer.fromDirectory(writeTinyVocab(tmp, "l o\n"));
    String s = "lo<|endoftext|>";
    assertArrayEquals(t.encode(s), t.encode(s, true));
    assertEquals(s, t.decode(t.encodeWithSpecial(s)));
  }

  @Test
  void decodeRejectsOutOfRangeIds() {
    GPT2Tokenizer t = GPT2Tokenizer.standard();
    assertThrows(IllegalArgumentException.class, () -> t.decode(new int[] {50257}));
    assertThrows(IllegalArgumentException.class, () -> t.decode(new int[] {-1}));
  }

  @Test
  void byteTableMapsPrintableBytesToThemselvesAndTheRestFrom256() {
    assertEquals('!', ByteLevel.toChar('!'));
    assertEquals('~', ByteLevel.toChar('~'));
    assertEquals('¡', ByteLevel.toChar(0xA1));
    assertEquals('¬', ByteLevel.toChar(0xAC));
    assertEquals('®', ByteLevel.toChar(0xAE));
    assertEquals('ÿ', ByteLevel.toChar(0xFF));
    assertEquals('\u0100', ByteLevel.toChar(0));
    assertEquals('\u0120', ByteLevel.toChar(' ')); // 'Ġ'
    assertEquals('\u010A', ByteLevel.toChar('\n')); // 'Ċ'
    assertEquals('\u0143', ByteLevel.toChar(0xAD)); // the 68th and last remapped byte
    for (int b = 0; b < 256; b++) {
      assertEquals(b, ByteLevel.toByte(ByteLevel.toChar(b)));
    }
    assertEquals(-1, ByteLevel.toByte('\u0144'));
    assertEquals("Ġthe", GPT2Tokenizer.standard().tokenString(262));
  }

  @Test
  void filesAndStandardAgreeOnWholeVocabularyStrings() {
    assumeTrue(fromFiles != null, "shared/data/gpt2-tokenizer absent");
    GPT2Tokenizer s = GPT2Tokenizer.standard();
    assertEquals(50000, fromFiles.mergeCount());
    for (int id = 0; id < 50257; id++) {
      assertEquals(s.tokenString(id), fromFiles.tokenString(id), "token " + id);
    }
  }

  @Test
  void tinyMergesFileBuildsTokensInRankOrder() throws IOException {
    Path dir = writeTinyVocab(tmp, "#version: 0.2\nl o\nlo w\nĠ lo\n");
    GPT2Tokenizer t = GPT2Tokenizer.fromDirectory(dir);
    int lo = 256;
    int low = 257;
    int spLo = 258;
    int l = 'l'; // byte tokens are numbered in byte order in this vocabulary
    assertArrayEquals(new int[] {low}, t.encode("low"));
    // " lol": Ġ l o l -> (rank 0) Ġ lo l -> (rank 2) Ġlo l
    assertArrayEquals(new int[] {spLo, l}, t.encode(" lol"));
    assertArrayEquals(new int[] {l, lo}, t.encode("llo"));
    assertArrayEquals(new int[] {'o', 'w'}, t.encode("ow"));
    assertEquals(-1, t.eotToken());
    assertEquals("low", t.decode(t.encode("low")));
  }

  @Test
  void fromFilesRejectsMalformedInputsNamingTheProblem() throws IOException {
    Path dir = writeTinyVocab(tmp, "#version: 0.2\nl o x\n");
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> GPT2Tokenizer.fromDirectory(dir));
    assertTrue(e.getMessage().contains("line 2"), e.getMessage());

    Files.writeString(dir.resolve("merges.txt"), "l xx\n");
    e = assertThrows(IllegalArgumentException.class, () -> GPT2Tokenizer.fromDirectory(dir));
    assertTrue(e.getMessage().contains("\"xx\""), e.getMessage());

    Files.writeString(dir.resolve("merges.txt"), "w o\n"); // "wo" is not a token
    e = assertThrows(IllegalArgumentException.class, () -> GPT2Tokenizer.fromDirectory(dir));
    assertTrue(e.getMessage().contains("\"wo\""), e.getMessage());

    Files.writeString(dir.resolve("vocab.json"), "{\"a\": 0}");
    e = assertThrows(IllegalArgumentException.class, () -> GPT2Tokenizer.fromDirectory(dir));
    assertTrue(e.getMessage().contains("byte 0x00"), e.getMessage());

    Files.delete(dir.resolve("merges.txt"));
    e = assertThrows(IllegalArgumentException.class, () -> GPT2Tokenizer.fromDirectory(dir));
    assertTrue(e.getMessage().contains("merges.txt"), e.getMessage());
  }

  /** 256 byte tokens (id = order of the byte table) plus "lo", "low", "Ġlo". */
  private static Path writeTinyVocab(Path dir, String merges) throws IOException {
    List<String> entries = new ArrayList<>();
    int id = 0;
    for (int b = 0; b < 256; b++) {
      entries.add(json(String.valueOf(ByteLevel.toChar(b))) + ": " + id++);
    }
    for (String extra : new String[] {"lo", "low", "Ġlo"}) {
      entries.add(json(extra) + ": " + id++);
    }
    Files.writeString(dir.resolve("vocab.json"), "{" + String.join(", ", entries) + "}");
    Files.writeString(dir.resolve("merges.txt"), merges);
    return dir;
  }

  private static String json(String s) {
    StringBuilder sb = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      sb.append(String.format("\\u%04x", (int) c));
    }
    return sb.append('"').toString();
  }

  @Test
  void tinyShakespeareMatchesTiktokenAndPrintsEncodingTime() throws IOException {
    Path input = SharedData.find("tinyshakespeare/input.txt");
    assumeTrue(input != null, "shared/data/tinyshakespeare absent");
    String text = Files.readString(input, StandardCharsets.UTF_8);
    int[] expected = ORACLE.encodeOrdinary(text).toArray();

    GPT2Tokenizer standard = GPT2Tokenizer.standard();
    long t0 = System.nanoTime();
    int[] got = standard.encode(text);
    long t1 = System.nanoTime();
    assertArrayEquals(expected, got);
    System.out.printf(
        "GPT2Tokenizer.standard(): tinyshakespeare (%d chars) -> %d tokens in %.0f ms (first"
            + " call)%n",
        text.length(), got.length, (t1 - t0) / 1e6);
    if (fromFiles != null) {
      long t2 = System.nanoTime();
      int[] viaFiles = fromFiles.encode(text);
      long t3 = System.nanoTime();
      assertArrayEquals(expected, viaFiles);
      System.out.printf(
          "GPT2Tokenizer.fromDirectory(): tinyshakespeare -> %d tokens in %.0f ms (first call)%n",
          viaFiles.length, (t3 - t2) / 1e6);
    }
    long t4 = System.nanoTime();
    ORACLE.encodeOrdinary(text);
    long t5 = System.nanoTime();
    System.out.printf("jtokkit r50k_base (warm): %.0f ms%n", (t5 - t4) / 1e6);
    assertEquals(text, standard.decode(got));
  }
}
