/**
 * Side-by-side benchmarks, run by hand and reported, never as tests: {@code GemmBench} ({@code
 * Tensor.matmul} against {@code cblas_sgemm} called directly), {@code SmallOpBench} (latency of
 * small ops against ND4J), {@code BlockBench} (a transformer block's forward and backward, with
 * {@code peer/torch_block.py} as the PyTorch peer) and {@code MemoryBench} (resident memory over
 * 10,000 training steps). See {@code benchmarks/README.md} for how to run them.
 */
package dev.residual.benchmarks;
