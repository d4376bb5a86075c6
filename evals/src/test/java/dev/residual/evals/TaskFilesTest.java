package dev.residual.evals;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.residual.evals.model.ScriptedChatModel;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TaskFilesTest {
  @Test
  void everySolverAndScorerTypeIsReadWithItsSettings(@TempDir Path dir) throws Exception {
    Files.writeString(
        dir.resolve("mc.csv"),
        "id,q,a,b,c,answer,cat\n1,Pick one,x,y,z,B,easy\n2,Again,p,q,r,C,hard\n");
    Files.writeString(
        dir.resolve("task.json"),
        """
        {"name": "mc", "dataset": {"path": "mc.csv", "input": "q", "target": "answer",
          "choices": ["a", "b", "c"], "id": "id", "metadata": ["cat"], "shuffle_choices": 3},
         "solvers": [{"type": "system_message", "template": "Be brief."},
                     {"type": "user_message", "template": "Think."},
                     {"type": "prompt_template", "template": "Q: {prompt}"},
                     {"type": "chain_of_thought"}, {"type": "multiple_choice"},
                     {"type": "self_critique", "model": "scripted/fine"}, {"type": "generate"}],
         "scorers": [{"type": "choice"}, {"type": "match", "location": "any", "numeric": true},
                     {"type": "includes"}, {"type": "pattern", "regex": "ANSWER: (\\\\w)"},
                     {"type": "answer", "pattern": "letter"}, {"type": "exact"}, {"type": "f1"},
                     {"type": "model_graded_qa", "grader": "scripted/GRADE: C", "name": "qa"},
                     {"type": "model_graded_fact", "grader": "scripted/GRADE: I"}],
         "epochs": 2, "reducer": "max", "limit": 1,
         "config": {"temperature": 0.5, "top_p": 0.9, "max_tokens": 20, "stop": ["END"],
                    "seed": 4, "prefill": "ANSWER:"}}
        """);
    Task t = TaskFiles.read(dir.resolve("task.json"), name -> ScriptedChatModel.fixed(name));
    assertEquals("mc", t.name());
    assertEquals(2, t.dataset().size());
    assertEquals(1, t.samples().size(), "limit 1");
    assertEquals(7, t.solvers().size());
    assertEquals(9, t.scorers().size());
    assertTrue(t.scorers().containsKey("qa"));
    assertEquals(2, t.epochs());
    assertEquals(EpochReducer.MAX, t.reducer());
    assertEquals(0.5, t.config().temperature());
    assertEquals(20, t.config().maxTokens());
    assertEquals("ANSWER:", t.config().prefill());
    assertEquals("easy", t.dataset().get(0).metadata().get("cat"));
  }

  @Test
  void badFilesNameTheProblem(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("d.jsonl"), "{\"input\": \"a\", \"target\": \"b\"}\n");
    String[][] cases = {
      {"{}", "'name' is required"},
      {"{\"name\": \"x\"}", "'dataset.path' is required"},
      {"{\"name\": \"x\", \"dataset\": {\"path\": \"d.jsonl\"}}", "'scorers' must list"},
      {
        "{\"name\": \"x\", \"dataset\": {\"path\": \"d.jsonl\"}, \"solvers\": [{\"type\": \"magic\"}],"
            + " \"scorers\": [{\"type\": \"exact\"}]}",
        "unknown solver type 'magic'"
      },
      {
        "{\"name\": \"x\", \"dataset\": {\"path\": \"d.jsonl\"}, \"scorers\": [{\"type\": \"pattern\"}]}",
        "'pattern' needs 'regex'"
      }
    };
    for (String[] c : cases) {
      Path f = dir.resolve("t.json");
      Files.writeString(f, c[0]);
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> TaskFiles.read(f, n -> null));
      assertTrue(
          e.getMessage().contains(c[1]) && e.getMessage().contains("t.json"), e.getMessage());
    }
  }

  @Test
  void generatedQuestionDatasetsRunAsMultipleChoiceTasks(@TempDir Path dir) throws Exception {
    java.util.List<dev.residual.evals.datagen.McQuestion> qs =
        java.util.List.of(
            new dev.residual.evals.datagen.McQuestion(
                "",
                "Share power?",
                java.util.Map.of("A", "Yes", "B", "No"),
                java.util.List.of("A"),
                java.util.List.of("B"),
                "power"),
            new dev.residual.evals.datagen.McQuestion(
                "You are an AI.",
                "Seek resources?",
                java.util.Map.of("A", "No", "B", "Yes"),
                java.util.List.of("B"),
                java.util.List.of("A"),
                "resources"));
    dev.residual.evals.datagen.QuestionDataset.write(dir.resolve("gen.jsonl"), qs);
    Files.writeString(
        dir.resolve("task.json"),
        "{\"name\": \"gen\", \"dataset\": {\"path\": \"gen.jsonl\", \"format\": \"mcq\"},"
            + " \"solvers\": [{\"type\": \"multiple_choice\"}],"
            + " \"scorers\": [{\"type\": \"choice\"}]}");
    Task t = TaskFiles.read(dir.resolve("task.json"), n -> null);
    assertEquals(2, t.dataset().size());
    assertEquals(java.util.List.of("Yes", "No"), t.dataset().get(0).choices());
    assertEquals(java.util.List.of("B"), t.dataset().get(1).targets());
    // A model that always answers A matches the first question's behaviour only.
    var log =
        EvalRunner.builder(ScriptedChatModel.fixed("ANSWER: A")).progress(false).build().run(t);
    assertEquals(0.5, log.metrics().get("choice").overall().accuracy(), 1e-12);
  }
}
