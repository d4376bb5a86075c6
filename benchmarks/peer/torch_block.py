#!/usr/bin/env python3
"""Peer for BlockBench: one pre-LayerNorm transformer block, forward+backward, in PyTorch 1.13.

Needs Debian's PyTorch:  apt-get install -y python3-torch   (then run with /usr/bin/python3)

The block matches dev.residual.benchmarks.Block op for op:
  y  = x + linear(attn(heads(split(linear(LN1(x), W_qkv, b_qkv)))), W_proj, b_proj)
  y2 = y + linear(gelu_tanh(linear(LN2(y), W_fc, b_fc)), W_out, b_out)
with causal attention written out as q @ k^T * scale, masked_fill(-inf), softmax, @ v (PyTorch 1.13
has no fused scaled_dot_product_attention), loss = y2.sum(), x requiring grad.

  torch_block.py --threads 1            # prints one JSON line with the median ms per fwd+bwd
  torch_block.py --threads 1 --profile  # also times every op alone (forward, backward)
"""
import argparse, json, math, statistics, time
import torch
import torch.nn.functional as F


def make_params(d, hidden, gen):
    def w(rows, cols):
        return (torch.randn(rows, cols, generator=gen) * 0.02).requires_grad_()

    def z(n):
        return torch.zeros(n).requires_grad_()

    return dict(ln1w=torch.ones(d).requires_grad_(), ln1b=z(d), wqkv=w(3 * d, d), bqkv=z(3 * d),
                wproj=w(d, d), bproj=z(d), ln2w=torch.ones(d).requires_grad_(), ln2b=z(d),
                wfc=w(hidden, d), bfc=z(hidden), wout=w(d, hidden), bout=z(d))


def attention(q, k, v, mask):
    s = (q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(q.shape[-1]))
    s = s.masked_fill(~mask, float("-inf"))
    return s.softmax(dim=-1) @ v


