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
}
