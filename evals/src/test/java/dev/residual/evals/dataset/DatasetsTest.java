package dev.residual.evals.dataset;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.residual.evals.Sample;
import dev.residual.evals.model.ChatMessage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetsTest {
  @TempDir Path dir;

  private Path write(String name, String text) throws IOException {
    Path p = dir.resolve(name);
    Files.writeString(p, text);
    return p;
  }

  @Test
  void csvWithFieldSpecMapsChoiceColumnsIdAndMetadata() throws IOException {
    Path p =
        write(
            "mc.csv",
            "id,question,A,B,C,D,answer,topic\n"
                + "q1,\"What is 2+2, roughly?\",3,4,5,,B,math\n"
                + "q2,\"Quote: \"\"x\"\"\nsecond line\",a,b,c,d,D,lang\n");
    FieldSpec spec =
        FieldSpec.of("question", "answer")
            .withChoices("A", "B", "C", "D")
            .withId("id")
            .withMetadata("topic");
    List<Sample> s = Datasets.readCsv(p, spec);
    assertEquals(2, s.size());
    assertEquals("q1", s.get(0).id());
    assertEquals("What is 2+2, roughly?", s.get(0).inputText());
    assertEquals(List.of("3", "4", "5"), s.get(0).choices()); // empty D skipped
    assertEquals(List.of("B"), s.get(0).targets());
    assertEquals(Map.of("topic", "math"), s.get(0).metadata());
    assertEquals("Quote: \"x\"\nsecond line", s.get(1).inputText());
    assertEquals(List.of("a", "b", "c", "d"), s.get(1).choices());
  }

  @Test
  void idsDefaultToOneBasedRecordIndex() throws IOException {
    Path p = write("a.jsonl", "{\"q\":\"1+1\",\"a\":2}\n\n{\"q\":\"2+2\",\"a\":4}\n");
    List<Sample> s = Datasets.readJsonl(p, FieldSpec.of("q", "a"));
    assertEquals(List.of("1", "2"), List.of(s.get(0).id(), s.get(1).id()));
    assertEquals("2", s.get(0).target()); // a JSON number becomes its text
    assertEquals("4", s.get(1).target());
  }

  @Test
  void jsonArrayWithMessageInputListTargetsAndChoiceList() throws IOException {
    Path p =
        write(
            "a.json",
            "[\n"
                + " {\"id\": 7, \"input\": [{\"role\":\"system\",\"content\":\"Be brief.\"},"
                + " {\"role\":\"user\",\"content\":\"Capital of France?\"}],"
                + " \"target\": [\"Paris\", \"paris\"], \"choices\": [\"Paris\", \"Rome\"],"
                + " \"meta\": {\"k\": 1}},\n"
                + " {\"id\": 8, \"input\": \"hi\", \"target\": null,"
                + " \"choices\": [], \"meta\": 2}\n"
                + "]");
    List<Sample> s =
        Datasets.readJson(
            p, new FieldSpec("input", "target", List.of("choices"), "id", List.of("meta")));
    assertEquals("7", s.get(0).id());
    assertEquals(
        List.of(ChatMessage.system("Be brief."), ChatMessage.user("Capital of France?")),
        s.get(0).input());
    assertEquals(List.of("Paris", "paris"), s.get(0).targets());
    assertEquals(List.of("Paris", "Rome"), s.get(0).choices());
    assertEquals(Map.of("k", 1), s.get(0).metadata().get("meta"));
    assertEquals(List.of(), s.get(1).targets());
    assertEquals(List.of(), s.get(1).choices());
  }

  @Test
  void lambdaMappingGetsRecordAndBlankIdBecomesIndex() throws IOException {
    Path p = write("add.csv", "x,y,sum\n1,2,3\n40,2,42\n");
    List<Sample> s =
        Datasets.readCsv(
            p, r -> Sample.of("", r.get("x") + " + " + r.get("y") + " =", (String) r.get("sum")));
    assertEquals("1 + 2 =", s.get(0).inputText());
    assertEquals("42", s.get(1).target());
    assertEquals("2", s.get(1).id());
  }

  @Test
  void lambdaFailureIsWrappedWithFileAndLine() throws IOException {
    Path p = write("add.jsonl", "{\"x\":1}\n{\"y\":2}\n");
    DatasetException e =
        assertThrows(
            DatasetException.class,
            () -> Datasets.readJsonl(p, r -> Sample.of("", r.get("x").toString(), "t")));
    assertEquals(2, e.line());
    assertTrue(e.getMessage().contains("add.jsonl"), e.getMessage());
  }

  @Test
  void missingInputFieldNamesFileLineAndField() throws IOException {
    Path p = write("m.csv", "q,a\nfine,1\n");
    DatasetException e =
        assertThrows(
            DatasetException.class, () -> Datasets.readCsv(p, FieldSpec.of("question", "a")));
    assertEquals(2, e.line());
    assertEquals("question", e.field());
    assertTrue(e.getMessage().contains("m.csv, line 2, field 'question'"), e.getMessage());
  }

  @Test
  void missingTargetFieldIsAnError() throws IOException {
    Path p = write("m.jsonl", "{\"q\":\"a\",\"a\":\"b\"}\n{\"q\":\"c\"}\n");
    DatasetException e =
        assertThrows(DatasetException.class, () -> Datasets.readJsonl(p, FieldSpec.of("q", "a")));
    assertEquals(2, e.line());
    assertEquals("a", e.field());
  }

  @Test
  void csvRecordWithWrongFieldCountNamesLine() throws IOException {
    Path p = write("w.csv", "q,a\n\"multi\nline\",1\nx,2,3\n");
    DatasetException e =
        assertThrows(DatasetException.class, () -> Datasets.readCsv(p, FieldSpec.of("q", "a")));
    assertEquals(4, e.line());
    assertTrue(e.getMessage().contains("3 fields but the header has 2"), e.getMessage());
  }

  @Test
  void csvDuplicateHeaderAndEmptyFileRejected() throws IOException {
    Path p = write("d.csv", "q,q\n1,2\n");
    assertEquals(
        "q",
        assertThrows(DatasetException.class, () -> Datasets.readCsv(p, FieldSpec.of("q", null)))
            .field());
    Path e = write("e.csv", "");
    assertThrows(DatasetException.class, () -> Datasets.readCsv(e, FieldSpec.of("q", null)));
  }

  @Test
  void malformedJsonlLineNamesLine() throws IOException {
    Path p = write("b.jsonl", "{\"q\":1}\n{\"q\": \n[1]\n");
    DatasetException e =
        assertThrows(DatasetException.class, () -> Datasets.readJsonl(p, FieldSpec.of("q", null)));
    assertEquals(2, e.line());
    Path q = write("c.jsonl", "{\"q\":1}\n[1]\n");
    e = assertThrows(DatasetException.class, () -> Datasets.readJsonl(q, FieldSpec.of("q", null)));
    assertEquals(2, e.line());
    assertTrue(e.getMessage().contains("not a JSON object"), e.getMessage());
  }

  @Test
  void jsonArrayErrorsNameLine() throws IOException {
    Path p = write("o.json", "{\"q\": 1}");
    assertTrue(
        assertThrows(DatasetException.class, () -> Datasets.readJson(p, FieldSpec.of("q", null)))
            .getMessage()
            .contains("array"));
    Path q = write("e.json", "[\n {\"q\": \"x\"},\n 5\n]");
    DatasetException e =
        assertThrows(DatasetException.class, () -> Datasets.readJson(q, FieldSpec.of("q", null)));
    assertEquals(3, e.line());
    Path r =
        write(
            "f.json",
            "[\n {\"q\": \"x\"},\n {\"q\": [{\"role\": \"robot\", \"content\": \"x\"}]}\n]");
    e = assertThrows(DatasetException.class, () -> Datasets.readJson(r, FieldSpec.of("q", null)));
    assertEquals(3, e.line());
    assertEquals("q", e.field());
    assertTrue(e.getMessage().contains("robot"), e.getMessage());
  }

  @Test
  void nonScalarTargetIsAnError() {
    List<Map<String, Object>> recs = List.of(Map.of("q", "x", "a", Map.of("k", 1)));
    DatasetException e =
        assertThrows(
            DatasetException.class,
            () -> Datasets.fromRecords("mem", recs, FieldSpec.of("q", "a")));
    assertEquals("a", e.field());
    assertEquals(1, e.line());
  }

  @Test
  void readDispatchesOnExtension() throws IOException {
    Path t = write("x.tsv", "q\ta\nhello, world\t1\n");
    assertEquals("hello, world", Datasets.read(t, FieldSpec.of("q", "a")).get(0).inputText());
    Path j = write("x.txt", "q");
    assertThrows(IllegalArgumentException.class, () -> Datasets.read(j, FieldSpec.of("q", "a")));
  }

  @Test
  void shuffleRemapsLetterAndKeepsTextTargetsConsistently() {
    List<Map<String, Object>> recs = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      recs.add(
          Map.of(
              "q", "question " + i, "c", List.of("w", "x", "y", "z"), "letter", "C", "text", "y"));
    }
    List<Sample> byLetter =
        Datasets.fromRecords("mem", recs, new FieldSpec("q", "letter", List.of("c"), null, null));
    List<Sample> byText =
        Datasets.fromRecords("mem", recs, new FieldSpec("q", "text", List.of("c"), null, null));
    List<Sample> a = Datasets.shuffleChoices(byLetter, 42);
    List<Sample> b = Datasets.shuffleChoices(byLetter, 42);
    List<Sample> t = Datasets.shuffleChoices(byText, 42);
    boolean anyMoved = false;
    for (int i = 0; i < a.size(); i++) {
      Sample s = a.get(i);
      int k = s.target().charAt(0) - 'A';
      assertEquals("y", s.choices().get(k), "letter target follows its option");
      assertEquals(s.choices(), b.get(i).choices(), "same seed, same order");
      assertEquals(s.targets(), b.get(i).targets());
      assertEquals(s.choices(), t.get(i).choices(), "order depends on seed and id only");
      assertEquals("y", t.get(i).target());
      List<?> order = (List<?>) s.metadata().get("choice_order");
      for (int j = 0; j < 4; j++) {
        assertEquals(List.of("w", "x", "y", "z").get((Integer) order.get(j)), s.choices().get(j));
      }
      anyMoved |= !s.target().equals("C");
    }
    assertTrue(anyMoved, "20 shuffles of 4 options must move some target");
    List<Sample> other = Datasets.shuffleChoices(byLetter, 43);
    boolean differ = false;
    for (int i = 0; i < a.size(); i++) {
      differ |= !a.get(i).choices().equals(other.get(i).choices());
    }
    assertTrue(differ, "another seed gives another order");
  }

  @Test
  void shuffleKnownPermutationRemapsEveryLetter() {
    // With a fixed permutation we can check the remapping exactly.
    ChoiceShuffle.Result r =
        ChoiceShuffle.shuffle(List.of("p", "q", "r"), List.of("A", "C", "q", "a"), new Random(5));
    for (String t : List.of(r.targets().get(0), r.targets().get(1))) {
      assertEquals(1, t.length());
    }
    assertEquals("p", r.choices().get(r.targets().get(0).charAt(0) - 'A'));
    assertEquals("r", r.choices().get(r.targets().get(1).charAt(0) - 'A'));
    assertEquals("q", r.targets().get(2));
    assertEquals("a", r.targets().get(3), "lower-case letters are text, left alone");
    assertNotEquals(-1, r.order()[0]);
  }

  @Test
  void shuffleRejectsMoreThan26Choices() {
    List<String> many = new ArrayList<>();
    for (int i = 0; i < 27; i++) {
      many.add("c" + i);
    }
    assertThrows(
        IllegalArgumentException.class,
        () -> ChoiceShuffle.shuffle(many, List.of(), new Random(1)));
    assertThrows(IllegalArgumentException.class, () -> ChoiceShuffle.letter(26));
  }
}
