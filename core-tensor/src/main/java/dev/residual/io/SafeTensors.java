package dev.residual.io;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.residual.tensor.DType;
import dev.residual.tensor.Tensor;
import dev.residual.tensor.internal.Storage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.ShortBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Reads and writes the <a href="https://huggingface.co/docs/safetensors">safetensors</a> format: an
 * 8-byte little-endian header length {@code N}, {@code N} bytes of UTF-8 JSON mapping each tensor
 * name to {@code {"dtype", "shape", "data_offsets": [begin, end)}} (offsets relative to the data
 * section, which starts at byte {@code 8 + N}), an optional {@code "__metadata__"} object of string
 * to string, then the raw little-endian element bytes.
 *
 * <p><b>Types.</b> Reading accepts {@code F64, F32, F16, BF16, I64, I32, I16, I8, U8, BOOL}. Types
 * Residual has no tensor type for are widened without loss: {@code F16} and {@code BF16} become
 * {@link DType#FLOAT32} (every half and bfloat16 value, subnormals, infinities and NaN included, is
 * exactly representable as a float), {@code I16}, {@code I8} and {@code U8} become {@link
 * DType#INT32} (so a {@code U8} byte 255 reads as 255, not -1). Writing stores {@code FLOAT64,
 * FLOAT32, INT64, INT32, BOOL} as {@code F64, F32, I64, I32, BOOL}.
 *
 * <p><b>Order.</b> {@link #read} returns the tensors ordered by their position in the data section
 * (ties between empty tensors keep the header's order). {@link #write} lays the data out in the
 * map's iteration order and writes the header in that same order, so a written file reads back in
 * the order it was given.
 *
 * <p><b>Memory.</b> The file is memory-mapped read-only and each tensor's bytes are copied from the
 * mapping straight into the tensor's off-heap memory (widening conversions go through a small
 * fixed-size staging array); the file is never read into the Java heap as a whole. Files larger
 * than 2 GiB are mapped in windows. Writing sends each tensor's off-heap memory to the file channel
 * directly.
 *
 * <p><b>Validation.</b> A file is rejected with an {@link IOException} that names it and says why
 * when: it is shorter than 8 bytes; the header length exceeds the file or {@value
 * #MAX_HEADER_BYTES} bytes; the header is not valid UTF-8 JSON, not a JSON object, or has duplicate
 * keys or trailing content; {@code __metadata__} is not an object of strings; an entry is not an
 * object, lacks {@code dtype}, {@code shape} or {@code data_offsets}, or has an unknown or
 * unsupported dtype; a shape is not an array of non-negative integers or has more than {@code 2^31
 * - 1} elements; offsets are not two non-negative integers with {@code begin <= end}, or their byte
 * count differs from the shape's element count times the dtype size, or they point past the end of
 * the file; two tensors overlap; or the tensors do not cover the data section contiguously (a gap
 * between tensors, data before the first one, or bytes after the last one), which is what the
 * reference implementation requires. Unknown fields inside an entry are ignored. All checks run
 * before any tensor memory is allocated, so a hostile file costs at most its (bounded) header in
 * heap and never causes an {@link OutOfMemoryError} or a hang.
 *
 * <p>The file must not be truncated by another process while it is being read (a mapped read past
 * the new end of a file is a JVM error, not an exception).
 *
 * <p>Tensors returned by {@link #read} are ordinary allocations: if read inside a {@link
 * dev.residual.tensor.MemoryScope}, they are released with it unless kept.
 */
public final class SafeTensors {
  /** The largest header accepted, in bytes (the reference implementation uses the same bound). */
  public static final long MAX_HEADER_BYTES = 100_000_000L;

  private static final String METADATA_KEY = "__metadata__";

  /** Mapping window for large files: tensors are copied from windows of at most this size. */
  private static final long WINDOW_BYTES = 1L << 30;

  /** Elements converted per pass through the heap staging arrays when widening. */
  private static final int STAGE = 1 << 14;

  private static final ObjectMapper JSON =
      new ObjectMapper()
          .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY);

  private SafeTensors() {}

  /**
   * The contents of a safetensors file.
   *
   * @param tensors name to tensor, in data-section order (unmodifiable)
   * @param metadata the {@code __metadata__} map, empty if the file has none (unmodifiable)
   */
  public record Contents(Map<String, Tensor> tensors, Map<String, String> metadata) {
    /** Copies both maps into unmodifiable maps that keep their iteration order. */
    public Contents {
      tensors = Collections.unmodifiableMap(new LinkedHashMap<>(tensors));
      metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
    }

    /**
     * The tensor called {@code name}.
     *
     * @throws IllegalArgumentException if there is none, listing the names there are
     */
    public Tensor tensor(String name) {
      Tensor t = tensors.get(name);
      if (t == null) {
        throw new IllegalArgumentException(
            "safetensors: no tensor named '" + name + "' (tensors: " + tensors.keySet() + ")");
      }
      return t;
    }
  }

  /** The dtypes of the format that Residual reads, with their element size and Residual type. */
  private enum FileType {
    F64(8, DType.FLOAT64),
    F32(4, DType.FLOAT32),
    F16(2, DType.FLOAT32),
    BF16(2, DType.FLOAT32),
    I64(8, DType.INT64),
    I32(4, DType.INT32),
    I16(2, DType.INT32),
    I8(1, DType.INT32),
    U8(1, DType.INT32),
    BOOL(1, DType.BOOL);

    final int size;
    final DType target;

    FileType(int size, DType target) {
      this.size = size;
      this.target = target;
    }

    static FileType of(DType t) {
      return switch (t) {
        case FLOAT64 -> F64;
        case FLOAT32 -> F32;
        case INT64 -> I64;
        case INT32 -> I32;
        case BOOL -> BOOL;
      };
    }
  }

  /** Types defined by the format that Residual cannot represent (named in the error message). */
  private static final List<String> UNSUPPORTED_TYPES =
      List.of(
          "U16", "U32", "U64", "F8_E4M3", "F8_E5M2", "F8_E8M0", "F6_E2M3", "F6_E3M2", "F4", "C64");

  /** One validated header entry. */
  private record Entry(
      String name, FileType type, long[] shape, long numel, long begin, long end) {}

  // ------------------------------------------------------------------------------------ reading

  /**
   * Reads every tensor and the metadata of a safetensors file.
   *
   * @param path the file
   * @return the tensors in data-section order and the {@code __metadata__} map (empty if absent)
   * @throws IOException if the file cannot be read or is malformed (the message names the file and
   *     the defect; see the class documentation for what is checked)
   */
  public static Contents read(Path path) throws IOException {
    return read(path, WINDOW_BYTES);
  }

  /** {@link #read(Path)} with a given mapping window (tests use tiny windows). */
  static Contents read(Path path, long windowBytes) throws IOException {
    Objects.requireNonNull(path, "path");
    try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
      long fileSize = ch.size();
      if (fileSize < 8) {
        throw bad(path, "file is " + fileSize + " bytes, too short for the 8-byte header length");
      }
      ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
      readFully(ch, lenBuf, 0, path);
      long headerLen = lenBuf.getLong(0);
      if (headerLen < 0 || headerLen > MAX_HEADER_BYTES) {
        throw bad(
            path,
            "header length "
                + Long.toUnsignedString(headerLen)
                + " exceeds the limit of "
                + MAX_HEADER_BYTES
                + " bytes");
      }
      if (headerLen > fileSize - 8) {
        throw bad(
            path,
            "header length "
                + headerLen
                + " is larger than the file allows ("
                + (fileSize - 8)
                + " bytes after the length field)");
      }
      ByteBuffer header = ByteBuffer.allocate((int) headerLen);
      readFully(ch, header, 8, path);
      long dataStart = 8 + headerLen;
      long dataSize = fileSize - dataStart;

      Map<String, String> metadata = new LinkedHashMap<>();
      List<Entry> entries = parseHeader(path, header.array(), dataSize, metadata);
      checkCoverage(path, entries, dataSize);

      Map<String, Tensor> tensors = new LinkedHashMap<>();
      Window window = new Window(ch, fileSize, windowBytes);
      for (Entry e : entries) {
        Tensor t = Tensor.empty(e.type.target, e.shape);
        copyIn(window, dataStart + e.begin, e, t.storage());
        tensors.put(e.name, t);
      }
      return new Contents(tensors, metadata);
    }
  }

  private static void readFully(FileChannel ch, ByteBuffer dst, long pos, Path path)
      throws IOException {
    while (dst.hasRemaining()) {
      int n = ch.read(dst, pos);
      if (n < 0) {
        throw bad(path, "file ended while reading its header");
      }
      pos += n;
    }
  }

  private static List<Entry> parseHeader(
      Path path, byte[] bytes, long dataSize, Map<String, String> metadata) throws IOException {
    String text;
    try {
      // Decoded strictly here: Jackson would otherwise guess UTF-16/32 or substitute bad bytes.
      text =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(bytes))
              .toString();
    } catch (CharacterCodingException e) {
      throw bad(path, "header is not valid UTF-8");
    }
    JsonNode root;
    try {
      root = JSON.readTree(text);
    } catch (JsonProcessingException e) {
      throw bad(path, "header is not valid JSON: " + e.getOriginalMessage());
    }
    if (root == null || root.isMissingNode()) {
      throw bad(path, "header is empty (expected a JSON object)");
    }
    if (!root.isObject()) {
      throw bad(path, "header is a JSON " + root.getNodeType() + ", expected an object");
    }
    List<Entry> entries = new ArrayList<>();
    for (Map.Entry<String, JsonNode> field : root.properties()) {
      String name = field.getKey();
      JsonNode node = field.getValue();
      if (name.equals(METADATA_KEY)) {
        readMetadata(path, node, metadata);
      } else {
        entries.add(parseEntry(path, name, node, dataSize));
      }
    }
    return entries;
  }

  private static void readMetadata(Path path, JsonNode node, Map<String, String> out)
      throws IOException {
    if (!node.isObject()) {
      throw bad(path, "__metadata__ is a JSON " + node.getNodeType() + ", expected an object");
    }
    for (Map.Entry<String, JsonNode> f : node.properties()) {
      if (!f.getValue().isTextual()) {
        throw bad(
            path,
            "__metadata__ value of '"
                + f.getKey()
                + "' is a JSON "
                + f.getValue().getNodeType()
                + ", expected a string");
      }
      out.put(f.getKey(), f.getValue().textValue());
    }
  }

  private static Entry parseEntry(Path path, String name, JsonNode node, long dataSize)
      throws IOException {
    String what = "tensor '" + name + "'";
    if (!node.isObject()) {
      throw bad(path, what + " is a JSON " + node.getNodeType() + ", expected an object");
    }
    JsonNode dtypeNode = node.get("dtype");
    if (dtypeNode == null) {
      throw bad(path, what + " has no dtype");
    }
    if (!dtypeNode.isTextual()) {
      throw bad(path, what + " has a dtype that is not a string: " + dtypeNode);
    }
    FileType type = fileType(path, what, dtypeNode.textValue());

    JsonNode shapeNode = node.get("shape");
    if (shapeNode == null) {
      throw bad(path, what + " has no shape");
    }
    if (!shapeNode.isArray()) {
      throw bad(path, what + " has a shape that is not an array: " + shapeNode);
    }
    long[] shape = new long[shapeNode.size()];
    long nonZeroProduct = 1;
    boolean anyZero = false;
    for (int k = 0; k < shape.length; k++) {
      shape[k] = nonNegativeInt(path, what, "shape", shapeNode, shapeNode.get(k));
      if (shape[k] == 0) {
        anyZero = true;
      } else {
        // Bound the product of the non-zero dims so that no shape can overflow later arithmetic.
        if (shape[k] > Integer.MAX_VALUE || nonZeroProduct > Integer.MAX_VALUE / shape[k]) {
          throw bad(
              path,
              what
                  + " has shape "
                  + shapeNode
                  + ", more than "
                  + Integer.MAX_VALUE
                  + " elements (the most a Residual tensor holds)");
        }
        nonZeroProduct *= shape[k];
      }
    }
    long numel = anyZero ? 0 : nonZeroProduct;

    JsonNode offNode = node.get("data_offsets");
    if (offNode == null) {
      throw bad(path, what + " has no data_offsets");
    }
    if (!offNode.isArray() || offNode.size() != 2) {
      throw bad(path, what + " has data_offsets " + offNode + ", expected [begin, end]");
    }
    long begin = nonNegativeInt(path, what, "data_offsets", offNode, offNode.get(0));
    long end = nonNegativeInt(path, what, "data_offsets", offNode, offNode.get(1));
    if (begin > end) {
      throw bad(path, what + " has data_offsets " + offNode + " with begin > end");
    }
    if (end > dataSize) {
      throw bad(
          path,
          what
              + " has data_offsets "
              + offNode
              + " out of range: the data section holds "
              + dataSize
              + " bytes");
    }
    long expected = numel * type.size;
    if (end - begin != expected) {
      throw bad(
          path,
          what
              + " has shape "
              + shapeNode
              + " and dtype "
              + type
              + " ("
              + expected
              + " bytes) but data_offsets "
              + offNode
              + " span "
              + (end - begin)
              + " bytes");
    }
    return new Entry(name, type, shape, numel, begin, end);
  }

  private static FileType fileType(Path path, String what, String name) throws IOException {
    for (FileType t : FileType.values()) {
      if (t.name().equals(name)) {
        return t;
      }
    }
    if (UNSUPPORTED_TYPES.contains(name)) {
      throw bad(
          path,
          what
              + " has dtype "
              + name
              + ", which Residual does not read (supported: "
              + Arrays.toString(FileType.values())
              + ")");
    }
    throw bad(
        path,
        what
            + " has unknown dtype '"
            + name
            + "' (supported: "
            + Arrays.toString(FileType.values())
            + ")");
  }

  private static long nonNegativeInt(
      Path path, String what, String field, JsonNode array, JsonNode v) throws IOException {
    if (v == null || !v.isIntegralNumber() || !v.canConvertToLong() || v.longValue() < 0) {
      throw bad(
          path, what + " has " + field + " " + array + ": entries must be non-negative integers");
    }
    return v.longValue();
  }

  /**
   * Requires the tensors to tile the data section exactly: sorted by offset, each starts where the
   * previous one ended, the first at 0 and the last ending at the end of the file. Sorts {@code
   * entries} into that order.
   */
  private static void checkCoverage(Path path, List<Entry> entries, long dataSize)
      throws IOException {
    // A stable sort: empty tensors sharing an offset keep their header order.
    entries.sort(Comparator.comparingLong(Entry::begin).thenComparingLong(Entry::end));
    long pos = 0;
    Entry prev = null;
    for (Entry e : entries) {
      if (e.begin < pos) {
        throw bad(
            path,
            "tensors '"
                + prev.name
                + "' ["
                + prev.begin
                + ", "
                + prev.end
                + ") and '"
                + e.name
                + "' ["
                + e.begin
                + ", "
                + e.end
                + ") overlap");
      }
      if (e.begin > pos) {
        throw bad(
            path,
            "bytes ["
                + pos
                + ", "
                + e.begin
                + ") of the data section belong to no tensor (gap before '"
                + e.name
                + "'); tensors must cover the data contiguously");
      }
      pos = e.end;
      prev = e;
    }
    if (pos != dataSize) {
      throw bad(
          path,
          "the data section holds "
              + dataSize
              + " bytes but the tensors cover only "
              + pos
              + " (trailing bytes belong to no tensor)");
    }
  }

  /** Read-only mappings of the file, remapped as the reader moves past the current one. */
  private static final class Window {
    private final FileChannel ch;
    private final long fileSize;
    private final long windowBytes;
    private MappedByteBuffer map;
    private long mapStart;
    private long mapEnd;

    Window(FileChannel ch, long fileSize, long windowBytes) {
      this.ch = ch;
      this.fileSize = fileSize;
      this.windowBytes = windowBytes;
    }

    /** A little-endian buffer over bytes {@code [pos, pos + len)} of the file. */
    ByteBuffer slice(long pos, int len) throws IOException {
      if (map == null || pos < mapStart || pos + len > mapEnd) {
        mapStart = pos;
        mapEnd = Math.min(fileSize, pos + Math.max(len, windowBytes));
        map = ch.map(FileChannel.MapMode.READ_ONLY, mapStart, mapEnd - mapStart);
      }
      int off = (int) (pos - mapStart);
      return map.duplicate().position(off).limit(off + len).slice().order(ByteOrder.LITTLE_ENDIAN);
    }
  }

  /** Copies (and widens) one tensor's elements from the file into {@code dst}. */
  private static void copyIn(Window window, long filePos, Entry e, Storage dst) throws IOException {
    int size = e.type.size;
    // Chunks of whole elements, each small enough for one mapping (tensors may exceed 2 GiB).
    long chunkElems = Math.max(1, window.windowBytes / size);
    for (long done = 0; done < e.numel; done += chunkElems) {
      int n = (int) Math.min(chunkElems, e.numel - done);
      ByteBuffer src = window.slice(filePos + done * size, n * size);
      convert(e.type, src, dst, (int) done, n);
    }
  }

  private static void convert(FileType type, ByteBuffer src, Storage dst, int at, int n) {
    switch (type) {
      case F64 -> dst.d.duplicate().position(at).put(src.asDoubleBuffer());
      case F32 -> dst.f.duplicate().position(at).put(src.asFloatBuffer());
      case I64 -> dst.l.duplicate().position(at).put(src.asLongBuffer());
      case I32 -> dst.i.duplicate().position(at).put(src.asIntBuffer());
      case BOOL -> {
        for (int k = 0; k < n; k++) {
          dst.b.put(at + k, (byte) (src.get(k) != 0 ? 1 : 0));
        }
      }
      case F16, BF16 -> {
        ShortBuffer s = src.asShortBuffer();
        short[] in = new short[Math.min(STAGE, n)];
        float[] out = new float[in.length];
        for (int k = 0; k < n; k += in.length) {
          int m = Math.min(in.length, n - k);
          s.get(k, in, 0, m);
          if (type == FileType.F16) {
            for (int j = 0; j < m; j++) {
              out[j] = halfToFloat(in[j]);
            }
          } else {
            for (int j = 0; j < m; j++) {
              out[j] = bfloat16ToFloat(in[j]);
            }
          }
          dst.f.put(at + k, out, 0, m);
        }
      }
      case I16 -> {
        ShortBuffer s = src.asShortBuffer();
        short[] in = new short[Math.min(STAGE, n)];
        int[] out = new int[in.length];
        for (int k = 0; k < n; k += in.length) {
          int m = Math.min(in.length, n - k);
          s.get(k, in, 0, m);
          for (int j = 0; j < m; j++) {
            out[j] = in[j];
          }
          dst.i.put(at + k, out, 0, m);
        }
      }
      case I8, U8 -> {
        byte[] in = new byte[Math.min(STAGE, n)];
        int[] out = new int[in.length];
        int mask = type == FileType.U8 ? 0xFF : -1;
        for (int k = 0; k < n; k += in.length) {
          int m = Math.min(in.length, n - k);
          src.get(k, in, 0, m);
          for (int j = 0; j < m; j++) {
            out[j] = in[j] & mask;
          }
          dst.i.put(at + k, out, 0, m);
        }
      }
    }
  }

  /**
   * The float equal to an IEEE 754 binary16 value (exact: every half value, subnormals, infinities
   * and NaN payloads included, is representable as a float).
   */
  static float halfToFloat(short h) {
    int bits = h & 0xFFFF;
    int sign = (bits & 0x8000) << 16;
    int exp = (bits >>> 10) & 0x1F;
    int mant = bits & 0x3FF;
    if (exp == 0x1F) {
      // Infinity (mant == 0) or NaN, keeping the payload in the high mantissa bits.
      return Float.intBitsToFloat(sign | 0x7F800000 | (mant << 13));
    }
    if (exp == 0) {
      // Zero or subnormal: mant * 2^-24, a normal float (or zero) computed exactly.
      float magnitude = mant * 0x1p-24f;
      return sign != 0 ? -magnitude : magnitude;
    }
    // Normal: rebias the exponent from 15 to 127.
    return Float.intBitsToFloat(sign | ((exp + 112) << 23) | (mant << 13));
  }

  /** The float equal to a bfloat16 value (its bits are a float's upper half). */
  static float bfloat16ToFloat(short b) {
    return Float.intBitsToFloat((b & 0xFFFF) << 16);
  }

  // ------------------------------------------------------------------------------------ writing

  /**
   * Writes tensors to a safetensors file without metadata; see {@link #write(Path, Map, Map)}.
   *
   * @throws IOException if the file cannot be written
   * @throws IllegalArgumentException as for {@link #write(Path, Map, Map)}
   */
  public static void write(Path path, Map<String, Tensor> tensors) throws IOException {
    write(path, tensors, Map.of());
  }

  /**
   * Writes tensors and metadata to a safetensors file that any safetensors reader accepts.
   *
   * <p>The header lists the tensors in the map's iteration order, and the data section holds their
   * little-endian bytes contiguously in that order; the header is padded with spaces so the data
   * starts at an 8-byte-aligned offset. {@code __metadata__} is written first when {@code metadata}
   * is non-empty. The file is written to a temporary file in the same directory, forced to disk and
   * then atomically renamed over {@code path}, so a crash never leaves a torn file.
   *
   * @param path the file to create or replace
   * @param tensors name to tensor (FLOAT64, FLOAT32, INT64, INT32 or BOOL)
   * @param metadata string metadata stored as {@code __metadata__} (may be empty)
   * @throws IOException if the file cannot be written (the temporary file is removed)
   * @throws IllegalArgumentException if a name is {@code "__metadata__"}, or a name, tensor,
   *     metadata key or value is null
   * @throws IllegalStateException if a tensor's memory was already released
   */
  public static void write(Path path, Map<String, Tensor> tensors, Map<String, String> metadata)
      throws IOException {
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(tensors, "tensors");
    Objects.requireNonNull(metadata, "metadata");
    byte[] header = buildHeader(tensors, metadata);

    Path abs = path.toAbsolutePath();
    Path dir = abs.getParent();
    // Not Files.createTempFile: it makes the file owner-only, and the result should get the
    // permissions any new file gets.
    Path tmp =
        dir.resolve("." + abs.getFileName() + "." + Long.toHexString(System.nanoTime()) + ".tmp");
    boolean moved = false;
    try {
      try (FileChannel ch =
          FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
        ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        len.putLong(0, header.length);
        writeFully(ch, len);
        writeFully(ch, ByteBuffer.wrap(header));
        for (Tensor t : tensors.values()) {
          writeData(ch, t.storage());
        }
        ch.force(true);
      }
      try {
        Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        throw new IOException(
            abs + ": the file system cannot rename atomically, refusing a non-atomic write", e);
      }
      moved = true;
      syncDirectory(dir);
    } finally {
      if (!moved) {
        Files.deleteIfExists(tmp);
      }
    }
  }

  /** The JSON header, padded with spaces so that {@code 8 + length} is a multiple of 8. */
  private static byte[] buildHeader(Map<String, Tensor> tensors, Map<String, String> metadata) {
    ObjectNode root = JSON.createObjectNode();
    if (!metadata.isEmpty()) {
      ObjectNode meta = root.putObject(METADATA_KEY);
      for (Map.Entry<String, String> m : metadata.entrySet()) {
        if (m.getKey() == null || m.getValue() == null) {
          throw new IllegalArgumentException(
              "safetensors write: metadata key and value must be non-null, got "
                  + m.getKey()
                  + " = "
                  + m.getValue());
        }
        meta.put(m.getKey(), m.getValue());
      }
    }
    long offset = 0;
    for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
      String name = e.getKey();
      Tensor t = e.getValue();
      if (name == null || t == null) {
        throw new IllegalArgumentException(
            "safetensors write: tensor names and tensors must be non-null, got "
                + name
                + " = "
                + (t == null ? "null" : "a tensor"));
      }
      if (name.equals(METADATA_KEY)) {
        throw new IllegalArgumentException(
            "safetensors write: '" + METADATA_KEY + "' is reserved and cannot name a tensor");
      }
      ObjectNode info = root.putObject(name);
      info.put("dtype", FileType.of(t.dtype()).name());
      ArrayNode shape = info.putArray("shape");
      for (long s : t.shape()) {
        shape.add(s);
      }
      long bytes = t.numel() * t.dtype().byteSize();
      info.putArray("data_offsets").add(offset).add(offset + bytes);
      offset += bytes;
    }
    byte[] json;
    try {
      json = JSON.writeValueAsBytes(root);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("safetensors write: cannot serialise the header", e);
    }
    int padded = (json.length + 7) & ~7;
    byte[] out = Arrays.copyOf(json, padded);
    Arrays.fill(out, json.length, padded, (byte) ' ');
    return out;
  }

  private static void writeData(FileChannel ch, Storage s) throws IOException {
    s.checkLive("safetensors write");
    long bytes = (long) s.length * s.dtype.byteSize();
    if (bytes == 0) {
      return;
    }
    ByteBuffer raw = s.raw.duplicate().position(0).limit((int) bytes);
    if (ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN || s.dtype.byteSize() == 1) {
      writeFully(ch, raw);
      return;
    }
    // Big-endian host: swap through a heap buffer, one bounded chunk at a time.
    int size = s.dtype.byteSize();
    ByteBuffer le = ByteBuffer.allocate(STAGE * size).order(ByteOrder.LITTLE_ENDIAN);
    for (int k = 0; k < s.length; k += STAGE) {
      int m = Math.min(STAGE, s.length - k);
      le.clear();
      for (int j = 0; j < m; j++) {
        switch (s.dtype) {
          case FLOAT64 -> le.putDouble(s.d.get(k + j));
          case FLOAT32 -> le.putFloat(s.f.get(k + j));
          case INT64 -> le.putLong(s.l.get(k + j));
          case INT32 -> le.putInt(s.i.get(k + j));
          case BOOL -> le.put(s.b.get(k + j));
        }
      }
      le.flip();
      writeFully(ch, le);
    }
  }

  private static void writeFully(FileChannel ch, ByteBuffer buf) throws IOException {
    while (buf.hasRemaining()) {
      ch.write(buf);
    }
  }

  /** Forces the rename to disk; file systems that cannot open a directory skip it. */
  private static void syncDirectory(Path dir) {
    try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
      d.force(true);
    } catch (IOException e) {
      // Some platforms (Windows) cannot open directories; the rename itself is still atomic.
    }
  }

  private static IOException bad(Path path, String why) {
    return new IOException(path + ": invalid safetensors file: " + why);
  }
}
