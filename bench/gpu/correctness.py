"""Correctness of the CUDA kernels on the GPU, on fresh random inputs.

Against the fp64 reference (reference.py) for every member, dtype and kernel path, every
reduction, separate and in-place gradients, and the per-row diagnostics; against PyTorch's
F.cross_entropy(label_smoothing); the eager LABO composite against the same reference (so that the
timed baseline computes the same function); and the C ABI's error contract on the device.
"""
import math
import os
import subprocess
import sys

import torch
import torch.nn.functional as F

import labo_ctypes as lc
from reference import TorchOps, reference, tempered_kl
from torch_baselines import labo_composite

OPS = TorchOps()
DTYPES = {  # name: (torch dtype, labo dtype, tolerance on loss and gradient)
    "fp32": (torch.float32, lc.FLOAT32, 1e-5),
    "bf16": (torch.bfloat16, lc.BFLOAT16, 1e-2),
    "fp16": (torch.float16, lc.FLOAT16, 1e-2),
}
DIAG_TOL = 1e-4  # diagnostics are fp32 results of fp32 arithmetic for every dtype
# Row lengths tried; for each dtype the check keeps one per kernel path (warp4x1 .. block-stream),
# plus the benchmark's vocabularies and V = 2.
VOCAB_CANDIDATES = [2, 3, 17, 50, 100, 257, 1000, 2049, 4096, 8191, 16384, 32000, 50257, 65537, 131072, 262147]
ALWAYS = [2, 1000, 32000, 50257]
IGNORE = lc.DEFAULT_IGNORE_INDEX


def rel_err(out, ref):
    """||out - ref|| / ||ref|| in fp64; non-finite entries must match exactly (inf, NaN), else inf."""
    out = out.detach().to(torch.float64).reshape(-1)
    ref = ref.detach().to(torch.float64).reshape(-1)
    fin = torch.isfinite(ref)
    if not torch.equal(torch.isfinite(out), fin):
        return math.inf
    rest_out, rest_ref = out[~fin], ref[~fin]
    if not torch.equal(torch.isnan(rest_out), torch.isnan(rest_ref)):
        return math.inf
    if not torch.equal(rest_out[~torch.isnan(rest_out)], rest_ref[~torch.isnan(rest_ref)]):
        return math.inf
    den = torch.linalg.vector_norm(ref[fin]).item()
    num = torch.linalg.vector_norm(out[fin] - ref[fin]).item()
    return num / (den if den > 0 else 1.0)


class Results:
    """Every comparison, with its error and limit; failures are listed at the end."""

    def __init__(self, log):
        self.log = log
        self.rows = []

    def add(self, name, err, limit, note=""):
        ok = err <= limit  # NaN and inf fail
        self.rows.append({"check": name, "error": err, "limit": limit, "ok": bool(ok), "note": note})
        if not ok:
            self.log(f"  FAIL {name}: error {err:.3e} > {limit:.0e} {note}")
        return ok

    def expect(self, name, ok, note=""):
        return self.add(name, 0.0 if ok else math.inf, 0.0, note)

    def failures(self):
        return [r for r in self.rows if not r["ok"]]


def make_inputs(rows, vocab, dtype, gen, device="cuda"):
    """Random logits (with a flat row, an outlier row and a shifted row) and targets with ignored rows."""
    z = 3.0 * torch.randn(rows, vocab, generator=gen, device=device)
    if rows > 4 and vocab > 2:
        z[2] = 0.5           # all logits equal: r uniform for any T
        z[3, 1] += 40.0      # one dominant non-target (budget solve near saturation)
        z[4] += 1000.0       # large common offset: max subtraction
    y = torch.randint(0, vocab, (rows,), generator=gen, device=device)
    y[0], y[1] = 0, vocab - 1
    y[5::7] = IGNORE
    return z.to(dtype).contiguous(), y.contiguous()


def stream_ptr():
    return torch.cuda.current_stream().cuda_stream


