"""Times builds of liblabo.so side by side on the CPU kernel: one member on rows drawn from several
distributions (Gaussian logits, and the right-skewed or heavy-tailed rows real models produce),
each build in its own process (two copies of the library do not share one), rounds alternating.
Prints a markdown table: best-of-rounds median time per build, and mean T and loss, which must
agree between builds that only change speed.

Usage: python3 bench/cpu_compare_builds.py --lib before=path/liblabo.so --lib after=path/liblabo.so
           [--member LABO-budget] [--kappas 0.1,0.5,0.9] [--rows 256] [--vocab 32000] [--threads 1]
Needs numpy. Build a library of another revision with
    git archive REV native cmake | tar -x -C DIR && cmake -S DIR/native -B DIR/build -DLABO_ENABLE_CUDA=OFF
    cmake --build DIR/build --target labo
"""
import argparse
import ctypes
import json
import os
import statistics
import subprocess
import sys
import time

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "gpu"))
import labo_ctypes as lc  # noqa: E402

DISTRIBUTIONS = {  # name: rows of logits from a seeded generator
    "gaussian (sd 2)": lambda rs, shape: rs.normal(0, 2, shape),
    "gumbel (scale 2)": lambda rs, shape: rs.gumbel(0, 2, shape),
    "student-t3 (x2)": lambda rs, shape: rs.standard_t(3, shape) * 2,
    "lognormal": lambda rs, shape: rs.lognormal(0, 1, shape),
}


def measure(path, member, kappas, rows, vocab, threads, calls):
    """One build, every distribution and kappa: {key: [median ms, mean T, loss]}."""
    lib = lc.LaboLib(path)
    out = {}
    for index, (name, draw) in enumerate(DISTRIBUTIONS.items()):
        rs = np.random.default_rng(11 + index)
        z = np.ascontiguousarray(draw(rs, (rows, vocab)).astype(np.float32))
        y = np.ascontiguousarray(rs.integers(0, vocab, rows).astype(np.int64))
        for kappa in kappas:
            cfg = lib.config(member)
            cfg.budget, cfg.num_threads = kappa, threads
            loss = np.zeros(1, np.float32)
            grad = np.empty_like(z)
            temperature = np.empty(rows, np.float32)
            args = lib.args(lc.DEVICE_CPU, lc.FLOAT32, rows, vocab, z.ctypes.data, y.ctypes.data, loss.ctypes.data,
                            grad=grad.ctypes.data, row_temperature=temperature.ctypes.data)
            lib.forward_backward(cfg, args)  # warm-up
            times = []
            for _ in range(calls):
                start = time.perf_counter()
                lib.forward_backward(cfg, args)
                times.append((time.perf_counter() - start) * 1e3)
            out[f"{name}|{kappa}"] = [statistics.median(times), float(np.mean(temperature)), float(loss[0])]
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--lib", action="append", default=[], help="NAME=path to liblabo.so (two or more)")
    ap.add_argument("--member", default="LABO-budget", choices=sorted(lc.MEMBERS))
    ap.add_argument("--kappas", default="0.1,0.5,0.9")
    ap.add_argument("--rows", type=int, default=256)
    ap.add_argument("--vocab", type=int, default=32000)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--calls", type=int, default=7)
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--one", help=argparse.SUPPRESS)  # internal: measure this path, print JSON
    a = ap.parse_args()
    kappas = [float(k) for k in a.kappas.split(",")]
    if a.one:
        print(json.dumps(measure(a.one, a.member, kappas, a.rows, a.vocab, a.threads, a.calls)))
        return
    if not a.lib:
        ap.error("give the builds to compare with --lib NAME=path")
    builds = [spec.split("=", 1) for spec in a.lib]
    best = {}
    for _ in range(a.rounds):
        for name, path in builds:
            cmd = [sys.executable, os.path.abspath(__file__), "--one", path, "--member", a.member,
                   "--kappas", a.kappas, "--rows", str(a.rows), "--vocab", str(a.vocab), "--threads", str(a.threads),
                   "--calls", str(a.calls)]
            result = json.loads(subprocess.run(cmd, check=True, capture_output=True, text=True).stdout)
            for key, value in result.items():
                kept = best.setdefault(name, {}).get(key)
                if kept is None or value[0] < kept[0]:
                    best[name][key] = value
    names = [name for name, _ in builds]
    print(f"CPU kernel, {a.member}, {a.rows} x {a.vocab} fp32, {a.threads} thread(s), "
          f"best of {a.rounds} rounds of the median of {a.calls} calls (ms)\n")
    head = ["rows", "kappa"] + [f"{n} ms" for n in names]
    if len(names) == 2:
        head.append(f"{names[0]} / {names[1]}")
    head += [f"mean T {n}" for n in names] + [f"loss {n}" for n in names]
    print("| " + " | ".join(head) + " |")
    print("| " + " | ".join(["---"] + ["---:"] * (len(head) - 1)) + " |")
    for key in best[names[0]]:
        rows_name, kappa = key.split("|")
        cells = [rows_name, kappa] + [f"{best[n][key][0]:.1f}" for n in names]
        if len(names) == 2:
            cells.append(f"{best[names[0]][key][0] / best[names[1]][key][0]:.2f}x")
        cells += [f"{best[n][key][1]:.5g}" for n in names] + [f"{best[n][key][2]:.6g}" for n in names]
        print("| " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
