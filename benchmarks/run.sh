#!/usr/bin/env bash
# Builds the benchmarks module (and core-tensor) and runs one benchmark main.
#
#   benchmarks/run.sh GemmBench --threads 1
#   benchmarks/run.sh SmallOpBench
#   benchmarks/run.sh BlockBench --threads 2 --profile
#   benchmarks/run.sh MemoryBench --steps 10000
#
# THREADS (default 1) sets OMP_NUM_THREADS and OPENBLAS_NUM_THREADS for the JVM, so ND4J's
# OpenMP pool and OpenBLAS start with that many threads; pass --threads N as well to set OpenBLAS
# explicitly. JAVA_OPTS adds JVM options (default: -Xmx2g). SKIP_BUILD=1 reuses the last build.
#
# OpenBLAS prints the kernel it picked ("Core: ...", OPENBLAS_VERBOSE=2 by default here). The
# OpenBLAS 0.3.19 that bytedeco ships does not know recent Intel Xeons (Sapphire Rapids) and falls
# back to its SSE3 "Prescott" kernels, 4-5x slower; OPENBLAS_CORETYPE=SkylakeX (AVX-512) or
# Haswell (AVX2) in the environment overrides the detection. See README.md.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
if [ $# -lt 1 ]; then
  echo "usage: benchmarks/run.sh <GemmBench|SmallOpBench|BlockBench|MemoryBench> [--option value ...]" >&2
  exit 2
fi
bench="$1"
shift
cpfile="benchmarks/target/classpath.txt"
if [ "${SKIP_BUILD:-0}" != 1 ] || [ ! -f "$cpfile" ]; then
  ./mvnw -B -q -o -pl benchmarks -am package dependency:build-classpath -DskipTests \
    -Dspotless.check.skip=true -Dmdep.outputFile=target/classpath.txt -Dmdep.includeScope=runtime
fi
cp="benchmarks/target/classes:$(cat "$cpfile")"
threads="${THREADS:-1}"
export OMP_NUM_THREADS="$threads" OPENBLAS_NUM_THREADS="$threads"
export OPENBLAS_VERBOSE="${OPENBLAS_VERBOSE:-2}"
# shellcheck disable=SC2086
exec java --add-modules jdk.incubator.vector ${JAVA_OPTS:--Xmx2g} -cp "$cp" "dev.residual.benchmarks.$bench" "$@"
