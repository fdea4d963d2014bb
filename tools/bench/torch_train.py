#!/usr/bin/env python3
"""PyTorch peer of packages/train/bench/native.ts: the same llama-style model (BENCH_MODEL), fp32 on CPU.

RMSNorm (eps 1e-5), RoPE (theta 10000, rotate-half), GQA, SwiGLU, tied embeddings, no biases; one training step =
zero grads + forward + cross-entropy + backward + AdamW (beta 0.9/0.95, eps 1e-8, lr 1e-3, weight decay 0.1 on the
linear weights only, as scalewise's AdamW with decayEmbeddings/decayNorms false). Random tokens.

  /usr/bin/python3 tools/bench/torch_train.py --threads 1 --steps 3 --warmup 1
Prints one JSON line: tokens/s per timed step (all and median), threads, torch version, BLAS, parameter count.
"""
import argparse
import ctypes
import json
import math
import re
import statistics
import time

import torch
import torch.nn.functional as F
from torch import nn

# Mirrors BENCH_MODEL in packages/train/bench/native.ts (the Node launcher passes the same values as flags).
DEFAULTS = dict(vocab=4096, dim=256, layers=6, heads=4, kv_heads=2, head_dim=64, ffn=768, batch=16, seq=256)


class RMSNorm(nn.Module):
    def __init__(self, dim, eps=1e-5):
        super().__init__()
        self.eps = eps
        self.weight = nn.Parameter(torch.ones(dim))

    def forward(self, x):
        return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps) * self.weight


def rope_tables(seq, head_dim, theta=10000.0):
    inv = 1.0 / (theta ** (torch.arange(0, head_dim, 2, dtype=torch.float32) / head_dim))
    ang = torch.outer(torch.arange(seq, dtype=torch.float32), inv)
    ang = torch.cat([ang, ang], dim=-1)
    return ang.cos(), ang.sin()


def rotate_half(x):
    a, b = x.chunk(2, dim=-1)
    return torch.cat([-b, a], dim=-1)


class Block(nn.Module):
    def __init__(self, a):
        super().__init__()
        self.heads, self.kv_heads, self.head_dim = a.heads, a.kv_heads, a.head_dim
        self.input_layernorm = RMSNorm(a.dim)
        self.q_proj = nn.Linear(a.dim, a.heads * a.head_dim, bias=False)
        self.k_proj = nn.Linear(a.dim, a.kv_heads * a.head_dim, bias=False)
        self.v_proj = nn.Linear(a.dim, a.kv_heads * a.head_dim, bias=False)
        self.o_proj = nn.Linear(a.heads * a.head_dim, a.dim, bias=False)
        self.post_attention_layernorm = RMSNorm(a.dim)
        self.gate_proj = nn.Linear(a.dim, a.ffn, bias=False)
        self.up_proj = nn.Linear(a.dim, a.ffn, bias=False)
        self.down_proj = nn.Linear(a.ffn, a.dim, bias=False)

    def forward(self, x, cos, sin, mask):
        B, T, _ = x.shape
        h = self.input_layernorm(x)
        q = self.q_proj(h).view(B, T, self.heads, self.head_dim).transpose(1, 2)
        k = self.k_proj(h).view(B, T, self.kv_heads, self.head_dim).transpose(1, 2)
        v = self.v_proj(h).view(B, T, self.kv_heads, self.head_dim).transpose(1, 2)
        q = q * cos + rotate_half(q) * sin
        k = k * cos + rotate_half(k) * sin
        rep = self.heads // self.kv_heads
        k = k.repeat_interleave(rep, dim=1)
        v = v.repeat_interleave(rep, dim=1)
        # torch 1.13 has no scaled_dot_product_attention: explicit causal softmax attention.
        scores = (q @ k.transpose(-2, -1)) / math.sqrt(self.head_dim) + mask
        att = scores.softmax(dim=-1) @ v
        x = x + self.o_proj(att.transpose(1, 2).reshape(B, T, self.heads * self.head_dim))
        h = self.post_attention_layernorm(x)
        return x + self.down_proj(F.silu(self.gate_proj(h)) * self.up_proj(h))


