package dev.residual.io;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Malformed and hostile files built byte by byte: each is rejected with a clear IOException. */
class SafeTensorsHostileFilesTest {
  @TempDir Path dir;

  private int count;

  private Path path() {
    return dir.resolve("hostile" + (count++) + ".safetensors");
  }

  /** A file with the given header and data. */
  private Path file(String header, byte[] data) throws IOException {
    return SafeTensorsFiles.file(path(), header, data);
  }

  private Path file(String header, int dataBytes) throws IOException {
    return file(header, new byte[dataBytes]);
  }

  /** One tensor entry's JSON. */
  private static String entry(String name, String dtype, String shape, String offsets) {
    return "\""
        + name
        + "\":{\"dtype\":\""
        + dtype
        + "\",\"shape\":"
        + shape
        + ",\"data_offsets\":"
        + offsets
        + "}";
  }

  /** Asserts that reading fails with an IOException naming the file and containing each hint. */
  private static void assertRejected(Path p, String... hints) {
    IOException e = assertThrows(IOException.class, () -> SafeTensors.read(p));
    String m = e.getMessage();
    assertTrue(m.contains(p.toString()), "message should name the file: " + m);
    for (String h : hints) {
      assertTrue(m.contains(h), "message should contain '" + h + "': " + m);
    }
  }

  @Test
  void fileShorterThanTheLengthFieldIsRejected() throws IOException {
    Path p = Files.write(path(), new byte[] {1, 2, 3});
    assertRejected(p, "too short");
    assertRejected(Files.write(path(), new byte[0]), "too short");
  }

  @Test
  void headerLengthLargerThanTheFileIsRejected() throws IOException {
    byte[] header = "{}".getBytes(StandardCharsets.UTF_8);
    assertRejected(SafeTensorsFiles.raw(path(), 3, header), "header length 3", "larger than");
    assertRejected(SafeTensorsFiles.raw(path(), 50_000_000, header), "larger than");
  }

  @Test
  void absurdHeaderLengthIsRejectedWithoutAllocatingIt() throws IOException {
    assertRejected(SafeTensorsFiles.raw(path(), 200_000_000L, new byte[16]), "exceeds the limit");
    // High bit set: read as a signed long it is negative; reported as the unsigned value.
    assertRejected(
        SafeTensorsFiles.raw(path(), -1L, new byte[16]), "18446744073709551615", "exceeds");
    assertRejected(SafeTensorsFiles.raw(path(), Long.MAX_VALUE, new byte[16]), "exceeds");
  }

  @Test
  void invalidJsonIsRejected() throws IOException {
    assertRejected(file("{\"a\": {", 0), "not valid JSON");
    assertRejected(file("{'a': 1}", 0), "not valid JSON");
    assertRejected(file("{} trailing", 0), "not valid JSON");
    assertRejected(file("not json at all", 0), "not valid JSON");
  }

  @Test
  void invalidUtf8InTheHeaderIsRejected() throws IOException {
    byte[] bad = {'{', '"', (byte) 0xC3, (byte) 0x28, '"', ':', '{', '}', '}'};
    assertRejected(SafeTensorsFiles.raw(path(), bad.length, bad), "not valid UTF-8");
    // UTF-16 is not accepted either, though a lenient JSON parser would detect and decode it.
    byte[] utf16 = "{}".getBytes(StandardCharsets.UTF_16LE);
    assertRejected(SafeTensorsFiles.raw(path(), utf16.length, utf16), "not valid JSON");
  }

  @Test
  void deeplyNestedJsonIsRejectedWithoutStackOverflow() throws IOException {
    String deep = "[".repeat(200_000);
    assertRejected(file(deep, 0), "not valid JSON");
  }

  @Test
  void headerThatIsNotAnObjectIsRejected() throws IOException {
    assertRejected(file("[1, 2]", 0), "expected an object");
    assertRejected(file("\"text\"", 0), "expected an object");
    assertRejected(file("42", 0), "expected an object");
    assertRejected(file("", 0), "empty");
    assertRejected(file("        ", 0), "empty");
  }

  @Test
  void tensorEntryThatIsNotAnObjectIsRejected() throws IOException {
    assertRejected(file("{\"t\": [1, 2]}", 0), "tensor 't'", "expected an object");
  }

  @Test
  void missingDtypeIsRejected() throws IOException {
    assertRejected(file("{\"t\":{\"shape\":[1],\"data_offsets\":[0,4]}}", 4), "'t'", "no dtype");
    assertRejected(
        file("{\"t\":{\"dtype\":4,\"shape\":[1],\"data_offsets\":[0,4]}}", 4), "not a string");
  }

  @Test
  void unknownDtypeIsRejected() throws IOException {
    assertRejected(
        file("{" + entry("t", "F17", "[1]", "[0,4]") + "}", 4), "unknown dtype 'F17'", "F32");
    assertRejected(file("{" + entry("t", "f32", "[1]", "[0,4]") + "}", 4), "unknown dtype");
  }

  @Test
  void formatDtypesResidualCannotHoldAreRejectedByName() throws IOException {
    assertRejected(file("{" + entry("t", "U32", "[1]", "[0,4]") + "}", 4), "U32", "not read");
    assertRejected(file("{" + entry("t", "F8_E4M3", "[1]", "[0,1]") + "}", 1), "F8_E4M3");
  }

