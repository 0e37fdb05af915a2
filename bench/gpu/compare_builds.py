"""Times builds of liblabo.so side by side on the same inputs (a tuning experiment): the packed
library and the variants made by bench/gpu/pack-variants.sh, fused forward+backward (MEAN,
separate gradient) at the GPU check's large shapes and at one with short rows (V = 8192, where
several rows share a multiprocessor's shared memory and the block size depends on how many), next to
a device-to-device copy. Same timing method as timing.py, with the builds interleaved: every
row is timed in --rounds rounds, each visiting every build in a rotating order, so that the GPU's
drift over the run (clocks, temperature) falls on all builds alike. The first build is timed
twice, the second time as the control column "NAME (again)": how far two measurements of one
build differ is the smallest difference between builds that this table can show. Each cell:
median ms (x copy) and the spread of its round medians (half their range, % of the median).
Writes compare_builds.md under --out.

Usage: python3 bench/gpu/compare_builds.py --lib NAME=path.so [--lib NAME=path.so.gz ...] [--rounds 5]
       [--shape ROWSxVOCAB ...] [--no-control] --out $OUT
--shape replaces the default shapes, e.g. --shape 524288x500 for many short rows (the register-row
kernels: fp32 32 lanes x 4 chunks, bf16 32 x 2).
"""
import argparse
import gzip
import os
import shutil
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import labo_ctypes as lc  # noqa: E402
import timing  # noqa: E402

SHAPES = [(8192, 32000), (16384, 50257), (32768, 8192)]
MEMBERS = ["CE", "LS", "LABO-fixed", "LABO-budget"]


def load(spec, scratch):
    name, path = spec.split("=", 1)
    if path.endswith(".gz"):  # each build gets a file of its own name, so each is loaded on its own
        plain = os.path.join(scratch, f"liblabo-{name}.so")
        with gzip.open(path) as src, open(plain, "wb") as dst:
            shutil.copyfileobj(src, dst)
        path = plain
    return name, lc.LaboLib(path)


def shape(text):
    """ROWSxVOCAB -> (rows, vocab)."""
    try:
        rows, vocab = (int(v) for v in text.lower().split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"shape {text!r}: expected ROWSxVOCAB, e.g. 8192x32000")
    if rows < 1 or vocab < 2:
        raise argparse.ArgumentTypeError(f"shape {text!r}: rows must be at least 1 and vocab at least 2")
    return rows, vocab


def cell(summary, copy_ms):
    ms = summary["median_ms"]
    rounds = summary["round_medians_ms"]
    spread = 50.0 * (max(rounds) - min(rounds)) / ms
    return f"{ms:.4f} ({ms / copy_ms:.2f}) ±{spread:.1f}%"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--lib", action="append", required=True, help="NAME=path (.so or .so.gz)")
    ap.add_argument("--out", default=os.environ.get("OUT", "/tmp"))
    ap.add_argument("--rounds", type=int, default=5, help="interleaved rounds per row (default 5)")
    ap.add_argument("--shape", dest="shapes", type=shape, action="append", metavar="ROWSxVOCAB",
                    help="a shape to time, repeatable (default: " + ", ".join(f"{r}x{v}" for r, v in SHAPES) + ")")
    ap.add_argument("--no-control", dest="control", action="store_false",
                    help="do not time the first build a second time")
    args = ap.parse_args()
    if args.rounds < 1:
        ap.error("--rounds must be at least 1")
    if not torch.cuda.is_available():
        print("no CUDA device: nothing to compare")
        return 2
    scratch = "/tmp/labo4j-builds"
    os.makedirs(scratch, exist_ok=True)
    libs = [load(spec, scratch) for spec in args.lib]
    if args.control:
        libs.append((f"{libs[0][0]} (again)", libs[0][1]))
    gen = torch.Generator(device="cuda")
    gen.manual_seed(11)
    l2 = int(getattr(torch.cuda.get_device_properties(0), "L2_cache_size", 50 * 2**20))
    timer = timing.Timer()
    names = [n for n, _ in libs]
    lines = [f"# Builds compared on {torch.cuda.get_device_name(0)}", "",
             f"median ms of fused forward+backward (x copy) ±spread of {args.rounds} interleaved rounds; "
             "separate gradient, MEAN", "",
             "| shape | dtype | member | copy | " + " | ".join(names) + " |",
             "| --- | --- | --- | ---: | " + " | ".join("---:" for _ in names) + " |"]
    for rows, vocab in args.shapes or SHAPES:
        for dname in ("fp32", "bf16"):
            dtype, code = timing.DTYPES[dname]
            inp = timing.Inputs(rows, vocab, dtype, l2, gen)
            copy = timer.measure(inp.copy_to_scratch, lambda i: inp.flush_l2())["median_ms"]
            paths = {n: lib.kernel_path(code, vocab) for n, lib in libs}
            for member in MEMBERS:
                cases = [timing.labo_variant(lib, member, code, inp, in_place=False) for _, lib in libs]
                cells = [cell(t, copy) for t in timer.measure_interleaved(cases, args.rounds)]
                line = f"| {rows}x{vocab} | {dname} | {member} | {copy:.4f} | " + " | ".join(cells) + " |"
                print(line, paths, flush=True)
                lines.append(line)
            del inp
            torch.cuda.empty_cache()
    with open(os.path.join(args.out, "compare_builds.md"), "w") as f:
        f.write("\n".join(lines) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
