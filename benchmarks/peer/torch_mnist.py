#!/usr/bin/env python3
"""Peer for examples' MnistTrain: the same MLP (784-256-10) and CNN (two 3x3 convs + 2x2 max
pooling) trained in PyTorch 1.13 on the same IDX files, same batch size, optimizer and epochs.

  /usr/bin/python3 torch_mnist.py --data ../shared/data/mnist-10k --model mlp
  /usr/bin/python3 torch_mnist.py --data ../shared/data/mnist-10k --model cnn

Prints one JSON line: test accuracy, seconds per epoch (median), threads.
"""
import argparse, gzip, json, statistics, struct, time
import torch
import torch.nn as nn
import torch.nn.functional as F


def read_idx(path):
    with open(path, "rb") as f:
        raw = f.read()
    if raw[:2] == b"\x1f\x8b":
        raw = gzip.decompress(raw)
    magic, = struct.unpack(">i", raw[:4])
    ndim = magic & 0xFF
    dims = struct.unpack(">" + "i" * ndim, raw[4:4 + 4 * ndim])
    data = torch.frombuffer(bytearray(raw[4 + 4 * ndim:]), dtype=torch.uint8)
    return data.reshape(dims)


def load(folder, prefix):
    x = read_idx(f"{folder}/{prefix}-images-idx3-ubyte.gz").float().div(255).unsqueeze(1)
    y = read_idx(f"{folder}/{prefix}-labels-idx1-ubyte.gz").long()
    return x, y


class Mlp(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1, self.fc2 = nn.Linear(784, 256), nn.Linear(256, 10)

    def forward(self, x):
        return self.fc2(F.relu(self.fc1(x.flatten(1))))


class Cnn(nn.Module):
    def __init__(self):
        super().__init__()
        self.c1, self.c2 = nn.Conv2d(1, 16, 3, padding=1), nn.Conv2d(16, 32, 3, padding=1)
        self.fc = nn.Linear(32 * 7 * 7, 10)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.c1(x)), 2)
        x = F.max_pool2d(F.relu(self.c2(x)), 2)
        return self.fc(x.flatten(1))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", required=True)
    ap.add_argument("--model", choices=["mlp", "cnn"], default="mlp")
    ap.add_argument("--epochs", type=int, default=0, help="default: 20 for mlp, 8 for cnn")
    ap.add_argument("--batch-size", type=int, default=64)
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--seed", type=int, default=0)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    if not a.epochs:
        a.epochs = 20 if a.model == "mlp" else 8
    torch.manual_seed(a.seed)
    xtr, ytr = load(a.data, "train")
    xte, yte = load(a.data, "t10k")
    model = Mlp() if a.model == "mlp" else Cnn()
    opt = torch.optim.Adam(model.parameters(), lr=a.lr)
    times = []
    for epoch in range(a.epochs):
        t0 = time.perf_counter()
        model.train()
        perm = torch.randperm(len(xtr))
        for i in range(0, len(xtr), a.batch_size):
            idx = perm[i:i + a.batch_size]
            loss = F.cross_entropy(model(xtr[idx]), ytr[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
        times.append(time.perf_counter() - t0)
    model.eval()
    with torch.no_grad():
        acc = (model(xte).argmax(1) == yte).float().mean().item()
    print(json.dumps({"peer": "pytorch " + torch.__version__, "model": a.model, "epochs": a.epochs,
                      "test_accuracy": acc, "median_s_per_epoch": statistics.median(times),
                      "threads": torch.get_num_threads()}))


if __name__ == "__main__":
    main()
