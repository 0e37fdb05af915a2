"""A process whose first labo4j call is captured into a CUDA graph (deferred target errors): the
call must succeed, leave the capture valid (the device's target error record is made during the
capture), and its replays on new inputs must equal eager calls. Run by correctness.py in a process
of its own, since the record is made once per process.

Usage: python3 bench/gpu/capture_first_call.py path/to/liblabo.so   (exit 0: passed; prints why not)
"""
import math
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import labo_ctypes as lc  # noqa: E402


def main():
    lib = lc.LaboLib(sys.argv[1])
    rows, vocab = 64, 1000
    gen = torch.Generator(device="cuda")
    gen.manual_seed(3)
    z = 3.0 * torch.randn(rows, vocab, generator=gen, device="cuda")
    y = torch.randint(0, vocab, (rows,), generator=gen, device="cuda")
    grad, loss = torch.empty_like(z), torch.empty(1, device="cuda")
    cfg = lib.config("LABO-fixed")
    graph = torch.cuda.CUDAGraph()
    with torch.cuda.graph(graph):
        status = lib.forward_backward_status(cfg, lib.args(
            lc.DEVICE_CUDA, lc.FLOAT32, rows, vocab, z.data_ptr(), y.data_ptr(), loss.data_ptr(),
            grad=grad.data_ptr(), stream=torch.cuda.current_stream().cuda_stream,
            target_errors=lc.TARGET_ERRORS_DEFERRED))
    if status != lc.OK:  # torch.cuda.graph's exit would have raised had the capture been invalidated
        print(f"first call captured: status {status}: {lib.last_error()}")
        return 1
    failures = []
    for seed in (4, 5):
        gen.manual_seed(seed)
        z.copy_(3.0 * torch.randn(rows, vocab, generator=gen, device="cuda"))
        y.copy_(torch.randint(0, vocab, (rows,), generator=gen, device="cuda"))
        grad.fill_(math.nan)
        graph.replay()
        eager_grad, eager_loss = torch.empty_like(z), torch.empty(1, device="cuda")
        lib.forward_backward(cfg, lib.args(lc.DEVICE_CUDA, lc.FLOAT32, rows, vocab, z.data_ptr(), y.data_ptr(),
                                           eager_loss.data_ptr(), grad=eager_grad.data_ptr(),
                                           stream=torch.cuda.current_stream().cuda_stream))
        torch.cuda.synchronize()
        if not (torch.equal(loss, eager_loss) and torch.equal(grad, eager_grad)):
            failures.append(f"replay {seed}: loss {loss.item()} vs eager {eager_loss.item()}")
    if lib.take_target_error_status() != lc.OK:
        failures.append(f"a target error recorded from valid targets: {lib.last_error()}")
    print("first call captured, replayed twice: " + ("same bits as eager calls" if not failures else "; ".join(failures)))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
