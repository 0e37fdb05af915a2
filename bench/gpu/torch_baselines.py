"""What a PyTorch user writes instead of labo4j: the baselines the GPU check compares against.

- label smoothing: F.cross_entropy(..., label_smoothing=alpha), forward and backward;
- LABO as an eager composite (METHOD.md sections 2-4): r = softmax over the non-targets of z / T,
  detached; q = (1 - alpha) e_y + alpha r; loss = -(q * log_softmax(z)).sum(1).mean();
- the same composite through torch.compile.
Each *_step returns (loss, dloss/dlogits) for logits that need no grad themselves.
"""
import torch
import torch.nn.functional as F


def labo_composite(z, y, alpha, temperature):
    """LABO (fixed T) loss, mean over rows; every target must be a class (no ignored rows)."""
    with torch.no_grad():
        w = (z / temperature).scatter(1, y[:, None], float("-inf"))
        r = torch.softmax(w, dim=1)
        q = (alpha * r).scatter_add(1, y[:, None], torch.full_like(r[:, :1], 1.0 - alpha))
    return -(q * F.log_softmax(z, dim=1)).sum(1).mean()


def ls_step(z, y, alpha):
    z = z.detach().requires_grad_(True)
    loss = F.cross_entropy(z, y, label_smoothing=alpha)
    (grad,) = torch.autograd.grad(loss, z)
    return loss, grad


def make_labo_step(fn):
    """fwd+bwd step of a LABO composite `fn` (eager labo_composite or its compiled form)."""
    def step(z, y, alpha, temperature):
        z = z.detach().requires_grad_(True)
        loss = fn(z, y, alpha, temperature)
        (grad,) = torch.autograd.grad(loss, z)
        return loss, grad
    return step


eager_labo_step = make_labo_step(labo_composite)


def compiled_labo_step():
    """A fresh torch.compile of the composite (mode default); compiles on its first call."""
    return make_labo_step(torch.compile(labo_composite, dynamic=False))