def call(lib, member, dtype_code, z, y, reduction, grad, diagnostics=False, stream=None,
         target_errors=lc.TARGET_ERRORS_REPORT):
    """One labo_loss_forward_backward on device tensors; returns (status, loss, diagnostics)."""
    rows, vocab = z.shape
    loss = torch.full((rows if reduction == lc.REDUCTION_NONE else 1,), math.nan, device=z.device)
    diag = [torch.full((rows,), -7.0, device=z.device) for _ in range(3)] if diagnostics else [None] * 3
    args = lib.args(lc.DEVICE_CUDA, dtype_code, rows, vocab, z.data_ptr(), y.data_ptr(), loss.data_ptr(),
                    grad=None if grad is None else grad.data_ptr(),
                    stream=stream_ptr() if stream is None else stream,
                    row_temperature=diag[0].data_ptr() if diagnostics else None,
                    row_entropy=diag[1].data_ptr() if diagnostics else None,
                    row_p_target=diag[2].data_ptr() if diagnostics else None,
                    target_errors=target_errors)
    status = lib.forward_backward_status(lib.config(member, reduction=reduction), args)
    return status, loss, diag


def vocab_per_path(lib, dtype_code):
    """{vocab: kernel path}: the first candidate of each path, and ALWAYS."""
    chosen = {}
    for v in VOCAB_CANDIDATES:
        path = lib.kernel_path(dtype_code, v)
        if v in ALWAYS or path not in chosen.values():
            chosen[v] = path
    return chosen


def check_budget_temperature(res, tag, z, y, valid, kappa, t_kernel, t_ref):
    """The budget rule's T by its contract, |KL(T) - eps| <= 1e-6 max(1, eps) (METHOD.md section 3),
    in fp64 at the kernel's T with 2x for the kernel's rounding; where eps is out of reach (ties at
    the top) KL must be its largest value. T itself is not compared where it is finite and positive:
    where KL is flat in 1/T that tolerance moves T by more than any fixed bound. Rows where T is
    inf (non-targets all equal, kappa = 0) must give inf, as the reference does."""
    vocab = z.shape[1]
    eps = kappa * math.log(vocab - 1)
    solved = valid & torch.isfinite(t_ref) & (t_ref > 0)
    rest = valid & ~solved
    res.expect(f"{tag} T where not solved (inf)", torch.equal(t_kernel[rest], t_ref[rest].to(t_kernel.dtype)))
    if bool(solved.any()):
        reachable = torch.clamp(tempered_kl(OPS, z[solved], y[solved], torch.zeros_like(t_ref[solved])), max=eps)
        kl = tempered_kl(OPS, z[solved], y[solved], t_kernel[solved])
        # Named "KL ..." so that the summary lists these absolute errors apart from the relative ones.
        res.add(f"KL(T)-eps {tag}", float((kl - reachable).abs().max()), 2e-6 * max(1.0, eps), "absolute, in nats")


