package dev.residual.transformer.generate;

import java.util.Arrays;
import java.util.List;

/**
 * The growing token sequences of a generation and their {@link KVCache}: append one token per row,
 * read the next logits. This is the loop {@link Generation} runs; use it directly for custom
 * decoding (scoring continuations, RL rollouts, interpretability probes).
 *
 * <pre>{@code
 * DecodeContext ctx = new DecodeContext(new Decoder(model), List.of(prompt));
 * for (int i = 0; i < 20; i++) {
 *   int next = LogitsProcessing.argmax(ctx.logits(0));
 *   ctx.append(new int[] {next});
 * }
 * }</pre>
 *
 * <p>Prompts of different lengths are left-padded and masked, with positions counted from each
 * row's first token. Once a row's context passes the model's block size, every step re-encodes the
 * last {@code blockSize} columns (learned positions make cached keys position-dependent), so logits
 * always equal a full forward over the last {@code blockSize} tokens.
 */
public final class DecodeContext {
  private final Decoder decoder;
  private final int block;
  private final int vocab;
  private int rows;
  private int[][] seq;
  private int[] len;
  private int[] pad; // padding columns before each row's first token
  private int columns; // context width in columns, padding included
  private KVCache cache;
  private float[] logits;

  /**
   * Encodes {@code prompts} (one row each).
   *
   * @throws IllegalArgumentException if there are no prompts, one is empty or holds a token outside
   *     the vocabulary
   */
  public DecodeContext(Decoder decoder, List<int[]> prompts) {
    if (prompts.isEmpty()) {
      throw new IllegalArgumentException("DecodeContext: no prompts");
    }
    this.decoder = decoder;
    this.block = decoder.model().config().blockSize();
    this.vocab = decoder.model().config().vocabSize();
    this.rows = prompts.size();
    this.seq = new int[rows][];
    this.len = new int[rows];
    this.pad = new int[rows];
    int width = 0;
    for (int r = 0; r < rows; r++) {
      int[] p = prompts.get(r);
      if (p.length == 0) {
        throw new IllegalArgumentException("DecodeContext: prompt " + r + " is empty");
      }
      seq[r] = Arrays.copyOf(p, Math.max(16, 2 * p.length));
      len[r] = p.length;
      width = Math.max(width, p.length);
    }
    for (int r = 0; r < rows; r++) {
      pad[r] = width - len[r];
    }
    this.columns = width;
    encode();
  }

  /** Number of rows. */
  public int rows() {
    return rows;
  }

  /** Tokens of row {@code r} so far (its prompt included, no padding). */
  public int[] tokens(int r) {
    return Arrays.copyOf(seq[r], len[r]);
  }

  /** Row {@code r}'s token buffer, valid up to {@link #length(int)} (no copy; do not modify). */
  int[] buffer(int r) {
    return seq[r];
  }

  /** Number of tokens in row {@code r}. */
  public int length(int r) {
    return len[r];
  }

  /** The key/value cache (read-only use: its size, its memory). */
  public KVCache cache() {
    return cache;
  }

  /** Next-token logits of row {@code r}, {@code [vocab]} (a copy). */
  public float[] logits(int r) {
    return Arrays.copyOfRange(logits, r * vocab, (r + 1) * vocab);
  }

  /** Next-token logits of every row, {@code [rows, vocab]} flattened (no copy; do not modify). */
  float[] allLogits() {
    return logits;
  }

  /**
   * Appends one token to every row and computes the next logits.
   *
   * @throws IllegalArgumentException if {@code next.length != rows()} or a token is outside the
   *     vocabulary
   */
  public void append(int[] next) {
    if (next.length != rows) {
      throw new IllegalArgumentException(
          "DecodeContext.append: " + next.length + " tokens for " + rows + " rows");
    }
    for (int r = 0; r < rows; r++) {
      if (next[r] < 0 || next[r] >= vocab) {
        throw new IllegalArgumentException(
            "DecodeContext.append: token id " + next[r] + " is out of range [0, " + vocab + ")");
      }
      if (len[r] == seq[r].length) {
        seq[r] = Arrays.copyOf(seq[r], 2 * seq[r].length);
      }
      seq[r][len[r]++] = next[r];
    }
    columns++;
    if (cache.length() + 1 > block) {
      encode();
    } else {
      logits = decoder.forward(next, 1, cache);
    }
  }

  /**
   * Reselects rows (beam search): new row {@code i} continues old row {@code rowsToKeep[i]}, with
   * its tokens, cache and logits.
   *
   * @throws IllegalArgumentException if {@code rowsToKeep} is empty or names a missing row
   */
  public void reorder(int[] rowsToKeep) {
    cache.reorder(rowsToKeep);
    int n = rowsToKeep.length;
    int[][] ns = new int[n][];
    int[] nl = new int[n];
    int[] np = new int[n];
    float[] nlog = new float[n * vocab];
    for (int i = 0; i < n; i++) {
      int r = rowsToKeep[i];
      ns[i] = seq[r].clone();
      nl[i] = len[r];
      np[i] = pad[r];
      System.arraycopy(logits, r * vocab, nlog, i * vocab, vocab);
    }
    seq = ns;
    len = nl;
    pad = np;
    logits = nlog;
    rows = n;
  }

  /** (Re-)encodes the last {@code blockSize} columns into a fresh cache. */
  private void encode() {
    int first = Math.max(0, columns - block);
    int t = columns - first;
    int[] tokens = new int[rows * t];
    int[] starts = new int[rows];
    for (int r = 0; r < rows; r++) {
      starts[r] = Math.max(0, pad[r] - first);
      for (int j = 0; j < t; j++) {
        int col = first + j;
        tokens[r * t + j] = col < pad[r] ? 0 : seq[r][col - pad[r]];
      }
    }
    if (cache == null || cache.batch() != rows) {
      cache = decoder.newCache(rows);
    } else {
      cache.reset();
    }
    cache.setStarts(starts);
    logits = decoder.forward(tokens, t, cache);
  }
}