class Llama(nn.Module):
    def __init__(self, a):
        super().__init__()
        self.embed_tokens = nn.Embedding(a.vocab, a.dim)
        nn.init.normal_(self.embed_tokens.weight, std=0.02)  # as scalewise's bench weights (N(0,1) would blow up tied logits)
        self.layers = nn.ModuleList([Block(a) for _ in range(a.layers)])
        self.norm = RMSNorm(a.dim)
        cos, sin = rope_tables(a.seq, a.head_dim)
        self.register_buffer("cos", cos, persistent=False)
        self.register_buffer("sin", sin, persistent=False)
        self.register_buffer("mask", torch.full((a.seq, a.seq), float("-inf")).triu(1), persistent=False)

    def forward(self, tokens):
        x = self.embed_tokens(tokens)
        for layer in self.layers:
            x = layer(x, self.cos, self.sin, self.mask)
        return self.norm(x) @ self.embed_tokens.weight.t()  # tied head


def blas_summary():
    """BLAS as built (Debian builds say "generic": libblas.so.3 via alternatives) and the BLAS libraries actually loaded."""
    cfg = torch.__config__.show()
    blas = re.search(r"BLAS_INFO=([^,\s]+)", cfg)
    loaded = set()
    try:
        with open("/proc/self/maps") as maps:
            for line in maps:
                path = line.split()[-1]
                if re.search(r"blas|lapack|mkl|blis", path.rsplit("/", 1)[-1], re.I):
                    loaded.add(path)
    except OSError:
        pass
    return {
        "blasInfo": blas.group(1) if blas else None,
        "loaded": sorted(loaded),
        "mkldnn": "USE_MKLDNN=ON" in cfg,
        "openmp": "OpenMP" in cfg,
        "cpuCapability": (re.search(r"CPU capability usage: (\S+)", cfg) or [None, None])[1],
    }


def pin_openblas_threads(threads):
    """torch.set_num_threads does not reach OpenBLAS's own pthread pool (it stays at the CPU count): set it too.

    Returns OpenBLAS's thread count afterwards, or None when no OpenBLAS is loaded."""
    for path in blas_summary()["loaded"]:
        if "openblas" in path.rsplit("/", 1)[-1]:
            lib = ctypes.CDLL(path)
            lib.openblas_set_num_threads(threads)
            return lib.openblas_get_num_threads()
    return None


def main():
    p = argparse.ArgumentParser()
    for k, v in DEFAULTS.items():
        p.add_argument("--" + k.replace("_", "-"), type=int, default=v)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--steps", type=int, default=3)
    p.add_argument("--warmup", type=int, default=1)
    p.add_argument("--seed", type=int, default=7)
    a = p.parse_args()
    if a.heads % a.kv_heads:
        raise SystemExit(f"torch_train.py: --heads {a.heads} is not a multiple of --kv-heads {a.kv_heads}")

    torch.set_num_threads(a.threads)
    openblas_threads = pin_openblas_threads(a.threads)
    torch.manual_seed(a.seed)
    model = Llama(a)
    decayed = [p for n, p in model.named_parameters() if p.dim() == 2 and not n.startswith("embed_tokens")]
    others = [p for n, p in model.named_parameters() if not (p.dim() == 2 and not n.startswith("embed_tokens"))]
    opt = torch.optim.AdamW(
        [{"params": decayed, "weight_decay": 0.1}, {"params": others, "weight_decay": 0.0}], lr=1e-3, betas=(0.9, 0.95), eps=1e-8
    )
    inputs = torch.randint(0, a.vocab, (a.batch, a.seq))
    targets = torch.randint(0, a.vocab, (a.batch, a.seq))

    def step():
        t0 = time.perf_counter()
        opt.zero_grad(set_to_none=False)
        logits = model(inputs)
        loss = F.cross_entropy(logits.view(-1, a.vocab), targets.view(-1))
        loss.backward()
        opt.step()
        return time.perf_counter() - t0, loss.item()

    for _ in range(a.warmup):
        step()
    seconds, losses = [], []
    for _ in range(a.steps):
        s, l = step()
        seconds.append(s)
        losses.append(l)
    tokens = a.batch * a.seq
    tps = [tokens / s for s in seconds]
    print(
        json.dumps(
            {
                "torch": torch.__version__,
                "threads": torch.get_num_threads(),
                "interopThreads": torch.get_num_interop_threads(),
                "blas": {**blas_summary(), "openblasThreads": openblas_threads},
                "params": sum(p.numel() for p in model.parameters()),
                "tokensPerStep": tokens,
                "warmup": a.warmup,
                "secondsPerStep": seconds,
                "tokensPerSecond": tps,
                "medianTokensPerSecond": statistics.median(tps),
                "losses": losses,
            }
        )
    )


if __name__ == "__main__":
    main()
