"""labo4j's CUDA kernels on a GPU: correctness against fp64 and PyTorch, then timings next to
PyTorch eager, torch.compile and a device-to-device copy. Writes under --out:
gpu_check.md (tables), gpu_check.json (every number), summary.txt (the short table) and, with
matplotlib, gpu_check.png (times over the copy floor).
Exit status 1 when a correctness check fails (timings never fail the run).

Usage: python3 bench/gpu/gpu_check.py --lib bench/gpu-pack/native/liblabo.so --out $OUT
"""
import argparse
import datetime
import json
import os
import random
import subprocess
import sys
import time

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import chart  # noqa: E402
import correctness  # noqa: E402
import labo_ctypes as lc  # noqa: E402
import report  # noqa: E402
import timing  # noqa: E402


def log(msg):
    print(msg, flush=True)


def driver_version():
    try:
        return subprocess.run(["nvidia-smi", "--query-gpu=driver_version", "--format=csv,noheader"],
                              capture_output=True, text=True, timeout=30).stdout.strip().splitlines()[0]
    except Exception as e:
        return f"unknown ({e!r})"


def meta(lib, seed):
    props = torch.cuda.get_device_properties(0)
    return {
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "device": lib.device_name(0), "torch_device": props.name, "sm_count": props.multi_processor_count,
        "l2_mb": getattr(props, "L2_cache_size", 0) / 2**20, "memory_gib": props.total_memory / 2**30,
        "driver": driver_version(), "torch": torch.__version__, "torch_cuda": torch.version.cuda,
        "labo_version": lib.version(), "labo_built_with_cuda": lib.built_with_cuda(), "seed": seed,
    }


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--lib", required=True, help="liblabo.so built with the CUDA kernels")
    ap.add_argument("--out", default=os.environ.get("OUT", "/tmp/labo4j-gpu-check-out"))
    ap.add_argument("--seed", type=int, default=None, help="default: a fresh one, printed")
    ap.add_argument("--timing-budget-s", type=float, default=240.0, help="wall time allowed for the timings")
    ap.add_argument("--skip-timing", action="store_true")
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    seed = args.seed if args.seed is not None else random.SystemRandom().randrange(2**31)

    lib = lc.LaboLib(args.lib)
    if not lib.built_with_cuda():
        log(f"{args.lib} was built without the CUDA kernels")
        return 2
    if not torch.cuda.is_available() or lib.cuda_device_count() == 0:
        log(f"no CUDA device: torch sees {torch.cuda.device_count()}, liblabo sees {lib.cuda_device_count()}")
        return 2
    info = meta(lib, seed)
    log(json.dumps(info))
    doc = {"meta": info}
    json_path = os.path.join(args.out, "gpu_check.json")

    def save(results, blocks):
        doc["correctness"] = {"checks": len(results.rows), "failed": len(results.failures()), "rows": results.rows}
        doc["timing"] = blocks
        with open(json_path, "w") as f:
            json.dump(doc, f, indent=1, default=str)
        with open(os.path.join(args.out, "gpu_check.md"), "w") as f:
            f.write(report.markdown(info, results, blocks))
        with open(os.path.join(args.out, "summary.txt"), "w") as f:
            f.write("\n".join([f"{info['device']}, driver {info['driver']}, torch {info['torch']}, {info['date']}"]
                              + report.correctness_lines(results) + report.target_lines(blocks)
                              + report.summary_table(blocks)) + "\n")

    t0 = time.time()
    results = correctness.run(lib, log, seed)
    log(f"correctness: {len(results.rows)} checks, {len(results.failures())} failed, {time.time() - t0:.0f} s")
    blocks = []
    save(results, blocks)
    if not args.skip_timing:
        deadline = time.time() + args.timing_budget_s
        blocks = timing.run(lib, log, seed + 1, deadline, on_block=lambda b: save(results, b))
    save(results, blocks)
    if blocks and not chart.write_chart(info, blocks, os.path.join(args.out, "gpu_check.png")):
        log("no chart: matplotlib is missing")
    return 1 if results.failures() else 0


if __name__ == "__main__":
    sys.exit(main())
