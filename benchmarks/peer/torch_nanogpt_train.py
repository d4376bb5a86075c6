#!/usr/bin/env python3
"""Peer reference: nanoGPT's character-level training loop, for comparing loss curves with Residual.

Follows nanoGPT's model.py/train.py semantics for the CPU "baby" run: pre-LN GPT without biases,
exact GELU, tied head, N(0, 0.02) init with scaled residual projections, AdamW with decay on
>=2-D parameters only, linear warmup (it+1)/(warmup+1) then cosine to min_lr, clip 1.0,
estimate_loss every eval_interval on eval_iters random batches of each split.

Optional lock-step mode (to find numerical differences, not seed noise):
  --init FILE.safetensors   start from these weights (nanoGPT names, as Residual saves them)
  --offsets FILE            int64 little-endian batch start offsets, batch_size per iteration,
                            used instead of torch.randint for the training batches
  --print-every 1           print every iteration's loss

Run with Debian's PyTorch:  /usr/bin/python3 torch_nanogpt_train.py --data DIR
Prints one JSON line per evaluation and a final summary line.
"""
import argparse, json, math, os, struct, time
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


class LayerNorm(nn.Module):
    def __init__(self, d, bias):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(d))
        self.bias = nn.Parameter(torch.zeros(d)) if bias else None

    def forward(self, x):
        return F.layer_norm(x, self.weight.shape, self.weight, self.bias, 1e-5)


