"""The fp64 reference of METHOD.md, written from its formulas: explicit p, r, q, the loss
-sum q log p and the gradient p - q; the budget rule solved per row by bisection (a different
algorithm from the kernels' Newton/Halley iteration).

The formulas are written once against a small set of array operations, with two back ends: torch
(on the GPU, where the check runs) and numpy (on the CPU, where selftest_cpu.py checks this file
against the CPU kernel).
"""
import math


class NumpyOps:
    def __init__(self):
        import numpy
        self.xp = numpy

    def f64(self, x):
        return self.xp.asarray(x, dtype=self.xp.float64)

    def rowmax(self, x):
        return x.max(axis=1, keepdims=True)

    def rowsum(self, x):
        return x.sum(axis=1, keepdims=True)

    def take(self, x, idx):  # x[i, idx[i]] as a column
        return self.xp.take_along_axis(x, idx[:, None], axis=1)

    def put(self, x, idx, value):  # a copy of x with x[i, idx[i]] = value
        out = x.copy()
        self.xp.put_along_axis(out, idx[:, None], value, axis=1)
        return out

    def where(self, cond, a, b):
        return self.xp.where(cond, a, b)

    def full(self, shape, value, like):
        return self.xp.full(shape, value, dtype=self.xp.float64)


class TorchOps:
    def __init__(self):
        import torch
        self.xp = torch

    def f64(self, x):
        return x.to(self.xp.float64)

    def rowmax(self, x):
        return x.amax(dim=1, keepdim=True)

    def rowsum(self, x):
        return x.sum(dim=1, keepdim=True)

    def take(self, x, idx):
        return x.gather(1, idx[:, None])

    def put(self, x, idx, value):
        return x.scatter(1, idx[:, None], value)

    def where(self, cond, a, b):
        return self.xp.where(cond, a, b)

    def full(self, shape, value, like):
        return self.xp.full(shape, value, dtype=self.xp.float64, device=like.device)


def _softmax(ops, w):
    """softmax and log-softmax of each row; -inf entries get probability 0."""
    xp = ops.xp
    m = ops.rowmax(w)
    e = xp.exp(w - m)
    s = ops.rowsum(e)
    return e / s, w - m - xp.log(s)


def _tempered(ops, z, y, beta):
    """r = softmax over k != y of beta * z_k (r_y = 0), its entropy H(r), per row (beta [rows, 1])."""
    xp = ops.xp
    w = ops.put(z * beta, y, -math.inf)
    r, log_r = _softmax(ops, w)
    h = -ops.rowsum(r * ops.where(r > 0, log_r, 0.0))  # 0 log 0 = 0, without forming 0 * -inf
    return r, h


def budget_beta(ops, z, y, eps, iterations=100):
    """Per row, the beta = 1/T >= 0 with KL(r(beta) || u_{-y}) = eps, by bisection on [lo, hi].

    KL(beta) = log(V-1) - H(r(beta)) increases with beta (METHOD.md section 3). Rows whose
    non-target logits are all equal keep beta = 0 (r uniform for every beta)."""
    xp = ops.xp
    rows, vocab = z.shape
    log_nt = math.log(vocab - 1)

    def kl(beta):
        return log_nt - _tempered(ops, z, y, beta)[1]

    # The plain spread of the non-target logits sets the scale of the first bracket; rows whose
    # non-target logits are all equal are flat.
    z_y = ops.take(z, y)
    mean = (ops.rowsum(z) - z_y) / (vocab - 1)
    var = (ops.rowsum((z - mean) ** 2) - (z_y - mean) ** 2) / (vocab - 1)
    flat = ops.rowmax(ops.put(z, y, -math.inf)) == -ops.rowmax(ops.put(-z, y, -math.inf))
    scale = 1.0 / xp.sqrt(ops.where(flat | (var <= 0), 1.0, var))
    lo = ops.full((rows, 1), 0.0, z)
    hi = scale * 1.0
    for _ in range(200):  # grow the bracket until KL(hi) >= eps
        short = (kl(hi) < eps) & ~flat
        if not bool(short.any()):
            break
        lo = ops.where(short, hi, lo)
        hi = ops.where(short, 2 * hi, hi)
    for _ in range(iterations):
        mid = 0.5 * (lo + hi)
        below = kl(mid) < eps
        lo = ops.where(below, mid, lo)
        hi = ops.where(below, hi, mid)
    return ops.where(flat, 0.0, 0.5 * (lo + hi))