def check_members(lib, res, gen):
    for dname, (tdtype, code, tol) in DTYPES.items():
        for vocab, path in vocab_per_path(lib, code).items():
            rows = max(16, min(509, 2_000_000 // vocab))
            z, y = make_inputs(rows, vocab, tdtype, gen)
            valid = y != IGNORE
            count = int(valid.sum())
            for member, (_, _, alpha, t, kappa) in lc.MEMBERS.items():
                tag = f"{dname} V={vocab} ({path}) rows={rows} {member}"
                ref = reference(OPS, z, y, member, alpha, t, kappa, ignore_index=IGNORE, reduction="none")
                # NONE, separate gradient poisoned with NaN, diagnostics.
                grad = torch.full_like(z, math.nan)
                st, loss, diag = call(lib, member, code, z, y, lc.REDUCTION_NONE, grad, diagnostics=True)
                if not res.expect(f"{tag} status", st == lc.OK, lib.last_error() if st else ""):
                    continue
                res.expect(f"{tag} every gradient element written", bool(torch.isfinite(grad).all()))
                res.add(f"{tag} none: loss", rel_err(loss, ref["loss"]), tol)
                res.add(f"{tag} none: grad", rel_err(grad, ref["grad"]), tol)
                if member == "LABO-budget":
                    check_budget_temperature(res, tag, z, y, valid, kappa, diag[0], ref["temperature"])
                else:
                    res.add(f"{tag} T", rel_err(diag[0], ref["temperature"]), DIAG_TOL)
                res.add(f"{tag} H(r)", rel_err(diag[1], ref["entropy"]), DIAG_TOL)
                res.add(f"{tag} p_y", rel_err(diag[2], ref["p_target"]), DIAG_TOL)
                # MEAN, separate gradient; twice: a result that moves between runs is a race.
                ref_mean = ref["loss"].sum() / count
                ref_grad = ref["grad"] / count
                grads = []
                for _ in range(2):
                    g = torch.full_like(z, math.nan)
                    st, loss, _ = call(lib, member, code, z, y, lc.REDUCTION_MEAN, g)
                    res.expect(f"{tag} mean status", st == lc.OK, lib.last_error() if st else "")
                    grads.append((loss, g))
                res.add(f"{tag} mean: loss", rel_err(grads[0][0], ref_mean.reshape(1)), tol)
                res.add(f"{tag} mean: grad", rel_err(grads[0][1], ref_grad), tol)
                res.expect(f"{tag} mean: same bits on a second run",
                           torch.equal(grads[0][0], grads[1][0]) and torch.equal(grads[0][1], grads[1][1]))
                # MEAN in place: the gradient overwrites the logits.
                zi = z.clone()
                st, loss, _ = call(lib, member, code, zi, y, lc.REDUCTION_MEAN, zi)
                res.expect(f"{tag} in-place status", st == lc.OK, lib.last_error() if st else "")
                res.add(f"{tag} in place: loss", rel_err(loss, ref_mean.reshape(1)), tol)
                res.add(f"{tag} in place: grad", rel_err(zi, ref_grad), tol)
                res.expect(f"{tag} in place equals separate", torch.equal(zi, grads[0][1]))
                # SUM, loss only.
                st, loss, _ = call(lib, member, code, z, y, lc.REDUCTION_SUM, None)
                res.expect(f"{tag} sum status", st == lc.OK, lib.last_error() if st else "")
                res.add(f"{tag} sum (no grad): loss", rel_err(loss, ref["loss"].sum().reshape(1)), tol)
            res.log(f"  {dname} V={vocab:6d} {path:12s} rows={rows}: checked")


def check_against_torch(lib, res, gen):
    """labo4j LS = F.cross_entropy(label_smoothing=0.1); the eager LABO composite = the reference."""
    for dname in ("fp32", "bf16"):
        tdtype, code, tol = DTYPES[dname]
        for vocab in (1000, 32000):
            z, y = make_inputs(257, vocab, tdtype, gen)
            zt = z.detach().requires_grad_(True)
            t_loss = F.cross_entropy(zt, y, label_smoothing=0.1, ignore_index=IGNORE)
            (t_grad,) = torch.autograd.grad(t_loss, zt)
            g = torch.full_like(z, math.nan)
            st, loss, _ = call(lib, "LS", code, z, y, lc.REDUCTION_MEAN, g)
            res.expect(f"{dname} V={vocab} LS status", st == lc.OK)
            ref = reference(OPS, z, y, "LS", 0.1, reduction="mean")
            # PyTorch's own rounding error widens the limit: labo4j's own error is checked against fp64.
            t_loss_err = rel_err(t_loss.reshape(1), ref["loss"].reshape(1))
            t_grad_err = rel_err(t_grad, ref["grad"])
            note = f"(torch vs fp64: loss {t_loss_err:.1e}, grad {t_grad_err:.1e})"
            res.add(f"{dname} V={vocab} LS vs F.cross_entropy: loss", rel_err(loss, t_loss.reshape(1)),
                    tol + t_loss_err, note)
            res.add(f"{dname} V={vocab} LS vs F.cross_entropy: grad", rel_err(g, t_grad), tol + t_grad_err, note)
            res.log(f"  {dname} V={vocab} labo LS vs F.cross_entropy(label_smoothing=0.1) {note}")
    # The composite has no ignore_index: all rows valid.
    z = 3.0 * torch.randn(257, 32000, generator=gen, device="cuda")
    y = torch.randint(0, 32000, (257,), generator=gen, device="cuda")
    zt = z.detach().requires_grad_(True)
    c_loss = labo_composite(zt, y, 0.1, 2.0)
    (c_grad,) = torch.autograd.grad(c_loss, zt)
    ref = reference(OPS, z, y, "LABO-fixed", 0.1, 2.0, reduction="mean")
    res.add("fp32 eager LABO composite vs fp64: loss", rel_err(c_loss.reshape(1), ref["loss"].reshape(1)), 1e-5)
    res.add("fp32 eager LABO composite vs fp64: grad", rel_err(c_grad, ref["grad"]), 1e-5)


def check_contract(lib, res, gen):
    """Errors are reported through the status, nothing is written, and the library stays usable."""
    code, vocab = lc.FLOAT32, 1000
    z, y = make_inputs(64, vocab, torch.float32, gen)
    for bad in (vocab, -5):
        yb = y.clone()
        yb[3] = bad
        g = torch.full_like(z, math.nan)
        zi = z.clone()
        st, _, _ = call(lib, "LABO-budget", code, z, yb, lc.REDUCTION_MEAN, g)
        msg = lib.last_error()
        res.expect(f"target {bad}: INVALID_ARGUMENT naming targets[3]",
                   st == lc.INVALID_ARGUMENT and "targets[3]" in msg, f"status {st}: {msg}")
        res.expect(f"target {bad}: gradient untouched", bool(torch.isnan(g).all()))
        st, _, _ = call(lib, "LABO-budget", code, zi, yb, lc.REDUCTION_MEAN, zi)
        res.expect(f"target {bad}: in-place logits untouched", st == lc.INVALID_ARGUMENT and torch.equal(zi, z))
    # No rows: MEAN is 0.
    loss = torch.full((1,), math.nan, device="cuda")
    args = lib.args(lc.DEVICE_CUDA, code, 0, vocab, None, None, loss.data_ptr(), stream=stream_ptr())
    st = lib.forward_backward_status(lib.config("LS"), args)
    res.expect("0 rows, MEAN: loss 0", st == lc.OK and loss.item() == 0.0, f"status {st}, loss {loss.item()}")
    # Every row ignored: loss 0, gradient 0, no NaN.
    g = torch.full_like(z, math.nan)
    st, loss, _ = call(lib, "LABO-budget", code, z, torch.full_like(y, IGNORE), lc.REDUCTION_MEAN, g)
    res.expect("all rows ignored: loss 0, gradient 0", st == lc.OK and loss.item() == 0.0 and not bool(g.any()))
    # Host memory and misaligned pointers are refused before any launch.
    st, _, _ = call(lib, "LS", code, z.cpu(), y, lc.REDUCTION_MEAN, None)
    res.expect("host logits: INVALID_ARGUMENT", st == lc.INVALID_ARGUMENT, lib.last_error())
    rows = 8
    raw = torch.randn(rows * vocab + 1, device="cuda")
    loss = torch.zeros(1, device="cuda")
    args = lib.args(lc.DEVICE_CUDA, code, rows, vocab, raw.data_ptr() + 2, y[:rows].data_ptr(), loss.data_ptr(),
                    stream=stream_ptr())
    st = lib.forward_backward_status(lib.config("LS"), args)
    res.expect("misaligned logits: INVALID_ARGUMENT", st == lc.INVALID_ARGUMENT, lib.last_error())
    # Still usable, and a side stream gives the same bits as the default stream.
    g0 = torch.full_like(z, math.nan)
    st0, l0, _ = call(lib, "LABO-budget", code, z, y, lc.REDUCTION_MEAN, g0)
    torch.cuda.synchronize()
    side = torch.cuda.Stream()
    side.wait_stream(torch.cuda.current_stream())
    with torch.cuda.stream(side):
        g1 = torch.full_like(z, math.nan)
        st1, l1, _ = call(lib, "LABO-budget", code, z, y, lc.REDUCTION_MEAN, g1, stream=side.cuda_stream)
    side.synchronize()
    res.expect("after errors, on a side stream: same bits as the default stream",
               st0 == lc.OK and st1 == lc.OK and torch.equal(l0, l1) and torch.equal(g0, g1))


def check_deferred(lib, res, gen):
    """Deferred target errors: the call never waits; a bad target still writes nothing and is kept
    for labo_cuda_take_target_error; valid calls give the same bits as reporting ones; and a
    deferred call captured in a CUDA graph replays on new inputs like an eager call."""
    code, vocab, deferred = lc.FLOAT32, 1000, lc.TARGET_ERRORS_DEFERRED
    z, y = make_inputs(64, vocab, torch.float32, gen)
    lib.take_target_error_status()  # makes the record; clears what an earlier check left
    yb = y.clone()
    yb[3] = vocab + 7
    g = torch.full_like(z, math.nan)
    st, loss, _ = call(lib, "LABO-budget", code, z, yb, lc.REDUCTION_MEAN, g, target_errors=deferred)
    torch.cuda.synchronize()
    res.expect("deferred bad target: the call returns OK", st == lc.OK, lib.last_error() if st else "")
    res.expect("deferred bad target: gradient and loss untouched",
               bool(torch.isnan(g).all()) and bool(torch.isnan(loss).all()))
    st = lib.take_target_error_status()
    msg = lib.last_error()
    res.expect("deferred bad target: the take reports targets[3]",
               st == lc.INVALID_ARGUMENT and f"targets[3] = {vocab + 7}" in msg, f"status {st}: {msg}")
    res.expect("deferred bad target: taken once", lib.take_target_error_status() == lc.OK, lib.last_error())
    g_report, g_defer = torch.full_like(z, math.nan), torch.full_like(z, math.nan)
    st0, l0, _ = call(lib, "LABO-budget", code, z, y, lc.REDUCTION_MEAN, g_report)
    st1, l1, _ = call(lib, "LABO-budget", code, z, y, lc.REDUCTION_MEAN, g_defer, target_errors=deferred)
    torch.cuda.synchronize()
    res.expect("deferred valid call: same bits as a reporting call",
               st0 == lc.OK and st1 == lc.OK and torch.equal(l0, l1) and torch.equal(g_report, g_defer))
    # CUDA graph: capture one deferred call on fixed buffers, then replay it on new contents.
    zc, yc = z.clone(), y.clone()
    gc, lossc = torch.empty_like(z), torch.empty(1, device="cuda")
    cfg = lib.config("LABO-budget")
    side = torch.cuda.Stream()
    side.wait_stream(torch.cuda.current_stream())
    with torch.cuda.stream(side):  # a warm-up call on the capture's stream, as PyTorch asks
        lib.forward_backward(cfg, lib.args(lc.DEVICE_CUDA, code, 64, vocab, zc.data_ptr(), yc.data_ptr(),
                                           lossc.data_ptr(), grad=gc.data_ptr(), stream=side.cuda_stream,
                                           target_errors=deferred))
    torch.cuda.current_stream().wait_stream(side)
    graph = torch.cuda.CUDAGraph()
    refused, refusal, captured = None, "", None
    try:
        with torch.cuda.graph(graph):
            # A reporting call waits on the host: refused before it enqueues anything.
            refused = lib.forward_backward_status(cfg, lib.args(
                lc.DEVICE_CUDA, code, 64, vocab, zc.data_ptr(), yc.data_ptr(), lossc.data_ptr(), grad=gc.data_ptr(),
                stream=stream_ptr()))
            refusal = lib.last_error()
            captured = lib.forward_backward_status(cfg, lib.args(
                lc.DEVICE_CUDA, code, 64, vocab, zc.data_ptr(), yc.data_ptr(), lossc.data_ptr(), grad=gc.data_ptr(),
                stream=stream_ptr(), target_errors=deferred))
    except RuntimeError as e:  # the capture was invalidated
        res.expect("capture survives a refused reporting call and a deferred call", False, str(e)[:300])
        return
    res.expect("reporting call under capture: refused, naming the deferred mode",
               refused == lc.INVALID_ARGUMENT and "LABO_TARGET_ERRORS_DEFERRED" in refusal, f"status {refused}: {refusal}")
    res.expect("deferred call captured in a CUDA graph", captured == lc.OK, lib.last_error() if captured else "")
    if captured != lc.OK:
        return
    z2, y2 = make_inputs(64, vocab, torch.float32, gen)
    zc.copy_(z2)
    yc.copy_(y2)
    graph.replay()
    g_eager = torch.full_like(z, math.nan)
    st, l_eager, _ = call(lib, "LABO-budget", code, z2, y2, lc.REDUCTION_MEAN, g_eager)
    torch.cuda.synchronize()
    res.expect("graph replay on new inputs: same bits as an eager call",
               st == lc.OK and torch.equal(lossc, l_eager) and torch.equal(gc, g_eager))
    yc[5] = -9  # 5 is an ignored row in make_inputs; -9 is not ignore_index
    gc.fill_(math.nan)
    graph.replay()
    torch.cuda.synchronize()
    st = lib.take_target_error_status()
    msg = lib.last_error()
    res.expect("graph replay with a bad target: the take reports targets[5], nothing written",
               st == lc.INVALID_ARGUMENT and "targets[5] = -9" in msg and bool(torch.isnan(gc).all()),
               f"status {st}: {msg}")
    # A process whose very first call is captured: the device's record is made during the capture.
    script = os.path.join(os.path.dirname(os.path.abspath(__file__)), "capture_first_call.py")
    try:
        run = subprocess.run([sys.executable, script, lib.path], capture_output=True, text=True, timeout=120)
        out = (run.stdout + run.stderr).strip()
        res.expect("first call of a process captured in a CUDA graph, replays equal eager calls", run.returncode == 0,
                   out[-300:])
    except subprocess.TimeoutExpired:
        res.expect("first call of a process captured in a CUDA graph, replays equal eager calls", False, "timed out")


def check_large_index(lib, res, gen):
    """Rows past element 2^31 (N*V > 2^31, bf16): any 32-bit index arithmetic would read or write the
    wrong place there. Only a few rows at each end are compared with the reference (rows are
    independent), so the check costs one launch per member and row length and about 9 GB of device
    memory."""
    for vocab in (32000, 262147):
        rows = (2**31) // vocab + 64
        need = 2 * rows * vocab * 2 + (1 << 30)
        free, _ = torch.cuda.mem_get_info()
        tag = f"bf16 V={vocab} rows={rows} (N*V = {rows * vocab:,} > 2^31, {lib.kernel_path(lc.BFLOAT16, vocab)})"
        if free < need:
            res.log(f"  {tag}: skipped, {free / 2**30:.1f} GiB free, {need / 2**30:.1f} GiB needed")
            res.rows.append({"check": f"{tag}: skipped", "error": 0.0, "limit": 0.0, "ok": True,
                             "note": "not enough device memory"})
            continue
        z = torch.randn(rows, vocab, generator=gen, device="cuda", dtype=torch.bfloat16).mul_(3.0)
        y = torch.randint(0, vocab, (rows,), generator=gen, device="cuda")
        z[-2, 7] += 40.0      # a dominant non-target in the last rows
        y[-3] = IGNORE        # and an ignored row there
        picked = torch.cat([torch.arange(4, device="cuda"), torch.arange(rows - 40, rows, device="cuda")])
        assert int(picked[4]) * vocab >= 2**31
        tol = DTYPES["bf16"][2]
        for member, (_, _, alpha, t, kappa) in lc.MEMBERS.items():
            ref = reference(OPS, z[picked], y[picked], member, alpha, t, kappa, ignore_index=IGNORE, reduction="none")
            grad = torch.empty_like(z)
            grad[picked] = math.nan
            st, loss, _ = call(lib, member, lc.BFLOAT16, z, y, lc.REDUCTION_NONE, grad)
            if not res.expect(f"{tag} {member} status", st == lc.OK, lib.last_error() if st else ""):
                continue
            res.add(f"{tag} {member}: loss of the first and last rows", rel_err(loss[picked], ref["loss"]), tol)
            res.add(f"{tag} {member}: grad of the first and last rows", rel_err(grad[picked], ref["grad"]), tol)
            del grad, loss
        res.log(f"  {tag}: checked")
        del z, y
        torch.cuda.empty_cache()


def run(lib, log, seed):
    res = Results(log)
    gen = torch.Generator(device="cuda")
    gen.manual_seed(seed)
    log(f"correctness: seed {seed}")
    for part in (check_members, check_against_torch, check_contract, check_deferred, check_large_index):
        try:
            part(lib, res, gen)
        except Exception as e:  # one broken part must not hide the others' results
            res.expect(f"{part.__name__} raised", False, repr(e))
        torch.cuda.synchronize()
    return res
