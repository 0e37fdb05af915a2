"""Event timing of labo4j's fused forward+backward next to PyTorch, on the same inputs.

Every variant is timed the same way: a CUDA event pair around each call, warm-up first, the median
of many calls, inputs rotated among several sets whose total exceeds the L2 cache. Work that only
prepares a call (restoring the logits of an in-place run, flushing L2) runs before the start event.
"""
import contextlib
import importlib
import signal
import statistics
import time

import torch

import labo_ctypes as lc
import torch_baselines as tb

SHAPES = [(8192, 32000), (16384, 50257), (256, 1000)]  # the headline shape first
DTYPES = {"fp32": (torch.float32, lc.FLOAT32), "bf16": (torch.bfloat16, lc.BFLOAT16)}
LABO_MEMBERS = ["CE", "LS", "LABO-fixed", "LABO-budget"]
RESERVE_S = 15  # the time one block takes without compiling, about (16384 x 50257 fp32 on an H100)
ALPHA, TEMPERATURE = 0.1, 2.0  # the baselines' LS alpha and LABO's fixed T, as in lc.MEMBERS


class Timeout(Exception):
    pass


@contextlib.contextmanager
def time_limit(seconds):
    """Raises Timeout in the main thread after `seconds` (a compile that hangs must not eat the run)."""
    def on_alarm(signum, frame):
        raise Timeout(f"gave up after {seconds} s")
    previous = signal.signal(signal.SIGALRM, on_alarm)
    signal.alarm(max(1, int(seconds)))
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def summarize(times):
    s = sorted(times)
    return {"median_ms": statistics.median(s), "p10_ms": s[len(s) // 10], "p90_ms": s[(9 * len(s)) // 10],
            "min_ms": s[0], "reps": len(s)}


class Timer:
    def __init__(self, target_ms=250.0, min_reps=10, max_reps=200, warmup=3):
        self.target_ms, self.min_reps, self.max_reps, self.warmup = target_ms, min_reps, max_reps, warmup

    def _run(self, fn, prep, reps, offset):
        pairs = [(torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)) for _ in range(reps)]
        for k, (start, stop) in enumerate(pairs):
            if prep is not None:
                prep(offset + k)
            start.record()
            fn(offset + k)
            stop.record()
        torch.cuda.synchronize()
        return [start.elapsed_time(stop) for start, stop in pairs]

    def _reps(self, fn, prep):
        self._run(fn, prep, self.warmup, 0)
        estimate = statistics.median(self._run(fn, prep, 3, self.warmup))
        return int(min(self.max_reps, max(self.min_reps, self.target_ms / max(estimate, 1e-3))))

    def measure(self, fn, prep=None):
        return summarize(self._run(fn, prep, self._reps(fn, prep), self.warmup + 3))

    def measure_interleaved(self, cases, rounds):
        """Times several (fn, prep) cases in `rounds` rounds that each visit every case, in an order
        that rotates from round to round, so that a drift of clocks or memory over the run falls on
        all cases alike rather than on whichever came last. Each case sees the same input sequence.
        Returns one summary per case, plus the medians of its rounds ("round_medians_ms")."""
        reps = [max(1, -(-self._reps(fn, prep) // rounds)) for fn, prep in cases]
        samples = [[] for _ in cases]
        round_medians = [[] for _ in cases]
        for r in range(rounds):
            for k in range(len(cases)):
                i = (k + r) % len(cases)
                fn, prep = cases[i]
                times = self._run(fn, prep, reps[i], self.warmup + 3 + r * reps[i])
                samples[i] += times
                round_medians[i].append(statistics.median(times))
        return [{**summarize(s), "round_medians_ms": m} for s, m in zip(samples, round_medians)]


def fused_kernel_ms(fn, prep, calls=10):
    """Median device time of the fused label_loss_* kernel alone (torch.profiler), or None."""
    from torch.profiler import ProfilerActivity, profile
    with profile(activities=[ProfilerActivity.CPU, ProfilerActivity.CUDA]) as prof:
        for i in range(calls):
            if prep is not None:
                prep(i)
            fn(i)
        torch.cuda.synchronize()
    durations = [(e.time_range.end - e.time_range.start) / 1000.0 for e in prof.events() if "label_loss_" in e.name]
    return statistics.median(durations) if durations else None


def gaussian_logits(rows, vocab, gen):
    return 3.0 * torch.randn(rows, vocab, generator=gen, device="cuda")


def gumbel_logits(rows, vocab, gen):
    """Right-skewed rows (Gumbel, scale 3), like the logits of trained models; the budget rule
    needs more Halley sweeps on them than on Gaussian rows."""
    u = torch.rand(rows, vocab, generator=gen, device="cuda").clamp_(1e-7, 1.0 - 1e-7)
    return -3.0 * torch.log(-torch.log(u))


class Inputs:
    """Rotating input sets of one shape and dtype, plus output and scratch buffers."""

    def __init__(self, rows, vocab, dtype, l2_bytes, gen, draw=gaussian_logits):
        elem = torch.empty((), dtype=dtype).element_size()
        self.bytes_one = rows * vocab * elem
        self.small = self.bytes_one < 4 * l2_bytes
        n_sets = min(128, max(2, -(-3 * l2_bytes // self.bytes_one)))
        self.z = [draw(rows, vocab, gen).to(dtype) for _ in range(n_sets)]
        self.y = [torch.randint(0, vocab, (rows,), generator=gen, device="cuda") for _ in range(n_sets)]
        # Small problems rotate their gradient buffers too, so that no output stays in L2.
        self.grad = [torch.empty_like(self.z[0]) for _ in range(n_sets if self.small else 1)]
        self.scratch = torch.empty_like(self.z[0])
        self.flush = torch.empty(2 * l2_bytes, dtype=torch.uint8, device="cuda") if self.small else None
        self.n = n_sets

    def flush_l2(self):
        if self.flush is not None:
            self.flush.zero_()

    def copy_to_scratch(self, i):
        """Input set i's logits into the scratch buffer: the floor's copy, and an in-place call's input."""
        self.scratch.copy_(self.z[i % self.n])


def labo_variant(lib, member, code, inp, in_place, target_errors=lc.TARGET_ERRORS_REPORT):
    """(fn, prep) of one labo4j configuration, its argument structs built once."""
    rows, vocab = inp.z[0].shape
    cfg = lib.config(member, reduction=lc.REDUCTION_MEAN)
    loss = torch.empty(inp.n, device="cuda")
    stream = torch.cuda.current_stream().cuda_stream
    args = []
    for i in range(inp.n):
        logits = inp.scratch if in_place else inp.z[i]
        grad = inp.scratch if in_place else inp.grad[i % len(inp.grad)]
        args.append(lib.args(lc.DEVICE_CUDA, code, rows, vocab, logits.data_ptr(), inp.y[i].data_ptr(),
                             loss[i:].data_ptr(), grad=grad.data_ptr(), stream=stream, target_errors=target_errors))

    def fn(i):
        lib.forward_backward(cfg, args[i % inp.n])

    fn.loss = loss  # the kernel writes the loss there: the buffer must live as long as fn

    def prep(i):
        if in_place:
            inp.copy_to_scratch(i)
        inp.flush_l2()

    return fn, prep


def time_shape(lib, rows, vocab, dname, timer, gen, l2_bytes, compile_budget_s, log, state):
    """Every variant on one shape and dtype: a list of result rows (dicts)."""
    dtype, code = DTYPES[dname]
    inp = Inputs(rows, vocab, dtype, l2_bytes, gen)
    out = []

    def record(variant, fn, prep=None, kernel=False, **extra):
        row = {"variant": variant, **extra}
        try:
            row.update(timer.measure(fn, prep))
            if kernel and state.get("profiler", True):
                try:
                    row["kernel_ms"] = fused_kernel_ms(fn, prep)
                except Exception as e:  # the profiler is a nicety: keep the timings without it
                    state["profiler"] = False
                    log(f"  profiler unavailable, kernel times left out: {e!r}")
        except Exception as e:
            row["error"] = repr(e)
        torch.cuda.synchronize()
        out.append(row)
        shown = f"{row['median_ms']:.4f} ms" if "median_ms" in row else f"ERROR {row['error']}"
        log(f"  {rows}x{vocab} {dname} {variant:28s} {shown}")

    record("copy", inp.copy_to_scratch, lambda i: inp.flush_l2(), kind="copy")
    for in_place in (False, True):
        for member in LABO_MEMBERS:
            fn, prep = labo_variant(lib, member, code, inp, in_place)
            record(f"labo4j {member}{' in place' if in_place else ''}", fn, prep, kernel=True,
                   kind="labo", member=member, in_place=in_place)
    # Without the host's wait for the target check's verdict (deferred target errors): what that
    # wait costs a call, which shows most on small problems.
    fn, prep = labo_variant(lib, "LS", code, inp, False, target_errors=lc.TARGET_ERRORS_DEFERRED)
    record("labo4j LS, deferred target errors", fn, prep, kind="labo-deferred", member="LS")
    # The budget rule costs one sweep per Halley step, and the count depends on the rows: the same
    # call on right-skewed rows, as trained models produce.
    skewed = Inputs(rows, vocab, dtype, l2_bytes, gen, draw=gumbel_logits)
    fn, prep = labo_variant(lib, "LABO-budget", code, skewed, False)
    record("labo4j LABO-budget, Gumbel rows", fn, prep, kernel=True, kind="labo-skewed", member="LABO-budget")
    del fn, prep, skewed
    flush = lambda i: inp.flush_l2()  # noqa: E731
    record("torch eager LS", lambda i: tb.ls_step(inp.z[i % inp.n], inp.y[i % inp.n], ALPHA), flush,
           kind="eager-ls")
    record("torch eager LABO", lambda i: tb.eager_labo_step(inp.z[i % inp.n], inp.y[i % inp.n], ALPHA, TEMPERATURE),
           flush, kind="eager-labo")
    compiled_row = {"variant": "torch.compile LABO", "kind": "compiled-labo"}
    if state.get("compile_ok", True) and compile_budget_s() > 10:
        try:
            step = tb.compiled_labo_step()
            t0 = time.time()
            with time_limit(compile_budget_s()):
                loss_c, _ = step(inp.z[0], inp.y[0], ALPHA, TEMPERATURE)
                torch.cuda.synchronize()
            compiled_row["compile_s"] = time.time() - t0
            loss_e, _ = tb.eager_labo_step(inp.z[0], inp.y[0], ALPHA, TEMPERATURE)
            compiled_row["loss_vs_eager"] = abs(loss_c.item() - loss_e.item()) / abs(loss_e.item())
            record("torch.compile LABO", lambda i: step(inp.z[i % inp.n], inp.y[i % inp.n], ALPHA, TEMPERATURE),
                   flush, **{k: v for k, v in compiled_row.items() if k != "variant"})
        except Exception as e:  # a compile that failed or timed out once is not tried again
            state["compile_ok"] = False
            compiled_row["error"] = repr(e)
            out.append(compiled_row)
            log(f"  {rows}x{vocab} {dname} torch.compile LABO: {e!r}")
    else:
        compiled_row["error"] = "skipped: no time left for compiling, or an earlier compile failed"
        out.append(compiled_row)
    record("copy (again)", inp.copy_to_scratch, lambda i: inp.flush_l2(), kind="copy-again")
    del inp
    torch.cuda.empty_cache()
    return out


def run(lib, log, seed, deadline, shapes=SHAPES, dtypes=("fp32", "bf16"), on_block=None):
    """Times every shape and dtype until the deadline (time.time()); returns the result blocks."""
    gen = torch.Generator(device="cuda")
    gen.manual_seed(seed)
    props = torch.cuda.get_device_properties(0)
    l2_bytes = int(getattr(props, "L2_cache_size", 50 * 2**20))
    timer = Timer()
    state = {}
    blocks = []
    try:  # one compiled graph per shape and dtype: room for all of them
        dynamo_config = importlib.import_module("torch._dynamo").config
        for name in ("cache_size_limit", "recompile_limit"):
            if hasattr(dynamo_config, name):
                setattr(dynamo_config, name, 64)
    except Exception:
        pass
    # Compiling is the slow part: it gets what is left after about RESERVE_S for each block to come.
    todo = [(rows, vocab, dname) for rows, vocab in shapes for dname in dtypes]
    for done, (rows, vocab, dname) in enumerate(todo):
        left = deadline - time.time()
        block = {"rows": rows, "vocab": vocab, "dtype": dname,
                 "bytes": rows * vocab * torch.empty((), dtype=DTYPES[dname][0]).element_size()}
        if left < 20:
            block["error"] = "skipped: the time budget was spent"
            blocks.append(block)
            continue
        log(f"timing {rows}x{vocab} {dname} ({left:.0f} s left)")
        after = len(todo) - done - 1  # the blocks still to come, this one's own non-compile time counted too
        block["rows_timed"] = time_shape(
            lib, rows, vocab, dname, timer, gen, l2_bytes,
            lambda: min(150.0, deadline - time.time() - RESERVE_S * (after + 1)), log, state)
        blocks.append(block)
        if on_block is not None:
            on_block(blocks)
    return blocks
