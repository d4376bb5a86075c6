package dev.residual.data;

import dev.residual.tensor.DType;
import dev.residual.tensor.Generator;
import dev.residual.tensor.Tensor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A stream of token ids in a nanoGPT-style {@code train.bin}/{@code val.bin} file (unsigned 16-bit
 * little-endian ids, no header), memory-mapped read-only so that a multi-gigabyte corpus is neither
 * read into the heap nor limited to 2 GiB.
 *
 * <p>{@link #batch} samples input/target blocks exactly as nanoGPT's {@code get_batch}: for each
 * row a start {@code i} uniform in {@code [0, n - T - 1]}, input {@code data[i : i + T]} and target
 * {@code data[i + 1 : i + T + 1]}.
 *
 * <p>Not thread-safe for concurrent {@link #batch} calls sharing one {@link Generator}; the mapped
 * data itself is read-only and may be shared.
 */
public final class TokenDataset {
  /** Mapping window: even, so no 2-byte token straddles two windows. */
  private static final long DEFAULT_CHUNK_BYTES = 1L << 30;

  private final Path path;
  private final long numTokens;
  private final long chunkBytes;
  private final List<ByteBuffer> chunks;

  private TokenDataset(Path path, long numTokens, long chunkBytes, List<ByteBuffer> chunks) {
    this.path = path;
    this.numTokens = numTokens;
    this.chunkBytes = chunkBytes;
    this.chunks = chunks;
  }

  /** An input block {@code x} and its target block {@code y}, both INT64 {@code [batch, block]}. */
  public record Batch(Tensor x, Tensor y) {}

  /**
   * Maps {@code path}.
   *
   * @throws IOException naming the file if it is missing, unreadable, empty or of odd byte length
   */
  public static TokenDataset open(Path path) throws IOException {
    return open(path, DEFAULT_CHUNK_BYTES);
  }

  /**
   * Maps {@code path} and checks that it holds at least one block of {@code blockSize} inputs plus
   * its shifted target ({@code blockSize + 1} tokens).
   *
   * @throws IOException naming the file if it is missing, unreadable, of odd byte length or too
   *     short for one block
   * @throws IllegalArgumentException if {@code blockSize < 1}
   */
  public static TokenDataset open(Path path, int blockSize) throws IOException {
    requireBlockSize(blockSize);
    TokenDataset ds = open(path);
    if (ds.numTokens < (long) blockSize + 1) {
      throw new IOException(
          "token file "
              + path
              + " holds "
              + ds.numTokens
              + " tokens, too short for one block of "
              + blockSize
              + " (needs "
              + (blockSize + 1L)
              + ")");
    }
    return ds;
  }

  /** Maps {@code path} in windows of {@code chunkBytes} (even) bytes; package-private for tests. */
  static TokenDataset open(Path path, long chunkBytes) throws IOException {
    if (chunkBytes <= 0 || chunkBytes % 2 != 0 || chunkBytes > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("TokenDataset: bad chunk size " + chunkBytes);
    }
    if (!Files.exists(path)) {
      throw new NoSuchFileException(path.toString(), null, "token file not found");
    }
    try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
      long bytes = ch.size();
      if (bytes % 2 != 0) {
        throw new IOException(
            "token file "
                + path
                + " has an odd length ("
                + bytes
                + " bytes); expected uint16 token ids, 2 bytes each");
      }
      if (bytes < 4) {
        throw new IOException(
            "token file "
                + path
                + " holds "
                + bytes / 2
                + " tokens, too short for one block (needs at least 2)");
      }
      List<ByteBuffer> chunks = new ArrayList<>();
      for (long pos = 0; pos < bytes; pos += chunkBytes) {
        long len = Math.min(chunkBytes, bytes - pos);
        MappedByteBuffer m = ch.map(FileChannel.MapMode.READ_ONLY, pos, len);
        chunks.add(m.order(ByteOrder.LITTLE_ENDIAN));
      }
      return new TokenDataset(path, bytes / 2, chunkBytes, List.copyOf(chunks));
    }
  }

  /** The file mapped. */
  public Path path() {
    return path;
  }

  /** The number of tokens in the file. */
  public long numTokens() {
    return numTokens;
  }

  /**
   * The token id at {@code index}, in {@code [0, 65535]}.
   *
   * @throws IndexOutOfBoundsException if {@code index} is not in {@code [0, numTokens())}
   */
  public int token(long index) {
    if (index < 0 || index >= numTokens) {
      throw new IndexOutOfBoundsException(
          "TokenDataset.token: index "
              + index
              + " out of range for "
              + numTokens
              + " tokens in "
              + path);
    }
    return read(index);
  }

  private int read(long index) {
    long off = index * 2;
    ByteBuffer chunk = chunks.get((int) (off / chunkBytes));
    return Short.toUnsignedInt(chunk.getShort((int) (off % chunkBytes)));
  }

  /**
   * Samples {@code batchSize} blocks: row {@code b} starts at {@code i_b = g.nextLong(n -
   * blockSize)} (uniform in {@code [0, n - blockSize - 1]}, as nanoGPT's {@code
   * torch.randint(len(data) - block_size)}), with {@code x[b] = data[i_b : i_b + blockSize]} and
   * {@code y[b] = data[i_b + 1 : i_b + blockSize + 1]}. Starts are drawn in row order, so the same
   * generator state gives the same batch.
   *
   * @return INT64 tensors {@code x} and {@code y}, each {@code [batchSize, blockSize]}
   * @throws IllegalArgumentException if {@code batchSize < 1}, {@code blockSize < 1}, or the file
   *     holds fewer than {@code blockSize + 1} tokens (the file is named)
   */
  public Batch batch(int batchSize, int blockSize, Generator g) {
    if (batchSize < 1) {
      throw new IllegalArgumentException(
          "TokenDataset.batch: batchSize must be at least 1, got " + batchSize);
    }
    requireBlockSize(blockSize);
    if (numTokens < (long) blockSize + 1) {
      throw new IllegalArgumentException(
          "TokenDataset.batch: "
              + path
              + " holds "
              + numTokens
              + " tokens, too short for one block of "
              + blockSize
              + " (needs "
              + (blockSize + 1L)
              + ")");
    }
    long total = (long) batchSize * blockSize;
    if (total > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(
          "TokenDataset.batch: [" + batchSize + ", " + blockSize + "] has too many elements");
    }
    long[] xs = new long[(int) total];
    long[] ys = new long[(int) total];
    long span = numTokens - blockSize;
    for (int b = 0; b < batchSize; b++) {
      long start = g.nextLong(span);
      int row = b * blockSize;
      // x and y overlap in all but one token, so each token is read once.
      int prev = read(start);
      for (int t = 0; t < blockSize; t++) {
        int nextTok = read(start + t + 1);
        xs[row + t] = prev;
        ys[row + t] = nextTok;
        prev = nextTok;
      }
    }
    Tensor x = Tensor.empty(DType.INT64, batchSize, blockSize);
    Tensor y = Tensor.empty(DType.INT64, batchSize, blockSize);
    x.storage().l.put(0, xs);
    y.storage().l.put(0, ys);
    return new Batch(x, y);
  }

  private static void requireBlockSize(int blockSize) {
    if (blockSize < 1) {
      throw new IllegalArgumentException(
          "TokenDataset: blockSize must be at least 1, got " + blockSize);
    }
  }

  /**
   * Writes {@code tokens} to {@code path} as uint16 little-endian ids (nanoGPT's {@code .bin}
   * format), replacing any existing file.
   *
   * @throws IllegalArgumentException if a token is not in {@code [0, 65535]} (before anything is
   *     written)
   * @throws IOException if the file cannot be written
   */
  public static void write(Path path, int[] tokens) throws IOException {
    checkTokens(tokens);
    writeChecked(path, tokens);
  }

  private static void checkTokens(int[] tokens) {
    for (int k = 0; k < tokens.length; k++) {
      if (tokens[k] < 0 || tokens[k] > 0xFFFF) {
        throw new IllegalArgumentException(
            "TokenDataset.write: token "
                + tokens[k]
                + " at position "
                + k
                + " does not fit in uint16 [0, 65535]");
      }
    }
  }

  private static void writeChecked(Path path, int[] tokens) throws IOException {
    ByteBuffer buf = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
    try (FileChannel ch =
        FileChannel.open(
            path,
            StandardOpenOption.WRITE,
            StandardOpenOption.CREATE,
            StandardOpenOption.TRUNCATE_EXISTING)) {
      for (int token : tokens) {
        if (!buf.hasRemaining()) {
          flush(ch, buf);
        }
        buf.putShort((short) token);
      }
      flush(ch, buf);
    }
  }

  private static void flush(FileChannel ch, ByteBuffer buf) throws IOException {
    buf.flip();
    while (buf.hasRemaining()) {
      ch.write(buf);
    }
    buf.clear();
  }

  /**
   * Splits {@code tokens} as nanoGPT's {@code prepare.py} does, the first {@code trainFraction}
   * into {@code dir/train.bin} and the rest into {@code dir/val.bin}, creating {@code dir} if
   * needed.
   *
   * @throws IllegalArgumentException if {@code trainFraction} is not in {@code (0, 1)} or a token
   *     does not fit in uint16
   * @throws IOException if a file cannot be written
   */
  public static void prepare(Path dir, int[] tokens, double trainFraction) throws IOException {
    if (!(trainFraction > 0 && trainFraction < 1)) {
      throw new IllegalArgumentException(
          "TokenDataset.prepare: trainFraction must be in (0, 1), got " + trainFraction);
    }
    checkTokens(tokens);
    int cut = (int) (tokens.length * trainFraction);
    Files.createDirectories(dir);
    writeChecked(dir.resolve("train.bin"), Arrays.copyOfRange(tokens, 0, cut));
    writeChecked(dir.resolve("val.bin"), Arrays.copyOfRange(tokens, cut, tokens.length));
  }
}