def tempered_kl(ops, z, y, temperature):
    """Per row, KL(r(1/T) || u_{-y}) at the given temperatures ([rows]; inf: r uniform, 0: the limit
    T -> 0, taken at T = 1e-30). The budget rule's contract is on this value (METHOD.md section 3)."""
    xp = ops.xp
    z = ops.f64(z)
    t = ops.f64(temperature)[:, None]
    t = ops.where(t > 0, t, 1e-30)
    beta = ops.where(xp.isinf(t), 0.0, 1.0 / t)
    return math.log(z.shape[1] - 1) - _tempered(ops, z, y, beta)[1][:, 0]


def reference(ops, z, y, member, alpha=0.0, temperature=1.0, kappa=0.0, ignore_index=-100, reduction="mean"):
    """fp64 loss, gradient and diagnostics of `member` ("CE", "LS", "LABO-fixed", "LABO-budget").

    z: [rows, vocab] logits (any float dtype; upcast to fp64), y: int64 [rows] targets.
    Returns dict(loss=[1] or [rows], grad=[rows, vocab], temperature, entropy, p_target: [rows])."""
    xp = ops.xp
    z = ops.f64(z)
    rows, vocab = z.shape
    valid = (y != ignore_index)[:, None]
    ys = ops.where(y != ignore_index, y, 0 * y)  # any valid index for ignored rows; masked below
    p, log_p = _softmax(ops, z)
    onehot = ops.put(ops.full((rows, vocab), 0.0, z), ys, 1.0)
    nan_col = ops.full((rows, 1), math.nan, z)
    if member == "CE":
        a, r, t, h = 0.0, None, nan_col, ops.full((rows, 1), 0.0, z)
    elif member == "LS":
        a = alpha
        r = ops.full((rows, vocab), 1.0 / vocab, z)
        t, h = ops.full((rows, 1), math.inf, z), ops.full((rows, 1), math.log(vocab), z)
    elif member in ("LABO-fixed", "LABO-budget"):
        a = alpha
        if member == "LABO-fixed":
            beta = ops.full((rows, 1), 1.0 / temperature, z)
        elif vocab == 2 or kappa <= 0:
            beta = ops.full((rows, 1), 0.0, z)
        else:
            beta = budget_beta(ops, z, ys, kappa * math.log(vocab - 1))
        r, h = _tempered(ops, z, ys, beta)
        t = ops.where(beta > 0, 1.0 / ops.where(beta > 0, beta, 1.0), math.inf)
    else:
        raise ValueError(member)
    q = (1 - a) * onehot + (a * r if r is not None else 0.0)
    row_loss = -ops.rowsum(q * log_p)  # log_p is finite: z is
    grad = p - q
    count = float(valid.sum())
    if reduction == "mean":
        scale = 1.0 / count if count > 0 else 0.0
        loss = ops.where(valid, row_loss, 0.0).sum() * scale
    elif reduction == "sum":
        scale, loss = 1.0, ops.where(valid, row_loss, 0.0).sum()
    else:
        scale, loss = 1.0, ops.where(valid, row_loss, 0.0)[:, 0]
    return {
        "loss": loss,
        "grad": ops.where(valid, grad * scale, 0.0),
        "temperature": ops.where(valid, t, math.nan)[:, 0],
        "entropy": ops.where(valid, h, 0.0)[:, 0],
        "p_target": ops.where(valid, ops.take(p, ys), math.nan)[:, 0],
    }
