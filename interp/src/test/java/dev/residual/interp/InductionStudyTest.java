package dev.residual.interp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.residual.tensor.Generator;
import dev.residual.tensor.Tensor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InductionStudyTest {
  @Test
  void trainingBatchesPlantRepeatedBigramsAndTargetOnlyTheirSecondTokens() {
    Tensor[] b = InductionStudy.trainingBatch(new Generator(4), 8, 32, 50, 6);
    assertEquals(List.of(8L, 32L), List.of(b[0].shape()[0], b[0].shape()[1]));
    long[] x = b[0].toLongArray();
    long[] y = b[1].toLongArray();
    for (int row = 0; row < 8; row++) {
      assertEquals(0, x[row * 32], "BOS first");
      int targets = 0;
      for (int i = 0; i < 32; i++) {
        long t = y[row * 32 + i];
        if (i >= 1) {
          assertTrue(x[row * 32 + i] >= 1 && x[row * 32 + i] < 50, "tokens in [1, vocab)");
        }
        if (t == -100) {
          continue;
        }
        targets++;
        // The target follows an earlier occurrence of the current token: an induction target.
        boolean earlier = false;
        for (int j = 1; j + 1 < i; j++) {
          earlier |= x[row * 32 + j] == x[row * 32 + i] && x[row * 32 + j + 1] == t;
        }
        assertTrue(earlier, "row " + row + " position " + i + " has no earlier bigram");
        if (i + 1 < 32) {
          assertEquals(x[row * 32 + i + 1], t, "targets are the next input");
        }
      }
      assertEquals(6, targets, "one target per planted bigram");
    }
    assertThrows(
        IllegalArgumentException.class,
        () -> InductionStudy.trainingBatch(new Generator(1), 2, 16, 50, 4));
  }

  @Test
  void configRefusesBadSettingsByName() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                new InductionStudy.Config(
                    128, 64, 3, true, 32, 10, 6, 0, 6, 16, 1e-3, 15, 4, 5, 0));
    assertTrue(e.getMessage().contains("nHeads"), e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                new InductionStudy.Config(
                    128, 64, 2, true, 32, 10, 6, 0, 6, 16, 1e-3, 50, 4, 5, 0));
    assertTrue(e.getMessage().contains("evaluation sequence"), e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                new InductionStudy.Config(128, 64, 2, true, 32, 10, 6, 0, 6, 16, -1, 15, 4, 5, 0));
    assertTrue(e.getMessage().contains("lr"), e.getMessage());
  }

  /**
   * The acceptance test on small settings: ~1000 steps on 32-token contexts (10-20 s on 2 cores)
   * grow a previous-token head in layer 0 and induction heads in layer 1, found automatically.
   */
  @Test
  void theQuickStudyFindsAPreviousTokenHeadInductionHeadsAndTheirKComposition(@TempDir Path dir)
      throws Exception {
    InductionStudy.Result r = InductionStudy.run(InductionStudy.Config.quick(), null, null);
    assertTrue(r.previousTokenScore() > 0.4, r.summary());
    assertFalse(r.inductionHeads().isEmpty(), r.summary());
    assertTrue(r.bestInductionScore() > InductionStudy.INDUCTION_THRESHOLD, r.summary());
    // In-context learning: the repeat is predicted far better than the random first copy.
    assertTrue(r.secondHalfLoss() < r.firstHalfLoss() - 3.0, r.summary());
    assertTrue(r.secondHalfLoss() < 1.5, r.summary());
    // The induction head's keys read the previous-token head's output.
    assertTrue(r.inductionKComposition() > 1.5 * r.compositionBaseline(), r.summary());
    assertTrue(r.kCircuitAccuracy() > 0.9, r.summaryWithCircuits());
    assertTrue(r.ovCopyingAccuracy() > 0.9, r.summaryWithCircuits());
    assertTrue(r.ovPositivity() > 0.8, r.summaryWithCircuits());
    // Detector scores agree with a direct reading of the cached pattern.
    Tensor pattern = r.cache().get("pattern", 1).select(1, r.bestInductionHead()); // [b, q, k]
    int n = r.config().evalSeqLen();
    double sum = 0;
    int count = 0;
    float[] p = pattern.contiguous().toFloatArray();
    int t = 1 + 2 * n;
    for (int b = 0; b < r.config().evalBatch(); b++) {
      for (int q = n + 1; q < t; q++) {
        sum += p[(b * t + q) * t + q - n + 1];
        count++;
      }
    }
    assertEquals(r.bestInductionScore(), sum / count, 1e-5);

    InductionStudy.report(r, dir, null);
    for (String f :
        List.of(
            "loss.png",
            "scores.png",
            "head_scores.png",
            "composition.png",
            "patterns_layer0.png",
            "patterns_layer1.png",
            "patterns_layer1.html",
            "summary.json")) {
      assertTrue(Files.size(dir.resolve(f)) > 500, f);
    }
    JsonNode json = new ObjectMapper().readTree(dir.resolve("summary.json").toFile());
    assertEquals(r.bestInductionHead(), json.get("best_induction_head").asInt());
    assertEquals(r.previousTokenHead(), json.get("previous_token_head").asInt());
    assertEquals(r.history().size(), json.get("history").size());
  }
}
