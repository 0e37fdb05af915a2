"""gpu_check.py's whole flow on a machine without a GPU, to catch mistakes in the script before
device time is spent on it: every "cuda" tensor is made on the CPU, torch.cuda's streams and
events are stand-ins (events read the host clock), and the library's CUDA calls go to its CPU
kernel (device_type CPU). Sizes are cut down. The checks that need real device memory (host
pointers refused, misaligned pointers) are expected to fail here and are listed as such; nothing
measured here means anything about the GPU.

Usage (torch of any version, CPU build): python3 bench/gpu/dryrun_cpu.py path/to/liblabo.so
"""
import contextlib
import os
import sys
import tempfile
import time
import types

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import labo_ctypes as lc  # noqa: E402

# Only these fail on the CPU stand-in, because the CPU kernel accepts any host memory.
EXPECTED_CPU_FAILURES = ("host logits: INVALID_ARGUMENT", "misaligned logits: INVALID_ARGUMENT")


def cpu_device(kwargs):
    if str(kwargs.get("device", "")).startswith("cuda"):
        kwargs["device"] = "cpu"
    return kwargs


def stub_torch_cuda():
    for name in ("randn", "rand", "randint", "full", "empty", "zeros", "ones", "tensor", "arange"):
        real = getattr(torch, name)
        setattr(torch, name, lambda *a, _real=real, **k: _real(*a, **cpu_device(k)))
    real_generator = torch.Generator
    torch.Generator = lambda device="cpu": real_generator(device="cpu")

    class Event:
        def __init__(self, enable_timing=False):
            self.t = None

        def record(self, stream=None):
            self.t = time.perf_counter()

        def elapsed_time(self, other):
            return (other.t - self.t) * 1e3

    class Stream:
        cuda_stream = 0

        def wait_stream(self, other):
            pass

        def synchronize(self):
            pass

    props = types.SimpleNamespace(name="CPU stand-in", multi_processor_count=0, L2_cache_size=1 << 20,
                                  total_memory=1 << 30)
    cuda = torch.cuda
    cuda.is_available = lambda: True
    cuda.synchronize = lambda *a: None
    cuda.current_stream = lambda *a: Stream()
    cuda.Stream = Stream
    cuda.stream = lambda s: contextlib.nullcontext()
    cuda.Event = Event
    cuda.empty_cache = lambda: None
    cuda.get_device_properties = lambda d: props
    cuda.device_count = lambda: 1
    # No device memory to speak of: the N*V > 2^31 check skips itself (LARGE=1 runs it on host memory).
    cuda.mem_get_info = lambda *a: ((64 << 30) if os.environ.get("LARGE") == "1" else 0, props.total_memory)


def stub_library(fake_paths):
    """CUDA calls of the library run its CPU kernel; device queries get fixed answers."""
    lc.DEVICE_CUDA = lc.DEVICE_CPU
    lc.LaboLib.cuda_device_count = lambda self: 1
    lc.LaboLib.device_name = lambda self, device=0: "CPU stand-in"
    lc.LaboLib.kernel_path = lambda self, dtype, vocab, device=0: fake_paths(vocab)


def main():
    lib_path = sys.argv[1]
    stub_torch_cuda()
    stub_library(lambda v: "small" if v < 100 else "medium" if v < 2000 else "large")
    import correctness
    import gpu_check
    import timing
    # Deferred target errors and CUDA graphs exist on a device only: the CPU kernel always reports.
    correctness.check_deferred = lambda lib, res, gen: res.log("  check_deferred: needs a device, not dry-run")
    correctness.VOCAB_CANDIDATES = [2, 3, 17, 100, 1000, 4096]
    correctness.ALWAYS = [2, 1000]
    timing.SHAPES = [(64, 1000), (48, 4096)]
    real_run = timing.run
    timing.run = lambda *a, **k: real_run(*a, **{**k, "shapes": timing.SHAPES})
    timing.Timer.__init__.__defaults__ = (20.0, 3, 10, 1)  # target_ms, min_reps, max_reps, warmup
    out = tempfile.mkdtemp(prefix="labo4j-dryrun-")
    sys.argv = ["gpu_check.py", "--lib", lib_path, "--out", out, "--timing-budget-s", "120", "--seed", "7"]
    rc = gpu_check.main()
    import json
    with open(os.path.join(out, "gpu_check.json")) as f:
        doc = json.load(f)
    failed = [r["check"] for r in doc["correctness"]["rows"] if not r["ok"]]
    unexpected = [c for c in failed if c not in EXPECTED_CPU_FAILURES]
    timed = [r for b in doc["timing"] for r in b.get("rows_timed", [])]
    errors = [f"{r['variant']}: {r['error']}" for r in timed if "error" in r]
    print(f"\ndry run: gpu_check exit {rc}; {len(doc['correctness']['rows'])} checks, failed: {failed}")
    print(f"dry run: {len(timed)} timed rows; rows with an error: {errors}")
    print(f"dry run: outputs in {out}: {sorted(os.listdir(out))}")
    with open(os.path.join(out, "summary.txt")) as f:
        print(f.read())
    # Per shape and dtype: copy, 4 members x (separate, in place), LS with deferred target errors,
    # budget on Gumbel rows, eager LS, eager LABO, torch.compile LABO, copy again.
    ok = not unexpected and len(timed) == 15 * len(timing.SHAPES) * 2
    builds_ok = dry_run_compare_builds(lib_path, out)
    print(f"dry run: {'passed' if ok and builds_ok else 'FAILED'} (unexpected failures: {unexpected})")
    return 0 if ok and builds_ok else 1


def dry_run_compare_builds(lib_path, out):
    """compare_builds.py over two names for the library (plus its control column), small shapes
    given with --shape."""
    import compare_builds
    timing_shapes = [(64, 1000), (48, 4096)]
    sys.argv = ["compare_builds.py", "--lib", f"packed={lib_path}", "--lib", f"other={lib_path}", "--rounds", "2",
                "--out", out] + [arg for r, v in timing_shapes for arg in ("--shape", f"{r}x{v}")]
    rc = compare_builds.main()
    with open(os.path.join(out, "compare_builds.md")) as f:
        table = f.read()
    rows = [line for line in table.splitlines() if line.startswith("| ") and "x" in line.split("|")[1]]
    expected = len(timing_shapes) * 2 * len(compare_builds.MEMBERS)
    cells_ok = all(line.count("±") == 3 for line in rows)  # packed, other, packed (again)
    ok = rc == 0 and len(rows) == expected and cells_ok and "packed (again)" in table
    print(table)
    print(f"dry run: compare_builds exit {rc}; {len(rows)} of {expected} rows, three timed builds each: "
          f"{'yes' if cells_ok else 'no'}")
    return ok


if __name__ == "__main__":
    sys.exit(main())
