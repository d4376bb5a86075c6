package dev.residual.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.residual.tensor.DType;
import dev.residual.tensor.Tensor;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafeTensorsTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  // ------------------------------------------------------------------ reference fixture

  private Path fixture() throws IOException {
    Path p = dir.resolve("reference.safetensors");
    try (InputStream in = getClass().getResourceAsStream("reference.safetensors")) {
      Files.copy(in, p);
    }
    return p;
  }

  private JsonNode fixtureJson() throws IOException {
    try (InputStream in = getClass().getResourceAsStream("reference.safetensors.json")) {
      return JSON.readTree(in);
    }
  }

  @Test
  void referenceFileReadsExactlyTheValuesItsJsonStates() throws IOException {
    SafeTensors.Contents c = SafeTensors.read(fixture());
    JsonNode ref = fixtureJson();

    List<String> order = new ArrayList<>();
    ref.get("tensors_in_file_order").forEach(n -> order.add(n.textValue()));
    assertEquals(order, new ArrayList<>(c.tensors().keySet()));

    Map<String, String> meta = new LinkedHashMap<>();
    ref.get("metadata").properties().forEach(e -> meta.put(e.getKey(), e.getValue().textValue()));
    assertEquals(meta, c.metadata());

    Map<String, DType> widened =
        Map.of(
            "F32", DType.FLOAT32,
            "F64", DType.FLOAT64,
            "F16", DType.FLOAT32,
            "BF16", DType.FLOAT32,
            "I64", DType.INT64,
            "U8", DType.INT32,
            "BOOL", DType.BOOL);
    for (String name : order) {
      Tensor t = c.tensor(name);
      String fileType = ref.get("dtypes").get(name).textValue();
      assertEquals(widened.get(fileType), t.dtype(), name);

      List<Long> shape = new ArrayList<>();
      ref.get("shapes").get(name).forEach(n -> shape.add(n.longValue()));
      assertArrayEquals(shape.stream().mapToLong(Long::longValue).toArray(), t.shape(), name);

      List<JsonNode> values = new ArrayList<>();
      flatten(ref.get("values").get(name), values);
      assertEquals(values.size(), t.numel(), name);
      for (int k = 0; k < values.size(); k++) {
        JsonNode v = values.get(k);
        switch (t.dtype()) {
          case FLOAT32 -> assertEquals(v.doubleValue(), (double) t.storage().f.get(k), name);
          case FLOAT64 -> assertEquals(v.doubleValue(), t.storage().d.get(k), name);
          case INT32 -> assertEquals(v.longValue(), t.storage().i.get(k), name);
          case INT64 -> assertEquals(v.longValue(), t.storage().l.get(k), name);
          case BOOL -> assertEquals(v.booleanValue() ? 1 : 0, t.storage().b.get(k), name);
        }
      }
    }
    // Spot checks that do not depend on the JSON being read correctly.
    assertEquals(65504.0f, c.tensor("half_f16").storage().f.get(2));
    assertEquals(6.103515625e-05f, c.tensor("half_f16").storage().f.get(3));
    assertEquals(1099511627776L, c.tensor("ids_i64").storage().l.get(2));
    assertEquals(255, c.tensor("bytes_u8").storage().i.get(1));
    assertEquals(1e-300, c.tensor("bias_f64").storage().d.get(2));
    assertEquals(0, c.tensor("scalar_f32").dim());
  }

  private static void flatten(JsonNode n, List<JsonNode> out) {
    if (n.isArray()) {
      n.forEach(x -> flatten(x, out));
    } else {
      out.add(n);
    }
  }

  @Test
  void contentsTensorNamesTheAvailableTensorsWhenMissing() throws IOException {
    SafeTensors.Contents c = SafeTensors.read(fixture());
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> c.tensor("nope"));
    assertTrue(e.getMessage().contains("nope") && e.getMessage().contains("weight_f32"));
  }

  // ------------------------------------------------------------------ widening from bytes

  /** A file with one tensor whose data is {@code data}, built byte by byte. */
  private Path oneTensor(String dtype, String shape, byte[] data) throws IOException {
    String header =
        "{\"t\":{\"dtype\":\""
            + dtype
            + "\",\"shape\":"
            + shape
            + ",\"data_offsets\":[0,"
            + data.length
            + "]}}";
    return SafeTensorsFiles.file(dir.resolve(dtype + ".safetensors"), header, data);
  }

  private static byte[] le16(int... v) {
    ByteBuffer b = ByteBuffer.allocate(2 * v.length).order(ByteOrder.LITTLE_ENDIAN);
    for (int x : v) {
      b.putShort((short) x);
    }
    return b.array();
  }

  @Test
  void f16WidensSubnormalsInfinitiesAndNanExactly() throws IOException {
    byte[] data =
        le16(0x3C00, 0xC000, 0x7BFF, 0x0400, 0x0001, 0x03FF, 0x8000, 0x7C00, 0xFC00, 0x7E00);
    Tensor t = SafeTensors.read(oneTensor("F16", "[10]", data)).tensor("t");
    assertEquals(DType.FLOAT32, t.dtype());
    float[] v = t.toFloatArray();
    assertEquals(1.0f, v[0]);
    assertEquals(-2.0f, v[1]);
    assertEquals(65504.0f, v[2]);
    assertEquals(0x1p-14f, v[3]);
    assertEquals(0x1p-24f, v[4]);
    assertEquals(1023 * 0x1p-24f, v[5]);
    assertEquals(Float.floatToRawIntBits(-0.0f), Float.floatToRawIntBits(v[6]));
    assertEquals(Float.POSITIVE_INFINITY, v[7]);
    assertEquals(Float.NEGATIVE_INFINITY, v[8]);
    assertTrue(Float.isNaN(v[9]));
  }

  @Test
  void halfToFloatMatchesTheDefinitionForAllBitPatterns() {
    for (int bits = 0; bits < 0x10000; bits++) {
      int sign = bits >>> 15;
      int exp = (bits >>> 10) & 0x1F;
      int mant = bits & 0x3FF;
      float got = SafeTensors.halfToFloat((short) bits);
      if (exp == 0x1F) {
        assertTrue(mant == 0 ? Float.isInfinite(got) : Float.isNaN(got), "bits " + bits);
        if (mant == 0) {
          assertEquals(sign == 1, got < 0, "bits " + bits);
        }
        continue;
      }
      double magnitude =
          exp == 0 ? Math.scalb((double) mant, -24) : Math.scalb(1.0 + mant / 1024.0, exp - 15);
      double expected = sign == 1 ? -magnitude : magnitude;
      assertEquals(
          Double.doubleToRawLongBits(expected),
          Double.doubleToRawLongBits(got),
          "bits 0x" + Integer.toHexString(bits));
    }
  }

  @Test
  void wideningHandlesTensorsLargerThanOneStagingPass() throws IOException {
    int n = 40_000; // more than two passes through the 16384-element staging arrays
    int[] halves = new int[n];
    byte[] u8 = new byte[n];
    for (int k = 0; k < n; k++) {
      halves[k] = k % 0x7C00; // every finite non-negative half, cycling
      u8[k] = (byte) k;
    }
    float[] f =
        SafeTensors.read(oneTensor("F16", "[" + n + "]", le16(halves))).tensor("t").toFloatArray();
    long[] b = SafeTensors.read(oneTensor("U8", "[" + n + "]", u8)).tensor("t").toLongArray();
    for (int k = 0; k < n; k++) {
      assertEquals(SafeTensors.halfToFloat((short) halves[k]), f[k], "F16 element " + k);
      assertEquals(k & 0xFF, b[k], "U8 element " + k);
    }
  }

  @Test
  void bf16WidensByTakingTheUpperHalfOfAFloat() throws IOException {
    byte[] data = le16(0x3F80, 0xBC00, 0x4049, 0x7F80, 0x7FC0, 0x0001, 0x8000);
    float[] v = SafeTensors.read(oneTensor("BF16", "[7]", data)).tensor("t").toFloatArray();
    assertEquals(1.0f, v[0]);
    assertEquals(-0.0078125f, v[1]);
    assertEquals(3.140625f, v[2]);
    assertEquals(Float.POSITIVE_INFINITY, v[3]);
    assertTrue(Float.isNaN(v[4]));
    assertEquals(0x1p-133f, v[5]);
    assertEquals(Float.floatToRawIntBits(-0.0f), Float.floatToRawIntBits(v[6]));
  }

  @Test
  void smallIntegerTypesWidenToInt32KeepingSignedness() throws IOException {
    Tensor i8 =
        SafeTensors.read(oneTensor("I8", "[3]", new byte[] {(byte) 0xFF, 127, (byte) 0x80}))
            .tensor("t");
    assertEquals(DType.INT32, i8.dtype());
    assertArrayEquals(new long[] {-1, 127, -128}, i8.toLongArray());

    Tensor u8 =
        SafeTensors.read(oneTensor("U8", "[3]", new byte[] {(byte) 0xFF, 127, (byte) 0x80}))
            .tensor("t");
    assertEquals(DType.INT32, u8.dtype());
    assertArrayEquals(new long[] {255, 127, 128}, u8.toLongArray());

    Tensor i16 =
        SafeTensors.read(oneTensor("I16", "[3]", le16(0x8000, 0x7FFF, 0xFFFE))).tensor("t");
    assertEquals(DType.INT32, i16.dtype());
    assertArrayEquals(new long[] {-32768, 32767, -2}, i16.toLongArray());
  }

  @Test
  void int32AndBoolReadFromLittleEndianBytes() throws IOException {
    ByteBuffer b = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
    b.putInt(-5).putInt(0x01020304);
    Tensor i32 = SafeTensors.read(oneTensor("I32", "[2]", b.array())).tensor("t");
    assertEquals(DType.INT32, i32.dtype());
    assertArrayEquals(new long[] {-5, 0x01020304}, i32.toLongArray());

    // Any non-zero byte is true; the tensor holds the canonical 0/1.
    Tensor bool = SafeTensors.read(oneTensor("BOOL", "[3]", new byte[] {0, 1, 7})).tensor("t");
    assertEquals(DType.BOOL, bool.dtype());
    assertEquals(1, bool.storage().b.get(2));
    assertArrayEquals(new boolean[] {false, true, true}, bool.toBooleanArray());
  }

  @Test
  void tensorsComeBackInDataOrderEvenWhenTheHeaderListsThemOtherwise() throws IOException {
    // Header lists b before a, but a's bytes come first.
    String header =
        "{\"b\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[1,2]},"
            + "\"a\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[0,1]}}";
    Path p = SafeTensorsFiles.file(dir.resolve("order.safetensors"), header, new byte[] {10, 20});
    SafeTensors.Contents c = SafeTensors.read(p);
    assertEquals(List.of("a", "b"), new ArrayList<>(c.tensors().keySet()));
    assertEquals(10, c.tensor("a").storage().i.get(0));
    assertEquals(20, c.tensor("b").storage().i.get(0));
    assertTrue(c.metadata().isEmpty());
  }

  @Test
  void tinyMappingWindowsCopyTensorsInChunksAcrossWindows() throws IOException {
    Map<String, Tensor> in = new LinkedHashMap<>();
    float[] big = new float[1000];
    for (int k = 0; k < big.length; k++) {
      big[k] = k * 0.5f - 7;
    }
    in.put("small", Tensor.of(new double[] {1.5, -2.5, 3.25}));
    in.put("big", Tensor.of(big, 10, 100));
    in.put("ids", Tensor.of(new long[] {1, 2, 3, 4, 5}));
    Path p = dir.resolve("chunks.safetensors");
    SafeTensors.write(p, in);
    for (long window : new long[] {1, 8, 12, 100, 4096}) {
      SafeTensors.Contents c = SafeTensors.read(p, window);
      assertArrayEquals(big, c.tensor("big").toFloatArray(), "window " + window);
      assertArrayEquals(new double[] {1.5, -2.5, 3.25}, c.tensor("small").toDoubleArray());
      assertArrayEquals(new long[] {1, 2, 3, 4, 5}, c.tensor("ids").toLongArray());
    }
  }

  // ------------------------------------------------------------------ round trips

  private static Map<String, Tensor> everyDType() {
    Map<String, Tensor> m = new LinkedHashMap<>();
    m.put(
        "f32",
        Tensor.of(
            new float[] {1.5f, -0.0f, Float.NaN, Float.POSITIVE_INFINITY, Float.MIN_VALUE, 3e38f},
            2,
            3));
    m.put("f64", Tensor.of(new double[] {Math.PI, -1e-300, Double.MAX_VALUE, 0.1}, 2, 2));
    m.put("i32", Tensor.of(new int[] {Integer.MIN_VALUE, -1, 0, Integer.MAX_VALUE}, 4));
    m.put("i64", Tensor.of(new long[] {Long.MIN_VALUE, -1, 1L << 40, Long.MAX_VALUE}, 1, 4));
    m.put("bool", Tensor.of(new boolean[] {true, false, false, true, true}, 5));
    m.put("scalar", Tensor.scalar(2.75, DType.FLOAT64));
    m.put("empty", Tensor.zeros(DType.FLOAT32, 0));
    m.put("emptyMatrix", Tensor.zeros(DType.INT64, 2, 0, 3));
    m.put("single", Tensor.of(new int[] {-42}));
    return m;
  }

  private static void assertSameTensor(String name, Tensor expected, Tensor actual) {
    assertEquals(expected.dtype(), actual.dtype(), name);
    assertArrayEquals(expected.shape(), actual.shape(), name);
    int n = (int) expected.numel();
    for (int k = 0; k < n; k++) {
      switch (expected.dtype()) {
        case FLOAT32 ->
            assertEquals(
                Float.floatToRawIntBits(expected.storage().f.get(k)),
                Float.floatToRawIntBits(actual.storage().f.get(k)),
                name + "[" + k + "]");
        case FLOAT64 ->
            assertEquals(
                Double.doubleToRawLongBits(expected.storage().d.get(k)),
                Double.doubleToRawLongBits(actual.storage().d.get(k)),
                name + "[" + k + "]");
        case INT32 -> assertEquals(expected.storage().i.get(k), actual.storage().i.get(k), name);
        case INT64 -> assertEquals(expected.storage().l.get(k), actual.storage().l.get(k), name);
        case BOOL -> assertEquals(expected.storage().b.get(k), actual.storage().b.get(k), name);
      }
    }
  }

  @Test
  void writeThenReadGivesIdenticalTensorsForEveryDTypeIncludingScalarsAndEmpty()
      throws IOException {
    Map<String, Tensor> in = everyDType();
    Map<String, String> meta = new LinkedHashMap<>();
    meta.put("format", "pt");
    meta.put("step", "100");
    meta.put("unicode", "λ → ∞");
    Path p = dir.resolve("all.safetensors");
    SafeTensors.write(p, in, meta);

    SafeTensors.Contents c = SafeTensors.read(p);
    assertEquals(new ArrayList<>(in.keySet()), new ArrayList<>(c.tensors().keySet()));
    assertEquals(meta, c.metadata());
    for (Map.Entry<String, Tensor> e : in.entrySet()) {
      assertSameTensor(e.getKey(), e.getValue(), c.tensor(e.getKey()));
    }
    assertEquals(0, c.tensor("scalar").dim());
  }

  @Test
  void writeWithoutMetadataOmitsItAndReadsBackAnEmptyMap() throws IOException {
    Path p = dir.resolve("nometa.safetensors");
    SafeTensors.write(p, Map.of("x", Tensor.of(new float[] {1, 2})));
    String header = SafeTensorsFiles.headerOf(Files.readAllBytes(p));
    assertFalse(header.contains("__metadata__"));
    assertTrue(SafeTensors.read(p).metadata().isEmpty());
  }

  @Test
  void writeProducesAlignedLittleEndianHeaderAndContiguousDataInMapOrder() throws IOException {
    Map<String, Tensor> in = new LinkedHashMap<>();
    in.put("zeta", Tensor.of(new float[] {1.0f, -2.0f, 0.5f}, 3)); // 12 bytes
    in.put("alpha", Tensor.of(new boolean[] {true, false, true}, 3)); // 3 bytes
    in.put("mid", Tensor.of(new long[] {0x0102030405060708L}, 1)); // 8 bytes
    Path p = dir.resolve("layout.safetensors");
    SafeTensors.write(p, in, Map.of("k", "v"));
    byte[] bytes = Files.readAllBytes(p);

    ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    long n = b.getLong(0);
    // Explicit little-endian decoding of the length, independent of ByteBuffer.
    long manual = 0;
    for (int k = 7; k >= 0; k--) {
      manual = (manual << 8) | (bytes[k] & 0xFF);
    }
    assertEquals(manual, n);
    assertEquals(0, (8 + n) % 8, "data must start 8-byte aligned");
    assertEquals(8 + n + 12 + 3 + 8, bytes.length);

    String header = new String(bytes, 8, (int) n, StandardCharsets.UTF_8);
    assertTrue(header.startsWith("{"));
    assertEquals(header.strip(), header.substring(0, header.lastIndexOf('}') + 1));
    assertTrue(header.substring(header.lastIndexOf('}') + 1).chars().allMatch(ch -> ch == ' '));

    JsonNode json = JSON.readTree(header);
    List<String> keys = new ArrayList<>();
    json.fieldNames().forEachRemaining(keys::add);
    assertEquals(List.of("__metadata__", "zeta", "alpha", "mid"), keys);
    assertEquals("v", json.get("__metadata__").get("k").textValue());
    assertEquals("F32", json.get("zeta").get("dtype").textValue());
    assertEquals("BOOL", json.get("alpha").get("dtype").textValue());
    assertEquals("I64", json.get("mid").get("dtype").textValue());
    assertEquals("[3]", json.get("zeta").get("shape").toString());
    assertEquals("[0,12]", json.get("zeta").get("data_offsets").toString());
    assertEquals("[12,15]", json.get("alpha").get("data_offsets").toString());
    assertEquals("[15,23]", json.get("mid").get("data_offsets").toString());

    int data = (int) (8 + n);
    assertEquals(1.0f, b.getFloat(data));
    assertEquals(-2.0f, b.getFloat(data + 4));
    assertEquals(0.5f, b.getFloat(data + 8));
    assertArrayEquals(new byte[] {1, 0, 1}, Arrays.copyOfRange(bytes, data + 12, data + 15));
    assertArrayEquals(
        new byte[] {8, 7, 6, 5, 4, 3, 2, 1}, Arrays.copyOfRange(bytes, data + 15, data + 23));
  }

  @Test
  void writeReplacesAnExistingFileAndLeavesNoTemporaryFiles() throws IOException {
    Path p = dir.resolve("replace.safetensors");
    Files.write(p, new byte[] {1, 2, 3});
    SafeTensors.write(p, Map.of("x", Tensor.of(new int[] {7, 8})));
    assertArrayEquals(new long[] {7, 8}, SafeTensors.read(p).tensor("x").toLongArray());
    SafeTensors.write(p, Map.of("y", Tensor.of(new int[] {9})));
    SafeTensors.Contents c = SafeTensors.read(p);
    assertEquals(List.of("y"), new ArrayList<>(c.tensors().keySet()));
    try (Stream<Path> files = Files.list(dir)) {
      assertEquals(List.of(p), files.toList());
    }
  }

  @Test
  void writeOfNoTensorsGivesAFileThatReadsBackEmpty() throws IOException {
    Path p = dir.resolve("none.safetensors");
    SafeTensors.write(p, Map.of(), Map.of("only", "metadata"));
    SafeTensors.Contents c = SafeTensors.read(p);
    assertTrue(c.tensors().isEmpty());
    assertEquals(Map.of("only", "metadata"), c.metadata());
    assertEquals(0, Files.size(p) % 8);
  }

  @Test
  void writeRejectsTheReservedMetadataNameAndLeavesNothingBehind() {
    Path p = dir.resolve("bad.safetensors");
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> SafeTensors.write(p, Map.of("__metadata__", Tensor.of(new float[] {1}))));
    assertTrue(e.getMessage().contains("__metadata__"));
    assertFalse(Files.exists(p));
  }

  @Test
  void writeRejectsNullMetadataValues() {
    Map<String, String> meta = new LinkedHashMap<>();
    meta.put("k", null);
    Path p = dir.resolve("nullmeta.safetensors");
    assertThrows(
        IllegalArgumentException.class,
        () -> SafeTensors.write(p, Map.of("x", Tensor.of(new float[] {1})), meta));
  }

  @Test
  void writeToAMissingDirectoryFailsWithIOException() {
    Path p = dir.resolve("no/such/dir/x.safetensors");
    assertThrows(
        IOException.class, () -> SafeTensors.write(p, Map.of("x", Tensor.of(new float[] {1}))));
  }

  @Test
  void writtenBytesAreReadableByAnIndependentParse() throws IOException {
    // Re-read the file with nothing but the format's definition, not with SafeTensors.read.
    Path p = dir.resolve("indep.safetensors");
    SafeTensors.write(p, Map.of("w", Tensor.of(new double[] {0.25, -8}, 2)));
    byte[] bytes = Files.readAllBytes(p);
    ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    int n = (int) b.getLong(0);
    JsonNode w = JSON.readTree(new String(bytes, 8, n, StandardCharsets.UTF_8)).get("w");
    assertEquals("F64", w.get("dtype").textValue());
    int begin = w.get("data_offsets").get(0).intValue();
    assertEquals(0.25, b.getDouble(8 + n + begin));
    assertEquals(-8.0, b.getDouble(8 + n + begin + 8));
  }
}