class Attention(nn.Module):
    def __init__(self, d, h, bias):
        super().__init__()
        self.h = h
        self.c_attn = nn.Linear(d, 3 * d, bias=bias)
        self.c_proj = nn.Linear(d, d, bias=bias)

    def forward(self, x):
        b, t, d = x.shape
        q, k, v = self.c_attn(x).split(d, dim=2)
        q, k, v = (z.view(b, t, self.h, d // self.h).transpose(1, 2) for z in (q, k, v))
        att = (q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(k.size(-1)))
        mask = torch.ones(t, t, dtype=torch.bool).tril()
        att = att.masked_fill(~mask, float("-inf")).softmax(dim=-1)
        y = (att @ v).transpose(1, 2).contiguous().view(b, t, d)
        return self.c_proj(y)


class MLP(nn.Module):
    def __init__(self, d, bias, gelu):
        super().__init__()
        self.c_fc = nn.Linear(d, 4 * d, bias=bias)
        self.c_proj = nn.Linear(4 * d, d, bias=bias)
        self.gelu = gelu

    def forward(self, x):
        return self.c_proj(F.gelu(self.c_fc(x), approximate=self.gelu))


class Block(nn.Module):
    def __init__(self, d, h, bias, gelu):
        super().__init__()
        self.ln_1 = LayerNorm(d, bias)
        self.attn = Attention(d, h, bias)
        self.ln_2 = LayerNorm(d, bias)
        self.mlp = MLP(d, bias, gelu)

    def forward(self, x):
        x = x + self.attn(self.ln_1(x))
        return x + self.mlp(self.ln_2(x))


class GPT(nn.Module):
    def __init__(self, vocab, block, n_layer, n_head, d, bias, gelu):
        super().__init__()
        self.wte, self.wpe = nn.Embedding(vocab, d), nn.Embedding(block, d)
        self.h = nn.ModuleList(Block(d, n_head, bias, gelu) for _ in range(n_layer))
        self.ln_f = LayerNorm(d, bias)
        self.lm_head = nn.Linear(d, vocab, bias=False)
        self.wte.weight = self.lm_head.weight
        self.apply(self._init)
        for name, p in self.named_parameters():
            if name.endswith("c_proj.weight"):
                nn.init.normal_(p, 0.0, 0.02 / math.sqrt(2 * n_layer))

    @staticmethod
    def _init(m):
        if isinstance(m, (nn.Linear, nn.Embedding)):
            nn.init.normal_(m.weight, 0.0, 0.02)
        if isinstance(m, nn.Linear) and m.bias is not None:
            nn.init.zeros_(m.bias)

    def forward(self, idx, targets):
        t = idx.shape[1]
        x = self.wte(idx) + self.wpe(torch.arange(t))
        for blk in self.h:
            x = blk(x)
        logits = self.lm_head(self.ln_f(x))
        return F.cross_entropy(logits.view(-1, logits.size(-1)), targets.view(-1), ignore_index=-1)


# nanoGPT's (and Residual's) names for the parameters above.
def residual_name(name):
    return name if name.startswith("lm_head") else "transformer." + name


def read_safetensors(path):
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        body = f.read()
    out = {}
    for k, v in header.items():
        if k == "__metadata__":
            continue
        assert v["dtype"] == "F32", (k, v["dtype"])
        a, b = v["data_offsets"]
        out[k] = torch.from_numpy(np.frombuffer(body[a:b], dtype="<f4").copy()).view(v["shape"])
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", required=True)
    ap.add_argument("--n-layer", type=int, default=4)
    ap.add_argument("--n-head", type=int, default=4)
    ap.add_argument("--n-embd", type=int, default=128)
    ap.add_argument("--block-size", type=int, default=64)
    ap.add_argument("--batch-size", type=int, default=12)
    ap.add_argument("--bias", type=int, default=0)
    ap.add_argument("--gelu", default="none", help="none (exact, nanoGPT) or tanh")
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument("--min-lr", type=float, default=1e-4)
    ap.add_argument("--warmup-iters", type=int, default=100)
    ap.add_argument("--lr-decay-iters", type=int, default=2000)
    ap.add_argument("--max-iters", type=int, default=2000)
    ap.add_argument("--beta2", type=float, default=0.99)
    ap.add_argument("--weight-decay", type=float, default=0.1)
    ap.add_argument("--grad-clip", type=float, default=1.0)
    ap.add_argument("--eval-interval", type=int, default=250)
    ap.add_argument("--eval-iters", type=int, default=20)
    ap.add_argument("--seed", type=int, default=1337)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--init")
    ap.add_argument("--offsets")
    ap.add_argument("--print-every", type=int, default=0)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    meta = json.load(open(os.path.join(a.data, "meta.json")))
    vocab = len(meta["vocab"]) if "vocab" in meta else meta["vocab_size"]
    data = {s: np.memmap(os.path.join(a.data, s + ".bin"), dtype=np.uint16, mode="r")
            for s in ("train", "val")}
    offsets = np.fromfile(a.offsets, dtype="<i8") if a.offsets else None
    m = GPT(vocab, a.block_size, a.n_layer, a.n_head, a.n_embd, bool(a.bias), a.gelu)
    if a.init:
        sd = read_safetensors(a.init)
        with torch.no_grad():
            for name, p in m.named_parameters():
                p.copy_(sd[residual_name(name)])
    decay = [p for p in m.parameters() if p.dim() >= 2]
    no_decay = [p for p in m.parameters() if p.dim() < 2]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": a.weight_decay},
                             {"params": no_decay, "weight_decay": 0.0}],
                            lr=a.lr, betas=(0.9, a.beta2))

    def batch(split, it=None):
        d = data[split]
        if it is not None and offsets is not None:
            ix = offsets[it * a.batch_size:(it + 1) * a.batch_size]
        else:
            ix = torch.randint(len(d) - a.block_size, (a.batch_size,)).numpy()
        x = torch.stack([torch.from_numpy(d[i:i + a.block_size].astype(np.int64)) for i in ix])
        y = torch.stack([torch.from_numpy(d[i + 1:i + 1 + a.block_size].astype(np.int64)) for i in ix])
        return x, y

    def get_lr(it):
        if it < a.warmup_iters:
            return a.lr * (it + 1) / (a.warmup_iters + 1)
        if it > a.lr_decay_iters:
            return a.min_lr
        r = (it - a.warmup_iters) / (a.lr_decay_iters - a.warmup_iters)
        return a.min_lr + 0.5 * (1.0 + math.cos(math.pi * r)) * (a.lr - a.min_lr)

    @torch.no_grad()
    def estimate():
        m.eval()
        out = {}
        for s in ("train", "val"):
            out[s] = float(np.mean([m(*batch(s)).item() for _ in range(a.eval_iters)]))
        m.train()
        return out

    times, last = [], None
    for it in range(a.max_iters + 1):
        for g in opt.param_groups:
            g["lr"] = get_lr(it)
        if it % a.eval_interval == 0 or it == a.max_iters:
            last = estimate()
            print(json.dumps({"iter": it, "train": last["train"], "val": last["val"]}), flush=True)
        if it == a.max_iters:
            break
        x, y = batch("train", it)
        t0 = time.perf_counter()
        loss = m(x, y)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        if a.grad_clip > 0:
            torch.nn.utils.clip_grad_norm_(m.parameters(), a.grad_clip)
        opt.step()
        times.append((time.perf_counter() - t0) * 1000)
        if a.print_every and it % a.print_every == 0:
            print(json.dumps({"iter": it, "loss": loss.item()}), flush=True)
    # The whole validation split in non-overlapping windows: the val loss without sampling noise.
    with torch.no_grad():
        m.eval()
        d = data["val"]
        starts = np.arange(0, len(d) - a.block_size, a.block_size)
        total, count = 0.0, 0
        for i in range(0, len(starts), 64):
            ix = starts[i:i + 64]
            x = torch.stack([torch.from_numpy(d[j:j + a.block_size].astype(np.int64)) for j in ix])
            y = torch.stack([torch.from_numpy(d[j + 1:j + 1 + a.block_size].astype(np.int64)) for j in ix])
            total += m(x, y).item() * len(ix)
            count += len(ix)
    print(json.dumps({"peer": "pytorch " + torch.__version__, "final_val": last["val"],
                      "final_train": last["train"], "full_val": total / count,
                      "median_ms_per_iter": float(np.median(times))}))


if __name__ == "__main__":
    main()
