package dev.residual.transformer.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CharTokenizerTest {

  @TempDir Path tmp;

  @Test
  void fitBuildsSortedDistinctCharacterVocabulary() {
    CharTokenizer t = CharTokenizer.fit("hello world\n");
    assertArrayEquals(new String[] {"\n", " ", "d", "e", "h", "l", "o", "r", "w"}, t.vocabulary());
    assertEquals(9, t.vocabSize());
    assertArrayEquals(new int[] {4, 3, 5, 5, 6}, t.encode("hello"));
    assertEquals(-1, t.eotToken());
  }

  @Test
  void encodeDecodeRoundTripsIncludingSupplementaryCharacters() {
    String text = "a😀b€😀\n";
    CharTokenizer t = CharTokenizer.fit(text);
    assertEquals(5, t.vocabSize(), "the emoji is one code point, one token");
    int[] ids = t.encode(text);
    assertEquals(6, ids.length);
    assertEquals(text, t.decode(ids));
  }

  @Test
  void encodeUnknownCharacterNamesItAndItsPosition() {
    CharTokenizer t = CharTokenizer.fit("abc");
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> t.encode("abz"));
    assertTrue(e.getMessage().contains("'z'"), e.getMessage());
    assertTrue(e.getMessage().contains("U+007A"), e.getMessage());
    assertTrue(e.getMessage().contains("index 2"), e.getMessage());
  }

  @Test
  void decodeOutOfRangeTokenThrows() {
    CharTokenizer t = CharTokenizer.fit("abc");
    assertThrows(IllegalArgumentException.class, () -> t.decode(new int[] {0, 3}));
    assertThrows(IllegalArgumentException.class, () -> t.decode(new int[] {-1}));
  }

  @Test
  void fitOnEmptyTextThrows() {
    assertThrows(IllegalArgumentException.class, () -> CharTokenizer.fit(""));
  }

  @Test
  void saveLoadRoundTripKeepsVocabulary() throws IOException {
    CharTokenizer t = CharTokenizer.fit("To be, or not to be?\n\"Quoted\"\t😀\\");
    Path file = tmp.resolve("sub/meta.json");
    t.save(file);
    CharTokenizer back = CharTokenizer.load(file);
    assertArrayEquals(t.vocabulary(), back.vocabulary());
    assertArrayEquals(t.encode("be or not"), back.encode("be or not"));
  }

  @Test
  void loadRejectsWrongTypeMissingVocabAndBadEntries() throws IOException {
    Path f = tmp.resolve("bad.json");
    Files.writeString(f, "{\"type\": \"bpe\", \"vocab\": [\"a\"]}");
    assertThrows(IllegalArgumentException.class, () -> CharTokenizer.load(f));
    Files.writeString(f, "{\"type\": \"char\"}");
    assertThrows(IllegalArgumentException.class, () -> CharTokenizer.load(f));
    Files.writeString(f, "{\"type\": \"char\", \"vocab\": [\"ab\"]}");
    assertThrows(IllegalArgumentException.class, () -> CharTokenizer.load(f));
    Files.writeString(f, "{\"type\": \"char\", \"vocab\": [\"b\", \"a\"]}");
    assertThrows(IllegalArgumentException.class, () -> CharTokenizer.load(f));
    Files.writeString(f, "{\"type\": \"char\", \"vocab\": [1]}");
    assertThrows(IllegalArgumentException.class, () -> CharTokenizer.load(f));
    Files.writeString(f, "[1, 2]");
    assertThrows(IllegalArgumentException.class, () -> CharTokenizer.load(f));
  }

  @Test
  void tinyShakespeareHas65Characters() throws IOException {
    Path input = SharedData.find("tinyshakespeare/input.txt");
    assumeTrue(input != null, "shared/data/tinyshakespeare absent");
    String text = Files.readString(input, StandardCharsets.UTF_8);
    CharTokenizer t = CharTokenizer.fit(text);
    assertEquals(65, t.vocabSize());
    assertEquals("\n", t.vocabulary()[0]);
    assertEquals(" ", t.vocabulary()[1]);
    assertEquals(text, t.decode(t.encode(text)));
  }
}
