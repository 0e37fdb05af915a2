"""CPU-only checks of the GPU check's own parts, for a machine without a GPU or torch.

1. The ctypes binding drives liblabo.so's CPU kernel (labo_loss_forward_backward, device CPU).
2. reference.py (numpy back end) agrees with that kernel, which the Java tests check against an
   independent fp64 reference: so the reference the GPU check trusts is itself right.
3. The GPU-only entry points answer NO_CUDA_DEVICE cleanly when there is no device.
4. Where torch is installed (any version, CPU only): reference.py's torch back end equals its numpy
   back end, PyTorch's F.cross_entropy(label_smoothing) is the reference's LS, the eager LABO
   composite the GPU check times is the reference's LABO, and correctness.rel_err behaves.

Usage: python3 bench/gpu/selftest_cpu.py path/to/liblabo.so
"""
import ctypes
import math
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import labo_ctypes as lc  # noqa: E402
from reference import NumpyOps, reference  # noqa: E402

OPS = NumpyOps()


def to_bf16_bits(x):
    """float32 -> bfloat16 bits, round to nearest even (finite inputs)."""
    u = np.asarray(x, dtype=np.float32).view(np.uint32).astype(np.uint64)
    u = (u + 0x7FFF + ((u >> 16) & 1)) >> 16
    return u.astype(np.uint16)


def from_bf16_bits(b):
    return (b.astype(np.uint32) << 16).view(np.float32)


def encode(z32, dtype):
    """(buffer to hand the kernel, its values as float64) for one labo dtype."""
    if dtype == lc.FLOAT32:
        buf = np.array(z32, dtype=np.float32, copy=True)  # an in-place run overwrites it
        return buf, buf.astype(np.float64)
    if dtype == lc.FLOAT16:
        buf = z32.astype(np.float16)
        return buf, buf.astype(np.float64)
    buf = to_bf16_bits(z32)
    return buf, from_bf16_bits(buf).astype(np.float64)


def decode(buf, dtype):
    return from_bf16_bits(buf).astype(np.float64) if dtype == lc.BFLOAT16 else buf.astype(np.float64)


def rel(out, ref):
    """||out - ref|| / ||ref||; non-finite entries must match exactly (inf, NaN), else inf."""
    out, ref = np.asarray(out, np.float64).reshape(-1), np.asarray(ref, np.float64).reshape(-1)
    fin = np.isfinite(ref)
    if not np.array_equal(np.isfinite(out), fin) or not np.array_equal(out[~fin], ref[~fin], equal_nan=True):
        return math.inf
    den = np.linalg.norm(ref[fin])
    return float(np.linalg.norm(out[fin] - ref[fin]) / (den if den > 0 else 1.0))


def ptr(a):
    return a.ctypes.data_as(ctypes.c_void_p).value


def run_cpu(lib, member, dtype, z32, y, reduction, in_place):
    rows, vocab = z32.shape
    buf, z64 = encode(z32, dtype)
    grad = buf if in_place else np.full_like(buf, 0xFFFF if dtype == lc.BFLOAT16 else np.nan)
    nloss = rows if reduction == lc.REDUCTION_NONE else 1
    loss = np.full(nloss, np.nan, np.float32)
    diag = [np.full(rows, -7.0, np.float32) for _ in range(3)]
    cfg = lib.config(member, reduction=reduction)
    args = lib.args(lc.DEVICE_CPU, dtype, rows, vocab, ptr(buf), ptr(y), ptr(loss), grad=ptr(grad),
                    row_temperature=ptr(diag[0]), row_entropy=ptr(diag[1]), row_p_target=ptr(diag[2]))
    lib.forward_backward(cfg, args)
    return z64, loss, decode(grad, dtype), diag


def torch_checks(rng):
    """Item 4 of the module doc; skipped (with a note) when torch is not installed."""
    try:
        import torch
        import torch.nn.functional as F
    except ImportError:
        print("torch is not installed: the torch back end, the baselines and rel_err were not checked")
        return []
    from correctness import rel_err
    from reference import TorchOps
    from torch_baselines import eager_labo_step, labo_composite, ls_step
    failures = []

    def expect(name, err, limit=1e-12):
        ok = err <= limit
        print(f"torch {torch.__version__}: {name}: {err:.1e} {'ok' if ok else 'FAIL'}")
        if not ok:
            failures.append((name, err))

    t_ops = TorchOps()
    for vocab, rows in ((2, 30), (7, 21), (1000, 40)):
        z = (3.0 * rng.standard_normal((rows, vocab)))
        z[2] = 0.5
        y = rng.integers(0, vocab, rows).astype(np.int64)
        y[::6] = lc.DEFAULT_IGNORE_INDEX
        zt, yt = torch.from_numpy(z), torch.from_numpy(y)
        for member, (_, _, alpha, t, kappa) in lc.MEMBERS.items():
            for red in ("mean", "none"):
                a = reference(OPS, z, y, member, alpha, t, kappa, reduction=red)
                b = reference(t_ops, zt, yt, member, alpha, t, kappa, reduction=red)
                worst = max(rel(b[k].numpy(), a[k]) for k in a)
                expect(f"V={vocab} {member} {red}: torch back end vs numpy back end", worst)
        zg = zt.clone().requires_grad_(True)
        loss = F.cross_entropy(zg, yt, label_smoothing=0.1, ignore_index=lc.DEFAULT_IGNORE_INDEX)
        (grad,) = torch.autograd.grad(loss, zg)
        ref = reference(OPS, z, y, "LS", 0.1, reduction="mean")
        expect(f"V={vocab} F.cross_entropy(label_smoothing=0.1) vs reference LS: loss", rel(loss.item(), ref["loss"]))
        expect(f"V={vocab} F.cross_entropy(label_smoothing=0.1) vs reference LS: grad", rel(grad.numpy(), ref["grad"]))
        # The baselines as the GPU check calls them (no ignored rows: the composite has no ignore_index).
        yv = torch.from_numpy(rng.integers(0, vocab, rows).astype(np.int64))
        for name, step, member in (("ls_step", lambda: ls_step(zt, yv, 0.1), "LS"),
                                   ("eager_labo_step", lambda: eager_labo_step(zt, yv, 0.1, 2.0), "LABO-fixed")):
            loss, grad = step()
            ref = reference(OPS, z, yv.numpy(), member, 0.1, 2.0, reduction="mean")
            expect(f"V={vocab} {name} vs reference {member}: loss", rel(loss.item(), ref["loss"]))
            expect(f"V={vocab} {name} vs reference {member}: grad", rel(grad.numpy(), ref["grad"]))
        loss = labo_composite(zt, yv, 0.1, 2.0)
        expect(f"V={vocab} labo_composite without grad", rel(loss.item(), reference(
            OPS, z, yv.numpy(), "LABO-fixed", 0.1, 2.0)["loss"]))
    # rel_err: equal non-finite entries are fine, a NaN where the reference has a number is not.
    x = torch.tensor([1.0, float("inf"), float("nan"), 2.0])
    expect("rel_err of equal vectors with inf and NaN", rel_err(x, x.clone()))
    expect("rel_err sees a NaN output", 0.0 if rel_err(torch.tensor([1.0, float("nan")]),
                                                          torch.tensor([1.0, 2.0])) == math.inf else 1.0)
    expect("rel_err sees +inf vs -inf", 0.0 if rel_err(torch.tensor([float("inf")]),
                                                        torch.tensor([-float("inf")])) == math.inf else 1.0)
    return failures


