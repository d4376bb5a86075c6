package dev.residual.evals.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.residual.io.Checkpoint;
import dev.residual.transformer.GPT2;
import dev.residual.transformer.GPT2Config;
import dev.residual.transformer.tokenizer.CharTokenizer;
import dev.residual.transformer.train.Trainer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalGptModelTest {
  private static final CharTokenizer TOK =
      CharTokenizer.fit("0123456789+= \nUserAssistantTool():abcdefghijklmnopqrstuvwxyz");
  private static final GPT2Config CFG = GPT2Config.of(1, 1, 8, 32, TOK.vocabSize());

  @Test
  void chatTemplateRendersRolesAndPrefill() {
    LocalGptModel m =
        new LocalGptModel("local/t", new GPT2(CFG, 0), TOK, LocalGptModel.CHAT_TEMPLATE);
    String p =
        m.render(
            List.of(
                ChatMessage.system("sys"),
                ChatMessage.user("hi"),
                ChatMessage.assistant("yo"),
                ChatMessage.tool("c", "calc", "4")),
            GenerateConfig.builder().prefill("so").build());
    assertEquals("sys\n\nUser: hi\nAssistant: yo\nTool (calc): 4\nAssistant: so", p);
  }

  @Test
  void greedyGenerationIsDeterministicAndCountsTokens() {
    LocalGptModel m =
        new LocalGptModel("local/t", new GPT2(CFG, 0), TOK, LocalGptModel.RAW_TEMPLATE);
    GenerateConfig cfg = GenerateConfig.builder().temperature(0.0).maxTokens(5).build();
    ModelOutput a = m.generate(List.of(ChatMessage.user("12+34=")), cfg);
    ModelOutput b = m.generate(List.of(ChatMessage.user("12+34=")), cfg);
    assertEquals(a, b);
    assertEquals(6, a.usage().inputTokens());
    assertTrue(a.usage().outputTokens() <= 5);
    if (a.stopReason() == StopReason.MAX_TOKENS) {
      assertEquals(5, a.usage().outputTokens());
    }
    ModelOutput pre =
        m.generate(List.of(ChatMessage.user("1")), cfg.toBuilder().prefill("2").build());
    assertTrue(pre.text().startsWith("2"), pre.text());
  }

  @Test
  void loadsACheckpointDirectoryWithItsTokenizer(@TempDir Path dir) throws Exception {
    GPT2 net = new GPT2(CFG, 3);
    Checkpoint.save(
        dir,
        new Checkpoint.Contents(
            1,
            net.stateDict(),
            Map.of(),
            Map.of(),
            Map.of(),
            Map.of(),
            Map.of("model", Trainer.modelConfigToMap(CFG))));
    TOK.save(dir.resolve("meta.json"));
    LocalGptModel loaded = LocalGptModel.load(dir, LocalGptModel.RAW_TEMPLATE);
    LocalGptModel direct = new LocalGptModel("x", net, TOK, LocalGptModel.RAW_TEMPLATE);
    GenerateConfig cfg = GenerateConfig.builder().temperature(0.0).maxTokens(4).build();
    List<ChatMessage> msgs = List.of(ChatMessage.user("7+8="));
    assertEquals(direct.generate(msgs, cfg).text(), loaded.generate(msgs, cfg).text());
    assertEquals("local/" + dir, loaded.name());
  }

  @Test
  void missingCheckpointAndUnencodableTextFailClearly(@TempDir Path dir) {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> LocalGptModel.load(dir.resolve("nope"), LocalGptModel.RAW_TEMPLATE));
    assertTrue(e.getMessage().contains("nope"), e.getMessage());
    LocalGptModel m =
        new LocalGptModel("local/t", new GPT2(CFG, 0), TOK, LocalGptModel.RAW_TEMPLATE);
    ModelException me =
        assertThrows(ModelException.class, () -> m.generate(List.of(ChatMessage.user("€")), null));
    assertFalse(me.retryable());
    assertThrows(ModelException.class, () -> m.generate(List.of(ChatMessage.user("")), null));
  }
}
