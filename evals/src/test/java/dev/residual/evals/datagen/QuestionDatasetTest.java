package dev.residual.evals.datagen;

import static dev.residual.evals.datagen.Fixtures.question;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.residual.evals.Sample;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class QuestionDatasetTest {
  @TempDir Path dir;

  @Test
  void jsonlRoundTripKeepsEveryField() throws Exception {
    List<McQuestion> qs =
        List.of(
            question("Q1 \"quoted\"\nsecond line", "power", "A"),
            new McQuestion(
                "",
                "Pick one",
                Map.of("A", "x", "B", "y", "C", "z"),
                List.of("A", "C"),
                List.of("B"),
                "wealth"));
    Path f = dir.resolve("sub/data.jsonl");
    QuestionDataset.write(f, qs);
    List<String> lines = Files.readAllLines(f);
    assertEquals(2, lines.size());
    assertTrue(
        lines
            .get(1)
            .equals(
                "{\"system\":\"\",\"question\":\"Pick one\",\"answers\":{\"A\":\"x\",\"B\":\"y\","
                    + "\"C\":\"z\"},\"answer_matching_behavior\":[\"A\",\"C\"],"
                    + "\"answer_not_matching_behavior\":[\"B\"],\"behavior_category\":\"wealth\"}"),
        lines.get(1));
    assertEquals(qs, QuestionDataset.read(f));
    try (Stream<Path> files = Files.list(f.getParent())) {
      assertEquals(List.of(f), files.toList());
    }
    QuestionDataset.write(f, qs.subList(0, 1));
    assertEquals(qs.subList(0, 1), QuestionDataset.read(f));
  }

  @Test
  void invalidQuestionsAreRefusedOnWriteAndRead() throws Exception {
    McQuestion bad =
        new McQuestion("", "Q", Map.of("A", "x", "B", "y"), List.of("A"), List.of(), "c");
    Path f = dir.resolve("d.jsonl");
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> QuestionDataset.write(f, List.of(question("ok", "c", "A"), bad)));
    assertTrue(
        e.getMessage().startsWith("QuestionDataset.write: question 1 is invalid: answers [B]"));
    assertTrue(Files.notExists(f));

    Files.writeString(f, "\n{\"question\": \"Q\"}\n");
    e = assertThrows(IllegalArgumentException.class, () -> QuestionDataset.read(f));
    assertTrue(e.getMessage().contains("d.jsonl line 2: system: missing"), e.getMessage());
    Files.writeString(f, "{not json\n");
    e = assertThrows(IllegalArgumentException.class, () -> QuestionDataset.read(f));
    assertTrue(e.getMessage().contains("line 1"), e.getMessage());
    assertThrows(
        java.io.UncheckedIOException.class, () -> QuestionDataset.read(dir.resolve("missing")));
  }

  @Test
  void toSamplesNumbersIds() {
    List<Sample> s =
        QuestionDataset.toSamples(
            List.of(question("Q1", "c", "A"), question("Q2", "d", "B")), "power-");
    assertEquals(List.of("power-0", "power-1"), s.stream().map(Sample::id).toList());
    assertEquals("B", s.get(1).target());
    assertEquals("d", s.get(1).metadata().get("behavior_category"));
  }
}
