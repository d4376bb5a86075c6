package dev.residual.examples.walkthrough;

import dev.residual.transformer.tokenizer.CharTokenizer;
import dev.residual.transformer.tokenizer.GPT2Tokenizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Walkthrough, part 1: text to token ids, with the character tokenizer the baby model uses and
 * GPT-2's byte-level BPE. Needs no model and no files; prints what the docs quote.
 */
public final class Tokens {
  private Tokens() {}

  /** Prints the tokenizations quoted in the walkthrough. */
  public static void main(String[] args) {
    // region char
    CharTokenizer chars = CharTokenizer.fit(BabyModel.SAMPLE);
    int[] ids = chars.encode("ROMEO:");
    System.out.println(chars.vocabSize() + " characters; \"ROMEO:\" -> " + Arrays.toString(ids));
    System.out.println("decoded back: " + chars.decode(ids));
    // endregion

    // region bpe
    GPT2Tokenizer bpe = GPT2Tokenizer.standard(); // GPT-2's 50,257 tokens, no files needed
    for (String text :
        List.of(
            "Hello world!",
            "To be, or not to be",
            " unbelievable",
            "unbelievable",
            "Residual's tokenizer",
            "1234567")) {
      int[] tokens = bpe.encode(text);
      List<String> pieces = new ArrayList<>();
      for (int t : tokens) {
        pieces.add(bpe.tokenString(t)); // the token's text; Ġ stands for a leading space
      }
      System.out.printf("%-22s -> %s %s%n", '"' + text + '"', Arrays.toString(tokens), pieces);
    }
    // endregion

    // region special
    int[] withEot = bpe.encodeWithSpecial("The end.<|endoftext|>");
    System.out.println(Arrays.toString(withEot) + ", eot = " + bpe.eotToken());
    // endregion
  }
}
