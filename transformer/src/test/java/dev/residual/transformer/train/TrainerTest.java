package dev.residual.transformer.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.residual.optim.ParamGroup;
import dev.residual.tensor.Tensor;
import dev.residual.transformer.GPT2;
import dev.residual.transformer.GPT2Config;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainerTest {

  static Path tinyData(Path dir) throws Exception {
    StringBuilder sb = new StringBuilder();
    String[] words = {"the cat sat. ", "a dog ran! ", "we sing, ", "you hum? "};
    for (int i = 0; i < 400; i++) {
      sb.append(words[(i * 7 + i / 3) % words.length]);
    }
    Path input = dir.resolve("input.txt");
    Files.writeString(input, sb.toString());
    Path data = dir.resolve("data");
    DataPrep.prepare(input, DataPrep.TokenizerKind.CHAR, data);
    return data;
  }

  static TrainConfig.Builder tiny(Path data, Path out) {
    return TrainConfig.builder()
        .dataDir(data.toString())
        .outDir(out.toString())
        .runsDir(out.resolveSibling(out.getFileName() + "-runs").toString())
        .model(1, 2, 16)
        .blockSize(8)
        .batchSize(4)
        .lr(1e-2)
        .minLr(1e-3)
        .warmupIters(2)
        .lrDecayIters(40)
        .evalInterval(10)
        .evalIters(3)
        .console(false);
  }

  @Test
  void tinyModelLossFallsOnGeneratedText(@TempDir Path dir) throws Exception {
    Path data = tinyData(dir);
    Trainer t = new Trainer(tiny(data, dir.resolve("out")).maxIters(40).build());
    Trainer.Result r = t.train();
    assertEquals(5, r.evals().size());
    double first = r.evals().get(0).val();
    assertTrue(r.valLoss() < first - 0.5, "val loss " + first + " -> " + r.valLoss());
    assertEquals(40, r.iterLosses().size());
    assertTrue(r.medianMsPerIter() > 0);
    assertTrue(Files.exists(dir.resolve("out").resolve("model.safetensors")));
  }

  @Test
  void resumeContinuesExactly(@TempDir Path dir) throws Exception {
    Path data = tinyData(dir);
    Trainer.Result full =
        new Trainer(tiny(data, dir.resolve("full")).maxIters(20).gradAccum(2).build()).train();
    new Trainer(
            tiny(data, dir.resolve("part"))
                .maxIters(10)
                .gradAccum(2)
                .alwaysSaveCheckpoint(true)
                .build())
        .train();
    Trainer resumed =
        new Trainer(
            tiny(data, dir.resolve("part"))
                .maxIters(20)
                .gradAccum(2)
                .initFrom(TrainConfig.InitFrom.RESUME)
                .build());
    assertEquals(10, resumed.startIter());
    Trainer.Result rest = resumed.train();
    assertEquals(full.iterLosses().subList(10, 20), rest.iterLosses());
    assertEquals(full.evals().get(1), rest.evals().get(0));
    assertEquals(full.valLoss(), rest.valLoss());
  }

  @Test
  void initFromHuggingFaceCropsBlockAndFineTunes(@TempDir Path dir) throws Exception {
    Path data = tinyData(dir);
    int vocab = DataPrep.vocabSize(data, 0);
    GPT2 pretrained = new GPT2(GPT2Config.of(1, 2, 16, 16, vocab), 5);
    Path hf = dir.resolve("hf");
    pretrained.saveHuggingFace(hf);
    Trainer t =
        new Trainer(
            tiny(data, dir.resolve("out"))
                .initFrom(TrainConfig.InitFrom.GPT2)
                .hfDir(hf.toString())
                .maxIters(10)
                .build());
    assertEquals(8, t.modelConfig().blockSize());
    assertEquals(
        pretrained.getParameter("transformer.h.0.attn.c_attn.weight").toDoubleArray()[3],
        t.model().getParameter("transformer.h.0.attn.c_attn.weight").toDoubleArray()[3]);
    Trainer.Result r = t.train();
    assertTrue(r.valLoss() < r.evals().get(0).val(), r.evals().toString());
  }

  @Test
  void weightDecayOnlyOnMatrices() {
    GPT2 model = new GPT2(GPT2Config.of(2, 2, 8, 4, 11), 0);
    List<ParamGroup> groups = Trainer.paramGroups(model, 0.1);
    assertEquals(2, groups.size());
    assertEquals(0.1, groups.get(0).getDouble("weight_decay"));
    assertEquals(0.0, groups.get(1).getDouble("weight_decay"));
    List<String> decayed = new ArrayList<>();
    List<String> plain = new ArrayList<>();
    for (Map.Entry<String, Tensor> e : model.namedParameters().entrySet()) {
      if (groups.get(0).params().contains(e.getValue())) {
        decayed.add(e.getKey());
      } else {
        assertTrue(groups.get(1).params().contains(e.getValue()), e.getKey());
        plain.add(e.getKey());
      }
    }
    for (String n : decayed) {
      assertTrue(n.endsWith(".weight") && !n.contains("ln_"), n);
    }
    for (String n : plain) {
      assertTrue(n.endsWith(".bias") || n.contains("ln_"), n);
    }
    assertTrue(decayed.contains("transformer.wte.weight"));
    assertTrue(decayed.contains("transformer.wpe.weight"));
    assertTrue(decayed.contains("transformer.h.0.attn.c_attn.weight"));
    assertTrue(plain.contains("transformer.h.0.ln_1.weight"));
    assertTrue(plain.contains("transformer.h.1.mlp.c_fc.bias"));
    // tied lm_head appears once, in the decayed group
    assertEquals(
        model.parameters().size(), groups.get(0).params().size() + groups.get(1).params().size());
  }

  @Test
  void flopsPerTokenFollowsNanoGptFormula() {
    GPT2Config c = GPT2Config.babyShakespeare();
    long n = GPT2.countParameters(c) - 64L * 128;
    assertEquals(6.0 * n + 12.0 * 4 * 4 * 32 * 64, Trainer.flopsPerToken(c));
  }

  @Test
  void missingDataIsReported(@TempDir Path dir) {
    TrainConfig c = tiny(dir, dir.resolve("out")).build();
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Trainer(c));
    assertTrue(e.getMessage().contains("train.bin"), e.getMessage());
  }

  @Test
  void configRoundTripsThroughMap() {
    TrainConfig c = TrainConfig.builder().maxIters(7).lr(3e-4).bias(true).build();
    assertEquals(c, TrainConfig.fromMap(c.toMap()));
    assertEquals(c, c.toBuilder().build());
  }

  @Test
  void configDefaultsAreTheBabyRun() {
    TrainConfig c = TrainConfig.builder().build();
    assertEquals(64, c.blockSize());
    assertEquals(12, c.batchSize());
    assertEquals(2000, c.maxIters());
    assertEquals(1e-3, c.lr());
    assertEquals(1e-4, c.minLr());
    assertEquals(0.99, c.beta2());
    assertEquals(250, c.evalInterval());
    assertEquals(20, c.evalIters());
  }

  @Test
  void configRejectsBadSettings() {
    assertThrows(IllegalArgumentException.class, () -> TrainConfig.builder().batchSize(0).build());
    assertThrows(
        IllegalArgumentException.class,
        () -> TrainConfig.builder().warmupIters(10).lrDecayIters(10).build());
    assertThrows(IllegalArgumentException.class, () -> TrainConfig.builder().set("nope", 1));
    assertThrows(
        IllegalArgumentException.class,
        () -> TrainConfig.builder().initFrom(TrainConfig.InitFrom.GPT2).build());
  }
}