def main():
    lib = lc.LaboLib(sys.argv[1])
    print(f"liblabo {lib.version()}, cpu isa {lib.cpu_isa()}, built with CUDA: {lib.built_with_cuda()}, "
          f"CUDA devices: {lib.cuda_device_count()}")
    rng = np.random.default_rng(1)
    failures = []
    worst = {}
    red_names = {lc.REDUCTION_MEAN: "mean", lc.REDUCTION_SUM: "sum", lc.REDUCTION_NONE: "none"}
    for vocab, rows in ((2, 40), (3, 17), (1000, 33), (32000, 6)):
        z32 = (3.0 * rng.standard_normal((rows, vocab))).astype(np.float32)
        y = rng.integers(0, vocab, rows).astype(np.int64)
        y[::5] = lc.DEFAULT_IGNORE_INDEX
        y[1] = vocab - 1
        for dtype, tol in ((lc.FLOAT32, 1e-5), (lc.BFLOAT16, 1e-2), (lc.FLOAT16, 1e-2)):
            for member, (_, _, alpha, t, kappa) in lc.MEMBERS.items():
                for reduction in (lc.REDUCTION_MEAN, lc.REDUCTION_NONE, lc.REDUCTION_SUM):
                    for in_place in (False, True):
                        z64, loss, grad, diag = run_cpu(lib, member, dtype, z32, y, reduction, in_place)
                        ref = reference(OPS, z64, y, member, alpha, t, kappa, reduction=red_names[reduction])
                        valid = y != lc.DEFAULT_IGNORE_INDEX
                        errs = {
                            "loss": rel(loss, ref["loss"]),
                            "grad": rel(grad, ref["grad"]),
                            "T": rel(diag[0][valid], ref["temperature"][valid]),
                            "H": rel(diag[1], ref["entropy"]),
                            "p_y": rel(diag[2], ref["p_target"]),
                        }
                        # Diagnostics are fp32 outputs of an fp32 computation whatever the dtype.
                        limits = {"loss": tol, "grad": tol, "T": 1e-4, "H": 1e-4, "p_y": 1e-4}
                        for k, v in errs.items():
                            worst[(dtype, k)] = max(worst.get((dtype, k), 0.0), v)
                        bad = {k: v for k, v in errs.items() if not v <= limits[k]}
                        if bad or not np.all(np.isnan(diag[0][~valid])):
                            failures.append((vocab, dtype, member, reduction, in_place, errs))
            print(f"V={vocab:6d} dtype={dtype} rows={rows}: CPU kernel = reference, {len(lc.MEMBERS) * 6} cases")
    names = {lc.FLOAT32: "fp32", lc.BFLOAT16: "bf16", lc.FLOAT16: "fp16"}
    print("largest relative error, CPU kernel vs reference: " + ", ".join(
        f"{names[d]} {k} {v:.1e}" for (d, k), v in sorted(worst.items())))
    # No device: the CUDA entry points answer NO_CUDA_DEVICE with a message.
    if lib.cuda_device_count() == 0:
        z = np.zeros((2, 2), np.float32)
        y = np.zeros(2, np.int64)
        loss = np.zeros(1, np.float32)
        args = lib.args(lc.DEVICE_CUDA, lc.FLOAT32, 2, 2, ptr(z), ptr(y), ptr(loss))
        status = lib.forward_backward_status(lib.config("LS"), args)
        msg = lib.last_error()
        print(f"CUDA call without a device: status {lc.STATUS_NAMES[status]}, message: {msg!r}")
        if status != lc.NO_CUDA_DEVICE or not msg:
            failures.append(("no-device", status, msg))
        try:
            lib.device_name(0)
            failures.append(("device_name without a device succeeded",))
        except lc.LaboError as e:
            if e.status != lc.NO_CUDA_DEVICE:
                failures.append(("device_name", str(e)))
    failures += torch_checks(rng)
    for f in failures:
        print("FAIL", f)
    print(f"selftest_cpu: {'FAILED' if failures else 'passed'} ({len(failures)} failures)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
