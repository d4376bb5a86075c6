package dev.residual.interp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.residual.tensor.Tensor;
import dev.residual.transformer.GPT2Config;
import dev.residual.transformer.tokenizer.CharTokenizer;
import java.util.List;
import org.junit.jupiter.api.Test;

class PromptTestTest {
  @Test
  void ranksEachAnswerTokenAgainstTheFullForward() {
    HookedTransformer ht =
        HookedTransformer.fromGPT2(HookedTransformerTest.model(GPT2Config.Activation.GELU, true));
    CharTokenizer tok = CharTokenizer.fit("abcdefghijklmnopqrstuvwxyz ABC");
    List<PromptTest.AnswerToken> r = PromptTest.run(ht, tok, "abc d", "ef", 3, -1);
    assertEquals(2, r.size());
    int[] ids = tok.encode("abc def");
    float[] logits;
    try (Tensor.NoGrad ignored = Tensor.noGrad()) {
      long[] l = new long[ids.length];
      for (int i = 0; i < ids.length; i++) {
        l[i] = ids[i];
      }
      logits = ht.forward(Tensor.of(l, 1, l.length)).select(0, 0).select(0, 4).toFloatArray();
    }
    int e = tok.encode("e")[0];
    int rank = 0;
    for (int v = 0; v < logits.length; v++) {
      if (logits[v] > logits[e]) {
        rank++;
      }
    }
    assertEquals(rank, r.get(0).rank());
    assertEquals(logits[e], r.get(0).answer().logit(), 1e-5);
    assertEquals("e", r.get(0).answer().text());
    assertEquals(3, r.get(1).top().size());
    assertTrue(r.get(0).top().get(0).logit() >= r.get(0).top().get(1).logit());
    String report = PromptTest.format(r);
    assertTrue(report.contains("Performance on answer token:"), report);
    assertTrue(report.contains("Token: |f|"), report);
    assertThrows(IllegalArgumentException.class, () -> PromptTest.run(ht, tok, "", "e", 3, -1));
  }
}