  @Test
  void missingOrMalformedShapeIsRejected() throws IOException {
    assertRejected(file("{\"t\":{\"dtype\":\"F32\",\"data_offsets\":[0,4]}}", 4), "no shape");
    assertRejected(file("{" + entry("t", "F32", "4", "[0,4]") + "}", 4), "not an array");
    assertRejected(file("{" + entry("t", "F32", "[2.5]", "[0,4]") + "}", 4), "non-negative");
    assertRejected(file("{" + entry("t", "F32", "[\"1\"]", "[0,4]") + "}", 4), "non-negative");
  }

  @Test
  void negativeDimensionIsRejected() throws IOException {
    assertRejected(
        file("{" + entry("t", "F32", "[-1]", "[0,4]") + "}", 4), "'t'", "shape [-1]", "non-neg");
    assertRejected(file("{" + entry("t", "F32", "[-2,-2]", "[0,16]") + "}", 16), "non-negative");
  }

  @Test
  void shapeWithTooManyElementsIsRejectedBeforeAllocation() throws IOException {
    assertRejected(file("{" + entry("t", "F32", "[65536,65536]", "[0,4]") + "}", 4), "elements");
    // Multiplying the dims naively would overflow before reaching the zero.
    assertRejected(
        file("{" + entry("t", "F32", "[4294967296,4294967296,0]", "[0,0]") + "}", 0), "elements");
    assertRejected(
        file("{" + entry("t", "F32", "[99999999999999999999]", "[0,0]") + "}", 0),
        "non-negative integers");
  }

  @Test
  void shapeWhoseByteCountDisagreesWithItsOffsetsIsRejected() throws IOException {
    assertRejected(
        file("{" + entry("t", "F32", "[2,3]", "[0,20]") + "}", 20),
        "'t'",
        "24 bytes",
        "span 20 bytes");
    assertRejected(file("{" + entry("t", "F64", "[]", "[0,4]") + "}", 4), "8 bytes", "span 4");
  }

  @Test
  void missingOrMalformedOffsetsAreRejected() throws IOException {
    assertRejected(file("{\"t\":{\"dtype\":\"F32\",\"shape\":[1]}}", 4), "no data_offsets");
    assertRejected(file("{" + entry("t", "F32", "[1]", "[0]") + "}", 4), "[begin, end]");
    assertRejected(file("{" + entry("t", "F32", "[1]", "[0,4,8]") + "}", 8), "[begin, end]");
    assertRejected(file("{" + entry("t", "F32", "[1]", "{}") + "}", 4), "[begin, end]");
    assertRejected(file("{" + entry("t", "F32", "[1]", "[-4,0]") + "}", 4), "non-negative");
    assertRejected(file("{" + entry("t", "F32", "[1]", "[4,0]") + "}", 4), "begin > end");
  }

  @Test
  void offsetsPastTheEndOfTheFileAreRejected() throws IOException {
    assertRejected(
        file("{" + entry("t", "F32", "[2]", "[0,8]") + "}", 4), "out of range", "holds 4 bytes");
    assertRejected(
        file("{" + entry("t", "U8", "[1]", "[9223372036854775806,9223372036854775807]") + "}", 4),
        "out of range");
  }

  @Test
  void overlappingOffsetsAreRejected() throws IOException {
    String header =
        "{" + entry("a", "F32", "[2]", "[0,8]") + "," + entry("b", "F32", "[2]", "[4,12]") + "}";
    assertRejected(file(header, 12), "'a'", "'b'", "overlap");
    String same =
        "{" + entry("a", "F32", "[1]", "[0,4]") + "," + entry("b", "I32", "[1]", "[0,4]") + "}";
    assertRejected(file(same, 4), "overlap");
  }

  @Test
  void gapsAndUncoveredBytesAreRejected() throws IOException {
    String gap =
        "{" + entry("a", "U8", "[2]", "[0,2]") + "," + entry("b", "U8", "[2]", "[4,6]") + "}";
    assertRejected(file(gap, 6), "gap before 'b'");
    assertRejected(file("{" + entry("a", "U8", "[2]", "[2,4]") + "}", 4), "gap before 'a'");
    assertRejected(file("{" + entry("a", "U8", "[2]", "[0,2]") + "}", 5), "trailing bytes");
    assertRejected(file("{}", 3), "trailing bytes");
  }

  @Test
  void duplicateKeysAreRejected() throws IOException {
    String dup =
        "{" + entry("a", "U8", "[1]", "[0,1]") + "," + entry("a", "U8", "[1]", "[1,2]") + "}";
    assertRejected(file(dup, 2), "not valid JSON", "Duplicate");
    String dupMeta = "{\"__metadata__\":{\"k\":\"v\"},\"__metadata__\":{}}";
    assertRejected(file(dupMeta, 0), "Duplicate");
    String dupInner =
        "{\"a\":{\"dtype\":\"U8\",\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[0,1]}}";
    assertRejected(file(dupInner, 1), "Duplicate");
  }

  @Test
  void malformedMetadataIsRejected() throws IOException {
    assertRejected(file("{\"__metadata__\": [\"x\"]}", 0), "__metadata__", "expected an object");
    assertRejected(file("{\"__metadata__\": {\"step\": 100}}", 0), "'step'", "expected a string");
    assertRejected(file("{\"__metadata__\": {\"nested\": {}}}", 0), "'nested'");
  }

  @Test
  void unknownFieldsInsideAnEntryAreIgnored() throws IOException {
    String header =
        "{\"t\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[0,1],\"extra\":true}}";
    Path p = file(header, new byte[] {9});
    assertTrue(SafeTensors.read(p).tensor("t").storage().i.get(0) == 9);
  }
}
