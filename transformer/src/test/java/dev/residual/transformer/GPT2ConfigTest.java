package dev.residual.transformer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class GPT2ConfigTest {
  @Test
  void presetsHaveGpt2Sizes() {
    GPT2Config s = GPT2Config.gpt2();
    assertEquals(12, s.nLayer());
    assertEquals(12, s.nHead());
    assertEquals(768, s.nEmbd());
    assertEquals(1024, s.blockSize());
    assertEquals(50257, s.vocabSize());
    assertEquals(1e-5, s.layerNormEps());
    assertEquals(GPT2Config.Activation.GELU_TANH, s.activation());
    assertTrue(s.bias() && s.tieWeights());
    assertEquals(0.0, s.dropout());
    GPT2Config m = GPT2Config.gpt2Medium();
    assertEquals(24, m.nLayer());
    assertEquals(16, m.nHead());
    assertEquals(1024, m.nEmbd());
    GPT2Config l = GPT2Config.gpt2Large();
    assertEquals(36, l.nLayer());
    assertEquals(20, l.nHead());
    assertEquals(1280, l.nEmbd());
    GPT2Config xl = GPT2Config.gpt2Xl();
    assertEquals(48, xl.nLayer());
    assertEquals(25, xl.nHead());
    assertEquals(1600, xl.nEmbd());
    GPT2Config baby = GPT2Config.babyShakespeare();
    assertEquals(4, baby.nLayer());
    assertEquals(4, baby.nHead());
    assertEquals(128, baby.nEmbd());
    assertEquals(64, baby.blockSize());
    assertEquals(65, baby.vocabSize());
    assertEquals(0.0, baby.dropout());
    assertEquals(32, baby.headSize());
  }

  @Test
  void presetParameterCountsMatchPublishedSizes() {
    assertEquals(124_439_808L, GPT2.countParameters(GPT2Config.gpt2()));
    assertEquals(354_823_168L, GPT2.countParameters(GPT2Config.gpt2Medium()));
    assertEquals(774_030_080L, GPT2.countParameters(GPT2Config.gpt2Large()));
    assertEquals(1_557_611_200L, GPT2.countParameters(GPT2Config.gpt2Xl()));
  }

  @Test
  void withersChangeOneField() {
    GPT2Config b = GPT2Config.babyShakespeare();
    assertEquals(0.2, b.withDropout(0.2).dropout());
    assertEquals(128, b.withVocabSize(128).vocabSize());
    assertEquals(32, b.withBlockSize(32).blockSize());
    assertEquals(b.nLayer(), b.withDropout(0.2).nLayer());
  }

  @Test
  void widthNotDivisibleByHeadsIsRejectedWithBothNumbers() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> GPT2Config.of(2, 3, 8, 16, 11));
    assertTrue(e.getMessage().contains("nEmbd (8)") && e.getMessage().contains("nHead (3)"));
  }

  @Test
  void nonPositiveSizesAreRejectedByName() {
    assertTrue(
        assertThrows(IllegalArgumentException.class, () -> GPT2Config.of(0, 1, 8, 16, 11))
            .getMessage()
            .contains("nLayer"));
    assertTrue(
        assertThrows(IllegalArgumentException.class, () -> GPT2Config.of(1, 0, 8, 16, 11))
            .getMessage()
            .contains("nHead"));
    assertTrue(
        assertThrows(IllegalArgumentException.class, () -> GPT2Config.of(1, 1, -8, 16, 11))
            .getMessage()
            .contains("nEmbd"));
    assertTrue(
        assertThrows(IllegalArgumentException.class, () -> GPT2Config.of(1, 1, 8, 0, 11))
            .getMessage()
            .contains("blockSize"));
    assertTrue(
        assertThrows(IllegalArgumentException.class, () -> GPT2Config.of(1, 1, 8, 16, 0))
            .getMessage()
            .contains("vocabSize"));
  }

  @Test
  void badDropoutEpsAndActivationAreRejected() {
    GPT2Config b = GPT2Config.babyShakespeare();
    assertThrows(IllegalArgumentException.class, () -> b.withDropout(1.0));
    assertThrows(IllegalArgumentException.class, () -> b.withDropout(-0.1));
    assertThrows(
        IllegalArgumentException.class,
        () -> new GPT2Config(1, 1, 8, 16, 11, 0, true, -1e-5, GPT2Config.Activation.GELU, true));
    assertThrows(
        IllegalArgumentException.class,
        () -> new GPT2Config(1, 1, 8, 16, 11, 0, true, 1e-5, null, true));
  }
}
