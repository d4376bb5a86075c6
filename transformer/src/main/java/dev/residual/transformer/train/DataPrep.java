package dev.residual.transformer.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.residual.data.TokenDataset;
import dev.residual.transformer.tokenizer.CharTokenizer;
import dev.residual.transformer.tokenizer.GPT2Tokenizer;
import dev.residual.transformer.tokenizer.Tokenizer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * nanoGPT's {@code prepare.py}: tokenizes a text file and writes {@code train.bin} (the first 90%
 * of the tokens) and {@code val.bin} (the last 10%) as uint16, plus {@code meta.json} describing
 * the tokenizer ({@link CharTokenizer#save}'s format for characters, {@code {"type": "gpt2",
 * "vocab_size": 50257}} for GPT-2 BPE).
 */
public final class DataPrep {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Fraction of the tokens that go to {@code train.bin}. */
  public static final double TRAIN_FRACTION = 0.9;

  private DataPrep() {}

  /** The tokenizers {@link #prepare} can use. */
  public enum TokenizerKind {
    /** One token per distinct character of the input. */
    CHAR,
    /** GPT-2's byte-level BPE (50257 tokens). */
    GPT2
  }

  /**
   * What {@link #prepare} wrote.
   *
   * @param vocabSize the tokenizer's vocabulary size
   * @param trainTokens tokens in {@code train.bin}
   * @param valTokens tokens in {@code val.bin}
   */
  public record Summary(int vocabSize, long trainTokens, long valTokens) {}

  /**
   * Tokenizes {@code input} and writes {@code train.bin}, {@code val.bin} and {@code meta.json}
   * into {@code outDir} (created if needed).
   *
   * @throws IOException if the input cannot be read or an output cannot be written
   * @throws IllegalArgumentException if the input is empty
   */
  public static Summary prepare(Path input, TokenizerKind kind, Path outDir) throws IOException {
    String text = Files.readString(input, StandardCharsets.UTF_8);
    if (text.isEmpty()) {
      throw new IllegalArgumentException("DataPrep.prepare: input " + input + " is empty");
    }
    Files.createDirectories(outDir);
    Tokenizer tok;
    if (kind == TokenizerKind.CHAR) {
      CharTokenizer ct = CharTokenizer.fit(text);
      ct.save(outDir.resolve("meta.json"));
      tok = ct;
    } else {
      tok = GPT2Tokenizer.standard();
      Map<String, Object> meta = new LinkedHashMap<>();
      meta.put("type", "gpt2");
      meta.put("vocab_size", tok.vocabSize());
      JSON.writerWithDefaultPrettyPrinter().writeValue(outDir.resolve("meta.json").toFile(), meta);
    }
    int[] tokens = tok.encode(text);
    TokenDataset.prepare(outDir, tokens, TRAIN_FRACTION);
    long train = (long) (tokens.length * TRAIN_FRACTION);
    return new Summary(tok.vocabSize(), train, tokens.length - train);
  }

  /**
   * The vocabulary size recorded in {@code dataDir/meta.json}, or {@code fallback} when there is no
   * such file.
   *
   * @throws IOException if the file exists but cannot be read
   * @throws IllegalArgumentException if it holds neither {@code vocab} nor {@code vocab_size}
   */
  public static int vocabSize(Path dataDir, int fallback) throws IOException {
    Path meta = dataDir.resolve("meta.json");
    if (!Files.exists(meta)) {
      return fallback;
    }
    JsonNode root = JSON.readTree(meta.toFile());
    if (root.has("vocab_size")) {
      return root.get("vocab_size").asInt();
    }
    if (root.has("vocab") && root.get("vocab").isArray()) {
      return root.get("vocab").size();
    }
    throw new IllegalArgumentException(
        "DataPrep.vocabSize: " + meta + " has neither 'vocab' nor 'vocab_size'");
  }

  /**
   * The tokenizer a {@code meta.json} written by {@link #prepare} describes: the saved character
   * vocabulary, or GPT-2's BPE for {@code "type": "gpt2"}.
   *
   * @throws IOException if the file cannot be read
   * @throws IllegalArgumentException if it describes neither
   */
  public static Tokenizer tokenizer(Path metaJson) throws IOException {
    JsonNode root = JSON.readTree(metaJson.toFile());
    if (root.has("type") && "gpt2".equals(root.get("type").asText())) {
      return GPT2Tokenizer.standard();
    }
    if (root.has("vocab")) {
      return CharTokenizer.load(metaJson);
    }
    throw new IllegalArgumentException(
        "DataPrep.tokenizer: " + metaJson + " describes neither a character vocabulary nor gpt2");
  }
}
