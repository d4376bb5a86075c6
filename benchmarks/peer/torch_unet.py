#!/usr/bin/env python3
"""Peer for UNetStepBenchmark: the same DDPM U-Net as dev.residual.diffusion.models.UNet, timing
one training step (forward, MSE against random noise, backward, AdamW step) in PyTorch 1.13.

Needs Debian's PyTorch:  apt-get install -y python3-torch   (then run with /usr/bin/python3)

Architecture (module for module as the Java UNet, so the parameter counts match):
  time: sinusoidal(t, base) [sin | cos] -> Linear(base, 4base) -> SiLU -> Linear(4base, 4base),
        plus Embedding(num_classes + 1, 4base)(y) for a conditional model
  in conv 3x3 -> down levels (res blocks [+ attention], strided 3x3 conv except at the last level)
  -> middle (res, attention, res) -> up levels (num_res + 1 res blocks, each concatenating a
  popped skip [+ attention], nearest x2 + 3x3 conv except at level 0) -> GN -> SiLU -> conv 3x3.
  Res block: h = conv1(silu(gn1(x))) + Linear(silu(temb))[:, :, None, None];
             h = conv2(dropout(silu(gn2(h)))); return skip(x) + h (skip: 1x1 conv if channels change)
  Attention: single head, x + proj(softmax(q k^T / sqrt(C)) v) with q|k|v = Linear(C, 3C)(gn(x))
             over the H*W positions (written out: 1.13 has no fused scaled_dot_product_attention).

  torch_unet.py --threads 1     # prints the parameter count, then one JSON line with the median
"""
import argparse, json, math, statistics, time
import torch
import torch.nn as nn
import torch.nn.functional as F


def sinusoidal(t, dim):
    half = dim // 2
    freqs = torch.exp(-math.log(10000.0) * torch.arange(half, dtype=torch.float64) / half)
    args = t.to(torch.float64)[:, None] * freqs[None, :]
    return torch.cat([torch.sin(args), torch.cos(args)], dim=1).float()


class ResBlock(nn.Module):
    def __init__(self, cin, cout, temb, groups, p):
        super().__init__()
        self.norm1 = nn.GroupNorm(groups, cin)
        self.conv1 = nn.Conv2d(cin, cout, 3, padding=1)
        self.temb_proj = nn.Linear(temb, cout)
        self.norm2 = nn.GroupNorm(groups, cout)
        self.dropout = nn.Dropout(p)
        self.conv2 = nn.Conv2d(cout, cout, 3, padding=1)
        self.skip = nn.Conv2d(cin, cout, 1) if cin != cout else None

    def forward(self, x, temb):
        h = self.conv1(F.silu(self.norm1(x)))
        h = h + self.temb_proj(F.silu(temb))[:, :, None, None]
        h = self.conv2(self.dropout(F.silu(self.norm2(h))))
        return (self.skip(x) if self.skip is not None else x) + h


class Attention(nn.Module):
    def __init__(self, c, groups):
        super().__init__()
        self.norm = nn.GroupNorm(groups, c)
        self.qkv = nn.Linear(c, 3 * c)
        self.proj = nn.Linear(c, c)

    def forward(self, x):
        b, c, h, w = x.shape
        seq = self.norm(x).reshape(b, c, h * w).transpose(1, 2)
        q, k, v = self.qkv(seq).split(c, dim=2)
        s = (q @ k.transpose(1, 2)) * (1.0 / math.sqrt(c))
        a = s.softmax(dim=-1) @ v
        return x + self.proj(a).transpose(1, 2).reshape(b, c, h, w)


