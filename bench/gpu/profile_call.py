"""One labo4j loss call, repeated, for a profiler to pick a launch from (Nsight Compute):
  ncu --clock-control none --kernel-name regex:label_loss --launch-skip 2 --launch-count 1 \
      --section SpeedOfLight --section Occupancy --section WarpStateStats \
      python3 bench/gpu/profile_call.py --lib liblabo.so --rows 8192 --vocab 32000 --dtype fp32 --member LS
"""
import argparse
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import labo_ctypes as lc  # noqa: E402
import timing  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--lib", required=True)
    ap.add_argument("--rows", type=int, default=8192)
    ap.add_argument("--vocab", type=int, default=32000)
    ap.add_argument("--dtype", choices=sorted(timing.DTYPES), default="fp32")
    ap.add_argument("--member", choices=sorted(lc.MEMBERS), default="LS")
    ap.add_argument("--calls", type=int, default=4)
    args = ap.parse_args()
    lib = lc.LaboLib(args.lib)
    dtype, code = timing.DTYPES[args.dtype]
    gen = torch.Generator(device="cuda")
    gen.manual_seed(5)
    inp = timing.Inputs(args.rows, args.vocab, dtype, 0, gen)
    fn, prep = timing.labo_variant(lib, args.member, code, inp, in_place=False)
    for i in range(args.calls):
        prep(i)
        fn(i)
    torch.cuda.synchronize()
    print(f"{args.calls} calls of {args.member} {args.dtype} {args.rows}x{args.vocab}: path {lib.kernel_path(code, args.vocab)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
