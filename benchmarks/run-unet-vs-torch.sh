#!/usr/bin/env bash
# Alternates Residual's UNetStepBenchmark (diffusion test sources) and the PyTorch peer
# (peer/torch_unet.py) on the same MNIST-sized U-Net training step, A B A B ..., for each thread
# count; each run prints its parameter count (they must match) and one JSON line.
#
#   benchmarks/run-unet-vs-torch.sh                  # ROUNDS=2, THREAD_COUNTS="1 2", ITERS=5
#   BASE=16 benchmarks/run-unet-vs-torch.sh          # the base-16 U-Net that MnistExperiment trains
#
# Needs Debian's PyTorch (apt-get install -y python3-torch) run by /usr/bin/python3; see
# run-block-vs-torch.sh for the BLAS notes: on CPUs this OpenBLAS does not recognise, run it as
# OPENBLAS_CORETYPE=SkylakeX benchmarks/run-unet-vs-torch.sh (both sides inherit it; without it
# Residual's step measured 2x slower here).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
rounds="${ROUNDS:-2}"
iters="${ITERS:-5}"
warmup="${WARMUP:-2}"
thread_counts="${THREAD_COUNTS:-1 2}"
base="${BASE:-32}"
py="${PYTHON:-/usr/bin/python3}"
cpfile="diffusion/target/classpath.txt"
if [ "${SKIP_BUILD:-0}" != 1 ] || [ ! -f "$cpfile" ]; then
  ./mvnw -B -q -o -pl diffusion test-compile dependency:build-classpath \
    -Dspotless.check.skip=true -Dmdep.outputFile=target/classpath.txt -Dmdep.includeScope=test
fi
cp="diffusion/target/classes:diffusion/target/test-classes:$(cat "$cpfile")"
for r in $(seq 1 "$rounds"); do
  for t in $thread_counts; do
    echo "round $r, $t thread(s): residual" >&2
    OMP_NUM_THREADS="$t" OPENBLAS_NUM_THREADS="$t" java --add-modules jdk.incubator.vector \
      ${JAVA_OPTS:--Xmx2g} -cp "$cp" dev.residual.diffusion.models.UNetStepBenchmark \
      --threads "$t" --iters "$iters" --warmup "$warmup" --base "$base" 2>/dev/null | tail -n 2
    echo "round $r, $t thread(s): pytorch" >&2
    OMP_NUM_THREADS="$t" OPENBLAS_NUM_THREADS="$t" "$py" benchmarks/peer/torch_unet.py \
      --threads "$t" --iters "$iters" --warmup "$warmup" --base "$base" | tail -n 2
  done
done
