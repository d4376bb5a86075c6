#!/usr/bin/env bash
# Alternates Residual's BlockBench and the PyTorch peer (peer/torch_block.py) on the same
# transformer block, A B A B ..., for each thread count, and prints the ratio of medians
# ours / PyTorch using each side's best thread count.
#
#   benchmarks/run-block-vs-torch.sh                 # ROUNDS=3 rounds, THREAD_COUNTS="1 2"
#   ROUNDS=5 ITERS=50 WARMUP=15 benchmarks/run-block-vs-torch.sh
#   ATTENTION=composed benchmarks/run-block-vs-torch.sh   # our block composed exactly as the peer
#
# Needs Debian's PyTorch (apt-get install -y python3-torch) run by /usr/bin/python3, and an
# optimised BLAS behind it: python3-torch alone pulls in the reference BLAS (libblas3), which makes
# PyTorch's GEMMs some 10x slower; apt-get install -y libopenblas0-pthread switches the system BLAS
# to OpenBLAS (whose own thread pool ignores torch.set_num_threads, hence OPENBLAS_NUM_THREADS
# below). The script warns when the reference BLAS is active.
#
# Both sides inherit OPENBLAS_CORETYPE: on CPUs that OpenBLAS 0.3.19/0.3.21 do not recognise (they
# then print "Core: Prescott" and run SSE3 kernels 4-5x slower) set it for a fair, fast comparison,
# e.g. OPENBLAS_CORETYPE=SkylakeX benchmarks/run-block-vs-torch.sh
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
rounds="${ROUNDS:-3}"
iters="${ITERS:-40}"
warmup="${WARMUP:-10}"
thread_counts="${THREAD_COUNTS:-1 2}"
# fused: F.selfAttention on the fused projection; composed: split, transposes and SDPA, op for op
# as the peer does it.
attention="${ATTENTION:-fused}"
py="${PYTHON:-/usr/bin/python3}"

blas="$(readlink -f /usr/lib/x86_64-linux-gnu/libblas.so.3 2>/dev/null || true)"
case "$blas" in
  */blas/libblas.so.3*)
    echo "WARNING: the system BLAS is the reference implementation ($blas);" \
      "PyTorch's GEMMs will be far slower than they should be: apt-get install -y libopenblas0-pthread" >&2 ;;
esac

echo "OpenBLAS kernel, residual (bytedeco 0.3.19):" \
  "$(benchmarks/run.sh BlockBench --iters 1 --warmup 0 2>&1 | grep -m1 '^Core:' || echo '?')" >&2
echo "OpenBLAS kernel, pytorch (system):" \
  "$(OPENBLAS_VERBOSE=2 "$py" -c 'import torch; torch.ones(2, 2) @ torch.ones(2, 2)' 2>&1 \
    | grep -m1 '^Core:' || echo '?')" >&2
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
for r in $(seq 1 "$rounds"); do
  for t in $thread_counts; do
    echo "round $r, $t thread(s): residual" >&2
    THREADS="$t" SKIP_BUILD=1 benchmarks/run.sh BlockBench --threads "$t" --iters "$iters" \
      --warmup "$warmup" --attention "$attention" 2>/dev/null | tail -n 1 >>"$log"
    echo "round $r, $t thread(s): pytorch" >&2
    OMP_NUM_THREADS="$t" OPENBLAS_NUM_THREADS="$t" "$py" benchmarks/peer/torch_block.py --threads "$t" --iters "$iters" \
      --warmup "$warmup" | tail -n 1 >>"$log"
  done
done

"$py" - "$log" <<'PY'
import json, statistics, sys
from collections import defaultdict
wall, cpu = defaultdict(list), defaultdict(list)
for line in open(sys.argv[1]):
    line = line.strip()
    if line.startswith("{"):
        d = json.loads(line)
        key = ("residual" if d["impl"] == "residual" else "pytorch", d["threads"])
        wall[key].append(d["median_ms"])
        cpu[key].append(d.get("cpu_ms", float("nan")))
med = statistics.median
print(f"{'side':10s} {'threads':>7s} {'wall ms':>9s} {'main-thread CPU ms':>19s}   per-run wall medians")
best = {}
for key in sorted(wall):
    side, t = key
    m = med(wall[key])
    print(f"{side:10s} {t:7d} {m:9.2f} {med(cpu[key]):19.2f}   {', '.join(f'{v:.1f}' for v in wall[key])}")
    if side not in best or m < best[side][1]:
        best[side] = (t, m)
for t in sorted({t for _, t in wall}):
    r, p = ("residual", t), ("pytorch", t)
    if r in wall and p in wall:
        print(f"ratio ours/pytorch at {t} thread(s): wall {med(wall[r]) / med(wall[p]):.2f},"
              f" main-thread CPU {med(cpu[r]) / med(cpu[p]):.2f}")
if "residual" in best and "pytorch" in best:
    (tr, mr), (tp, mp) = best["residual"], best["pytorch"]
    print(f"best: residual {mr:.2f} ms ({tr} thr), pytorch {mp:.2f} ms ({tp} thr);"
          f" ratio ours/pytorch = {mr / mp:.2f} (target <= 1.0)")
PY
