"""The GPU check's timings as one picture: each variant's median time over the device-to-device copy
of the logits (the memory floor), per shape and dtype, on a log scale. gpu_check.py draws it after
the timings when matplotlib is there; from a saved run:

    python3 bench/gpu/chart.py gpu_check.json gpu_check.png
"""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import report  # noqa: E402

# (label, kind, member): labo4j with a separate gradient buffer, then what PyTorch users write.
BARS = [
    ("labo4j CE", "labo", "CE"),
    ("labo4j LS", "labo", "LS"),
    ("labo4j LABO fixed T", "labo", "LABO-fixed"),
    ("labo4j LABO budget", "labo", "LABO-budget"),
    ("PyTorch eager LS", "eager-ls", None),
    ("PyTorch eager LABO", "eager-labo", None),
    ("torch.compile LABO", "compiled-labo", None),
]
COLOURS = ["#9ecae1", "#4292c6", "#2171b5", "#08306b", "#fdae6b", "#e6550d", "#a63603"]


def ratios(block):
    """{label: time / copy} of one timed block (None where a variant has no time)."""
    report.derived(block)
    out = {}
    for label, kind, member in BARS:
        row = report.find_row(block, kind, member)
        out[label] = row.get("x_copy") if row else None
    return out


def write_chart(info, blocks, path):
    """Writes the chart to `path`; returns False (and writes nothing) without matplotlib or timings."""
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return False
    timed = [b for b in blocks if "rows_timed" in b]
    if not timed:
        return False
    groups = [f"{b['rows']} x {b['vocab']}\n{b['dtype']}" for b in timed]
    values = [ratios(b) for b in timed]
    fig, ax = plt.subplots(figsize=(11, 5.2), dpi=110)
    width = 0.8 / len(BARS)
    for i, (label, _, _) in enumerate(BARS):
        xs = [g + (i - (len(BARS) - 1) / 2) * width for g in range(len(groups))]
        ys = [v[label] if v[label] is not None else 0.0 for v in values]
        ax.bar(xs, ys, width * 0.95, label=label, color=COLOURS[i])
    ax.axhline(1.0, color="black", linewidth=1.0, label="copy of the logits (memory floor)")
    ax.set_yscale("log")
    ax.set_xticks(range(len(groups)))
    ax.set_xticklabels(groups)
    ax.set_ylabel("fused forward + backward time / copy time")
    ax.set_title(f"labo4j vs PyTorch on {info.get('device', '?')} ({info.get('date', '?')}, "
                 f"torch {info.get('torch', '?')}): lower is better")
    ax.grid(axis="y", which="both", color="#dddddd", linewidth=0.6)
    ax.set_axisbelow(True)
    ax.legend(ncol=4, fontsize=8, loc="upper left")
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
    return True


def main(argv):
    if len(argv) != 3:
        print(__doc__)
        return 2
    with open(argv[1]) as f:
        doc = json.load(f)
    if not write_chart(doc["meta"], doc.get("timing", []), argv[2]):
        print("nothing drawn: matplotlib missing or no timings in the file")
        return 1
    print(f"wrote {argv[2]}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
