package dev.residual.tensor;

import dev.residual.tensor.internal.Engine;
import java.util.Arrays;
import java.util.List;

/**
 * Functional autograd entry points: gradients with respect to chosen inputs without touching {@link
 * Tensor#grad()} (as {@code torch.autograd.grad}), and anomaly detection.
 */
public final class Autograd {
  private Autograd() {}

  /**
   * Gradients of the scalar {@code output} with respect to {@code inputs}; {@code grad()} fields
   * are left untouched and the graph is released.
   *
   * @return one gradient per input (zeros for an input the output does not depend on)
   * @throws IllegalArgumentException if {@code output} is not a scalar or an input does not require
   *     grad
   */
  public static List<Tensor> grad(Tensor output, List<Tensor> inputs) {
    if (output.numel() != 1) {
      throw new IllegalArgumentException(
          "Autograd.grad: output must be a scalar, got shape "
              + Arrays.toString(output.shape())
              + "; pass gradOutputs");
    }
    return grad(List.of(output), inputs, List.of(Tensor.onesLike(output)), false);
  }

  /**
   * Gradients of {@code outputs} (weighted by {@code gradOutputs}, each of its output's shape) with
   * respect to {@code inputs}.
   *
   * @param retainGraph keep the graph for another backward
   * @throws IllegalStateException if an output does not require grad
   */
  public static List<Tensor> grad(
      List<Tensor> outputs, List<Tensor> inputs, List<Tensor> gradOutputs, boolean retainGraph) {
    if (outputs.size() != gradOutputs.size()) {
      throw new IllegalArgumentException(
          "Autograd.grad: "
              + outputs.size()
              + " outputs but "
              + gradOutputs.size()
              + " gradOutputs");
    }
    Tensor[] roots = outputs.toArray(new Tensor[0]);
    Tensor[] rootGrads = new Tensor[roots.length];
    for (int k = 0; k < roots.length; k++) {
      if (!roots[k].requiresGrad()) {
        throw new IllegalStateException(
            "Autograd.grad: output " + k + " does not require grad and has no grad_fn");
      }
      Tensor g = gradOutputs.get(k);
      if (!Arrays.equals(g.shape(), roots[k].shape())) {
        throw new IllegalArgumentException(
            "Autograd.grad: gradOutput "
                + k
                + " has shape "
                + Arrays.toString(g.shape())
                + " but output has shape "
                + Arrays.toString(roots[k].shape()));
      }
      rootGrads[k] = g.to(roots[k].dtype());
    }
    Tensor[] in = inputs.toArray(new Tensor[0]);
    Tensor[] res = Engine.backward(roots, rootGrads, retainGraph, in);
    for (int k = 0; k < res.length; k++) {
      if (res[k] == null) {
        res[k] = Tensor.zerosLike(in[k]);
      } else if (res[k].requiresGrad()) {
        res[k] = res[k].detach();
      }
    }
    return Arrays.asList(res);
  }

  /** A scope in which backward checks every gradient for NaN/Inf; close it to leave. */
  public static final class AnomalyMode implements AutoCloseable {
    private boolean closed;

    private AnomalyMode() {
      Engine.pushAnomaly();
    }

    @Override
    public void close() {
      if (!closed) {
        closed = true;
        Engine.popAnomaly();
      }
    }
  }

  /**
   * Opens an anomaly-detection scope on this thread: {@code try (var a = Autograd.detectAnomaly())
   * {…}}. Inside it, ops record where they were created, and a backward that produces NaN or Inf
   * throws an {@link IllegalStateException} naming the op (with the forward stack trace as its
   * cause). Slower; for debugging.
   */
  public static AnomalyMode detectAnomaly() {
    return new AnomalyMode();
  }
}
