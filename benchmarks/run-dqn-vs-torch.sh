#!/usr/bin/env bash
# DQN on CartPole-v1, Residual vs a PyTorch port of the same equations (benchmarks/peer/
# torch_dqn_cartpole.py), alternating seed by seed in one session so machine load hits both.
#   benchmarks/run-dqn-vs-torch.sh [seeds...]        (default: 1 2 3; about 10 minutes on 2 cores)
# Prints, per seed, Residual's evaluation and speed lines and PyTorch's JSON line.
set -euo pipefail
cd "$(dirname "$0")/.."
seeds=("$@")
[ ${#seeds[@]} -eq 0 ] && seeds=(1 2 3)
./residual --version > /dev/null
for s in "${seeds[@]}"; do
  echo "== seed $s: Residual (1 process, default threads)"
  ./residual rl dqn --preset cleanrl --seed "$s" --no-track --no-gif | grep -E "Evaluation|Training took"
  echo "== seed $s: PyTorch 1.13 (1 thread)"
  OPENBLAS_NUM_THREADS=1 /usr/bin/python3 benchmarks/peer/torch_dqn_cartpole.py --seed "$s" --threads 1
done
echo "== CartPole raw simulation, single env, random actions"
java --add-modules jdk.incubator.vector -cp "examples/target/residual-cli.jar:examples/target/lib/*" \
  dev.residual.rl.env.classic.CartPoleSpeed 2>&1 | grep -v -i warn
/usr/bin/python3 benchmarks/peer/torch_dqn_cartpole.py --sim-only