def block(x, p, heads, mask):
    b, t, d = x.shape
    h = F.layer_norm(x, (d,), p["ln1w"], p["ln1b"], 1e-5)
    q, k, v = (z.reshape(b, t, heads, d // heads).transpose(1, 2)
               for z in F.linear(h, p["wqkv"], p["bqkv"]).split(d, dim=-1))
    a = attention(q, k, v, mask).transpose(1, 2).reshape(b, t, d)
    y = x + F.linear(a, p["wproj"], p["bproj"])
    m = F.gelu(F.linear(F.layer_norm(y, (d,), p["ln2w"], p["ln2b"], 1e-5), p["wfc"], p["bfc"]),
               approximate="tanh")
    return y + F.linear(m, p["wout"], p["bout"])


def timed(fn, warm, iters):
    out = []
    for i in range(warm + iters):
        t0 = time.perf_counter()
        fn()
        if i >= warm:
            out.append((time.perf_counter() - t0) * 1000)
    return out


def profile(x, p, heads, mask, iters):
    b, t, d = x.shape
    with torch.no_grad():
        h1 = F.layer_norm(x, (d,), p["ln1w"], p["ln1b"], 1e-5)
        qkv = F.linear(h1, p["wqkv"], p["bqkv"])
        q, k, v = (z.reshape(b, t, heads, d // heads).transpose(1, 2).contiguous()
                   for z in qkv.split(d, dim=-1))
        att = attention(q, k, v, mask).contiguous()
        merged = att.transpose(1, 2).reshape(b, t, d)
        proj = F.linear(merged, p["wproj"], p["bproj"])
        y = x + proj
        h2 = F.layer_norm(y, (d,), p["ln2w"], p["ln2b"], 1e-5)
        fc = F.linear(h2, p["wfc"], p["bfc"])
        act = F.gelu(fc, approximate="tanh")
        out = F.linear(act, p["wout"], p["bout"])
        y2 = y + out

    def leaf(z):
        return z.detach().clone().requires_grad_()

    hidden = p["wfc"].shape[0]
    stages = [
        ("layerNorm 1", [leaf(x), p["ln1w"], p["ln1b"]],
         lambda a: [F.layer_norm(a[0], (d,), a[1], a[2], 1e-5)]),
        (f"linear {d}->{3 * d} (+bias)", [leaf(h1), p["wqkv"], p["bqkv"]],
         lambda a: [F.linear(*a)]),
        ("split + reshape + transpose -> q,k,v", [leaf(qkv)],
         lambda a: [z.reshape(b, t, heads, d // heads).transpose(1, 2)
                    for z in a[0].split(d, dim=-1)]),
        ("attention causal (matmul/mask/softmax)", [leaf(q), leaf(k), leaf(v)],
         lambda a: [attention(a[0], a[1], a[2], mask)]),
        ("transpose + reshape <- heads", [leaf(att)],
         lambda a: [a[0].transpose(1, 2).reshape(b, t, d)]),
        (f"linear {d}->{d} (+bias)", [leaf(merged), p["wproj"], p["bproj"]],
         lambda a: [F.linear(*a)]),
        ("residual add 1", [leaf(x), leaf(proj)], lambda a: [a[0] + a[1]]),
        ("layerNorm 2", [leaf(y), p["ln2w"], p["ln2b"]],
         lambda a: [F.layer_norm(a[0], (d,), a[1], a[2], 1e-5)]),
        (f"linear {d}->{hidden} (+bias)", [leaf(h2), p["wfc"], p["bfc"]],
         lambda a: [F.linear(*a)]),
        ("geluTanh", [leaf(fc)], lambda a: [F.gelu(a[0], approximate="tanh")]),
        (f"linear {hidden}->{d} (+bias)", [leaf(act), p["wout"], p["bout"]],
         lambda a: [F.linear(*a)]),
        ("residual add 2", [leaf(y), leaf(out)], lambda a: [a[0] + a[1]]),
        ("sum", [leaf(y2)], lambda a: [a[0].sum()]),
    ]
    rows = []
    for name, inputs, fn in stages:
        g_out = [torch.randn_like(o) for o in fn(inputs)]
        f_t, b_t, f_c, b_c = [], [], [], []
        warm = max(5, iters // 4)
        for i in range(warm + iters):
            for z in inputs:
                z.grad = None
            c0 = time.thread_time()
            t0 = time.perf_counter()
            outs = fn(inputs)
            t1 = time.perf_counter()
            c1 = time.thread_time()
            torch.autograd.backward(outs, g_out)
            t2 = time.perf_counter()
            c2 = time.thread_time()
            if i >= warm:
                f_t.append((t1 - t0) * 1000)
                b_t.append((t2 - t1) * 1000)
                f_c.append((c1 - c0) * 1000)
                b_c.append((c2 - c1) * 1000)
        med = statistics.median
        rows.append((name, med(f_t), med(b_t), med(f_c), med(b_c)))
    total = sum(r[1] + r[2] for r in rows)
    total_cpu = sum(r[3] + r[4] for r in rows)
    print(f"\nper-op profile (each op alone on the block's values; median of {iters}; wall time,"
          " then main-thread CPU time)")
    print(f"{'op':40s} {'fwd ms':>8s} {'bwd ms':>8s} {'sum':>8s} | {'fwd cpu':>8s} {'bwd cpu':>8s}"
          f" {'sum cpu':>8s} {'share':>6s}")
    for name, f, bw, fc, bc in rows:
        print(f"{name:40s} {f:8.3f} {bw:8.3f} {f + bw:8.3f} | {fc:8.3f} {bc:8.3f} {fc + bc:8.3f}"
              f" {100 * (fc + bc) / total_cpu:5.1f}%")
    print(f"{'sum of ops':40s} {'':8s} {'':8s} {total:8.3f} | {'':8s} {'':8s} {total_cpu:8.3f}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=0)
    ap.add_argument("--warmup", type=int, default=15)
    ap.add_argument("--iters", type=int, default=50)
    ap.add_argument("--batch", type=int, default=12)
    ap.add_argument("--seq", type=int, default=64)
    ap.add_argument("--d", type=int, default=128)
    ap.add_argument("--heads", type=int, default=4)
    ap.add_argument("--hidden", type=int, default=512)
    ap.add_argument("--profile", action="store_true")
    ap.add_argument("--profile-iters", type=int, default=40)
    a = ap.parse_args()
    if a.threads:
        torch.set_num_threads(a.threads)
    gen = torch.Generator().manual_seed(1234)
    p = make_params(a.d, a.hidden, gen)
    x = torch.randn(a.batch, a.seq, a.d, generator=gen).requires_grad_()
    mask = torch.ones(a.seq, a.seq, dtype=torch.bool).tril()
    leaves = list(p.values()) + [x]
    fwd, total, cpu = [], [], []
    loss = 0.0
    for i in range(a.warmup + a.iters):
        for z in leaves:
            z.grad = None
        c0 = time.thread_time()
        t0 = time.perf_counter()
        l = block(x, p, a.heads, mask).sum()
        t1 = time.perf_counter()
        l.backward()
        t2 = time.perf_counter()
        c1 = time.thread_time()
        loss = l.item()
        if i >= a.warmup:
            fwd.append((t1 - t0) * 1000)
            total.append((t2 - t0) * 1000)
            cpu.append((c1 - c0) * 1000)
    bwd = [tt - f for tt, f in zip(total, fwd)]
    med = statistics.median(total)
    print(f"torch {torch.__version__}, threads {torch.get_num_threads()}: fwd+bwd median "
          f"{med:.2f} ms (mean {statistics.mean(total):.2f}, min {min(total):.2f}); "
          f"fwd {statistics.median(fwd):.2f} ms, bwd {statistics.median(bwd):.2f} ms; "
          f"loss {loss:.6f}, |grad x| {x.grad.norm().item():.4f}; "
          f"main-thread CPU median {statistics.median(cpu):.2f} ms")
    if a.profile:
        profile(x.detach(), p, a.heads, mask, a.profile_iters)
    print(json.dumps({"impl": "pytorch " + torch.__version__, "threads": torch.get_num_threads(),
                      "median_ms": round(med, 3), "mean_ms": round(statistics.mean(total), 3),
                      "fwd_ms": round(statistics.median(fwd), 3),
                      "bwd_ms": round(statistics.median(bwd), 3),
                      "cpu_ms": round(statistics.median(cpu), 3), "iters": a.iters}))


if __name__ == "__main__":
    main()