class Down(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.conv = nn.Conv2d(c, c, 3, stride=2, padding=1)

    def forward(self, x):
        return self.conv(x)


class Up(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.conv = nn.Conv2d(c, c, 3, padding=1)

    def forward(self, x):
        return self.conv(F.interpolate(x, scale_factor=2, mode="nearest"))


class UNet(nn.Module):
    def __init__(self, in_ch, base, mults, num_res, attn_levels, mid_attn, groups, p, num_classes):
        super().__init__()
        self.base, self.num_classes = base, num_classes
        e = 4 * base
        self.time_fc1, self.time_fc2 = nn.Linear(base, e), nn.Linear(e, e)
        self.class_embed = nn.Embedding(num_classes + 1, e) if num_classes > 0 else None
        self.in_conv = nn.Conv2d(in_ch, base, 3, padding=1)
        self.down, self.mid, self.up = nn.ModuleList(), nn.ModuleList(), nn.ModuleList()
        skips, ch = [base], base
        for l, m in enumerate(mults):
            out = base * m
            for _ in range(num_res):
                self.down.append(ResBlock(ch, out, e, groups, p))
                ch = out
                if l in attn_levels:
                    self.down.append(Attention(ch, groups))
                skips.append(ch)
            if l != len(mults) - 1:
                self.down.append(Down(ch))
                skips.append(ch)
        self.mid.append(ResBlock(ch, ch, e, groups, p))
        if mid_attn:
            self.mid.append(Attention(ch, groups))
        self.mid.append(ResBlock(ch, ch, e, groups, p))
        for l in reversed(range(len(mults))):
            out = base * mults[l]
            for _ in range(num_res + 1):
                blk = ResBlock(ch + skips.pop(), out, e, groups, p)
                blk.pops_skip = True
                self.up.append(blk)
                ch = out
                if l in attn_levels:
                    self.up.append(Attention(ch, groups))
            if l != 0:
                self.up.append(Up(ch))
        assert not skips, "every skip must be consumed"
        self.out_norm = nn.GroupNorm(groups, ch)
        self.out_conv = nn.Conv2d(ch, in_ch, 3, padding=1)

    @staticmethod
    def apply_block(m, h, temb):
        return m(h, temb) if isinstance(m, ResBlock) else m(h)

    def forward(self, x, t, y):
        temb = self.time_fc2(F.silu(self.time_fc1(sinusoidal(t, self.base))))
        if self.class_embed is not None:
            if y is None:
                y = torch.full((x.shape[0],), self.num_classes, dtype=torch.long)
            temb = temb + self.class_embed(y)
        h = self.in_conv(x)
        hs = [h]
        for m in self.down:
            h = self.apply_block(m, h, temb)
            if isinstance(m, Attention):
                hs[-1] = h
            else:
                hs.append(h)
        for m in self.mid:
            h = self.apply_block(m, h, temb)
        for m in self.up:
            if getattr(m, "pops_skip", False):
                h = torch.cat([h, hs.pop()], dim=1)
            h = self.apply_block(m, h, temb)
        assert not hs, "every skip must be consumed"
        return self.out_conv(F.silu(self.out_norm(h)))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--warmup", type=int, default=3)
    ap.add_argument("--iters", type=int, default=10)
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--size", type=int, default=28)
    ap.add_argument("--base", type=int, default=32)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    net = UNet(1, a.base, (1, 2, 2), 1, (), True, 8, 0.1, 10)
    params = sum(p.numel() for p in net.parameters())
    print(f"pytorch UNet parameters: {params}")
    opt = torch.optim.AdamW(net.parameters(), lr=2e-4)
    x = torch.randn(a.batch, 1, a.size, a.size)
    eps = torch.randn(a.batch, 1, a.size, a.size)
    t = torch.randint(0, 1000, (a.batch,))
    y = torch.randint(0, 11, (a.batch,))
    times, fwd, bwd = [], [], []
    for it in range(a.warmup + a.iters):
        t0 = time.perf_counter()
        opt.zero_grad(set_to_none=False)
        f0 = time.perf_counter()
        loss = F.mse_loss(net(x, t, y), eps)
        f1 = time.perf_counter()
        loss.backward()
        b1 = time.perf_counter()
        opt.step()
        ms = (time.perf_counter() - t0) * 1e3
        if it >= a.warmup:
            times.append(ms)
            fwd.append((f1 - f0) * 1e3)
            bwd.append((b1 - f1) * 1e3)
    print(json.dumps({"impl": "pytorch", "threads": a.threads, "params": params,
                      "median_ms": round(statistics.median(times), 1),
                      "mean_ms": round(statistics.mean(times), 1),
                      "forward_ms": round(statistics.median(fwd), 1),
                      "backward_ms": round(statistics.median(bwd), 1), "iters": a.iters}))


if __name__ == "__main__":
    main()
