package dev.residual.nn.functional;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.residual.tensor.DType;
import dev.residual.tensor.Generator;
import dev.residual.tensor.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

class SelfAttentionTest {
  private static Tensor viaSdpa(Tensor qkv, int heads, boolean causal, Tensor mask) {
    long[] s = qkv.shape();
    long b = s[0];
    long t = s[1];
    long c = s[2] / 3;
    List<Tensor> parts = qkv.split(c, -1);
    Tensor[] qkvh = new Tensor[3];
    for (int i = 0; i < 3; i++) {
      qkvh[i] = parts.get(i).reshape(b, t, heads, c / heads).transpose(1, 2);
    }
    Tensor y = F.scaledDotProductAttention(qkvh[0], qkvh[1], qkvh[2], causal, mask);
    return y.transpose(1, 2).reshape(b, t, c);
  }

  @Test
  void selfAttentionEqualsSplitTransposeSdpaInValueAndGradient() {
    Generator g = new Generator(7);
    for (boolean causal : new boolean[] {true, false}) {
      Tensor base = Tensor.randn(g, 2, 5, 12).to(DType.FLOAT64);
      Tensor r = Tensor.randn(g, 2, 5, 4).to(DType.FLOAT64);
      Tensor a = base.detach().requiresGrad(true);
      Tensor bq = Tensor.zerosLike(base).add(base).requiresGrad(true);
      Tensor ya = F.selfAttention(a, 2, causal, null);
      Tensor yb = viaSdpa(bq, 2, causal, null);
      assertArrayEquals(yb.toDoubleArray(), ya.toDoubleArray(), 1e-12);
      ya.mul(r).sum().backward();
      yb.mul(r).sum().backward();
      assertArrayEquals(bq.grad().toDoubleArray(), a.grad().toDoubleArray(), 1e-12);
    }
  }

  @Test
  void selfAttentionHonoursABooleanMask() {
    Generator g = new Generator(3);
    Tensor qkv = Tensor.randn(g, 1, 4, 6).to(DType.FLOAT64);
    Tensor mask = Tensor.of(new boolean[] {true, true, false, true}, 1, 1, 1, 4);
    Tensor ya = F.selfAttention(qkv, 1, false, mask);
    Tensor yb = viaSdpa(qkv, 1, false, mask);
    assertArrayEquals(yb.toDoubleArray(), ya.toDoubleArray(), 1e-12);
  }

  @Test
  void selfAttentionRejectsAWidthNotDivisibleByHeads() {
    Tensor qkv = Tensor.zeros(1, 2, 9);
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> F.selfAttention(qkv, 2, true, null));
    assertTrue(e.getMessage().contains("[1, 2, 9]"), e.getMessage());
  }
}
