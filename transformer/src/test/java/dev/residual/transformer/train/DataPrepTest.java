package dev.residual.transformer.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.residual.data.TokenDataset;
import dev.residual.transformer.tokenizer.CharTokenizer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataPrepTest {

  @Test
  void charPrepareWritesNinetyTenSplitAndVocab(@TempDir Path dir) throws Exception {
    Path input = dir.resolve("in.txt");
    Files.writeString(input, "abcabcabcaabcabcabca"); // 20 chars: train 18, val 2
    Path out = dir.resolve("out");
    DataPrep.Summary s = DataPrep.prepare(input, DataPrep.TokenizerKind.CHAR, out);
    assertEquals(new DataPrep.Summary(3, 18, 2), s);
    assertEquals(36, Files.size(out.resolve("train.bin")));
    assertEquals(4, Files.size(out.resolve("val.bin")));
    CharTokenizer tok = CharTokenizer.load(out.resolve("meta.json"));
    assertArrayEquals(new String[] {"a", "b", "c"}, tok.vocabulary());
    TokenDataset train = TokenDataset.open(out.resolve("train.bin"));
    assertEquals(18, train.numTokens());
    assertEquals(0, train.token(0));
    assertEquals(1, train.token(17));
    assertEquals(2, TokenDataset.open(out.resolve("val.bin")).token(0));
    assertEquals(3, DataPrep.vocabSize(out, 7));
    assertEquals(7, DataPrep.vocabSize(dir, 7));
  }

  @Test
  void gpt2PrepareRecordsVocabSize(@TempDir Path dir) throws Exception {
    Path input = dir.resolve("in.txt");
    Files.writeString(input, "Hello world, hello world, hello world again and again.");
    Path out = dir.resolve("out");
    DataPrep.Summary s = DataPrep.prepare(input, DataPrep.TokenizerKind.GPT2, out);
    assertEquals(50257, s.vocabSize());
    assertEquals(50257, DataPrep.vocabSize(out, 0));
    assertEquals(s.trainTokens() * 2, Files.size(out.resolve("train.bin")));
  }

  @Test
  void emptyInputIsRejected(@TempDir Path dir) throws Exception {
    Path input = dir.resolve("in.txt");
    Files.writeString(input, "");
    assertThrows(
        IllegalArgumentException.class,
        () -> DataPrep.prepare(input, DataPrep.TokenizerKind.CHAR, dir.resolve("o")));
  }
}
