package dev.residual.transformer.tokenizer;

/**
 * Maps text to token ids and back. Implementations are immutable after construction and safe to
 * share between threads.
 */
public interface Tokenizer {

  /**
   * Encodes {@code text} as token ids. Special-token text (such as {@code <|endoftext|>}) is
   * treated as ordinary text; see the implementation for ways to recognise it.
   *
   * @param text the text to encode
   * @return the token ids, each in {@code [0, vocabSize())}
   * @throws IllegalArgumentException if the text cannot be represented by this tokenizer
   */
  int[] encode(String text);

  /**
   * Decodes token ids back into text.
   *
   * @param tokens token ids, each in {@code [0, vocabSize())}
   * @return the decoded text
   * @throws IllegalArgumentException if an id is out of range
   */
  String decode(int[] tokens);

  /**
   * Returns the number of token ids, i.e. one past the largest id {@link #encode} can produce.
   *
   * @return the vocabulary size
   */
  int vocabSize();

  /**
   * Returns the end-of-text token id, or {@code -1} when the vocabulary has none.
   *
   * @return the end-of-text id or {@code -1}
   */
  int eotToken();
}
