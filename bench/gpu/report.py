"""Tables of the GPU check: markdown per shape and dtype, the issue's targets, and a short summary."""

# The issue's targets at N=8192, V=32000 (labo4j with a separate gradient buffer).
TARGET_SHAPE = (8192, 32000)
COPY_TARGETS = {"LS": 1.25, "LABO-fixed": 1.25, "LABO-budget": 1.6}
EAGER_LS_SPEEDUP = 3.0       # labo4j LS vs PyTorch eager cross_entropy(label_smoothing)
COMPILED_SPEEDUP = 1.5       # labo4j LABO-fixed vs torch.compile of the LABO composite


def _fmt(x, spec):
    return "" if x is None else format(x, spec)


def floor_ms(block):
    times = [r["median_ms"] for r in block.get("rows_timed", []) if r["kind"] in ("copy", "copy-again")
             and "median_ms" in r]
    return min(times) if times else None


def find_row(block, kind, member=None, in_place=False):
    """The timed row of one variant in a block, or None."""
    for r in block.get("rows_timed", []):
        if r["kind"] == kind and r.get("member") == member and r.get("in_place", False) == in_place:
            return r
    return None


def _ms(block, kind, member=None, in_place=False):
    row = find_row(block, kind, member, in_place)
    return row.get("median_ms") if row else None


def derived(block):
    """Adds x_copy, GB/s and speed-ups to every timed row of a block."""
    floor = floor_ms(block)
    eager_ls = _ms(block, "eager-ls")
    compiled = _ms(block, "compiled-labo")
    moved = 2 * block["bytes"]  # read the logits once, write the gradient once
    for r in block.get("rows_timed", []):
        t = r.get("median_ms")
        if t is None:
            continue
        r["x_copy"] = t / floor if floor else None
        r["gb_per_s"] = moved / (t * 1e-3) / 1e9
        r["speedup_vs_eager_ls"] = eager_ls / t if eager_ls else None
        r["speedup_vs_compiled_labo"] = compiled / t if compiled else None


def block_markdown(block):
    title = f"### N={block['rows']}, V={block['vocab']}, {block['dtype']}"
    if "rows_timed" not in block:
        return f"{title}\n\n{block.get('error', 'not timed')}\n"
    derived(block)
    copies = [r for r in block["rows_timed"] if r["kind"] in ("copy", "copy-again") and "median_ms" in r]
    lines = [title, "",
             f"{block['bytes'] / 1e6:.1f} MB of logits; floor = device-to-device copy of those bytes, timed "
             f"twice: {', '.join(format(r['median_ms'], '.4f') for r in copies)} ms.", "",
             "| variant | median ms | p10-p90 ms | fused kernel ms | x copy | GB/s | vs eager LS | vs compiled LABO |",
             "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for r in block["rows_timed"]:
        if "median_ms" not in r:
            lines.append(f"| {r['variant']} | {r.get('error', 'no result')} | | | | | | |")
            continue
        note = f" (compile {r['compile_s']:.0f} s)" if "compile_s" in r else ""
        lines.append(
            f"| {r['variant']}{note} | {r['median_ms']:.4f} | {r['p10_ms']:.4f}-{r['p90_ms']:.4f} | "
            f"{_fmt(r.get('kernel_ms'), '.4f')} | {_fmt(r.get('x_copy'), '.2f')} | {r['gb_per_s']:.0f} | "
            f"{_fmt(r.get('speedup_vs_eager_ls'), '.2f')} | {_fmt(r.get('speedup_vs_compiled_labo'), '.2f')} |")
    return "\n".join(lines) + "\n"


def target_lines(blocks):
    """PASS/MISS of each of the issue's targets, from the blocks of TARGET_SHAPE."""
    out = []
    for block in blocks:
        if (block["rows"], block["vocab"]) != TARGET_SHAPE or "rows_timed" not in block:
            continue
        derived(block)
        rows = {(r["kind"], r.get("member"), r.get("in_place", False)): r for r in block["rows_timed"]}
        d = block["dtype"]
        for member, limit in COPY_TARGETS.items():
            r = rows.get(("labo", member, False), {})
            x = r.get("x_copy")
            out.append(f"{d} {member}: {_fmt(x, '.2f') or 'n/a '}x copy (target <= {limit}) "
                       f"{'PASS' if x is not None and x <= limit else 'MISS'}")
        s = rows.get(("labo", "LS", False), {}).get("speedup_vs_eager_ls")
        out.append(f"{d} LS vs eager cross_entropy: {_fmt(s, '.2f') or 'n/a '}x faster (target >= {EAGER_LS_SPEEDUP}) "
                   f"{'PASS' if s is not None and s >= EAGER_LS_SPEEDUP else 'MISS'}")
        s = rows.get(("labo", "LABO-fixed", False), {}).get("speedup_vs_compiled_labo")
        out.append(f"{d} LABO-fixed vs torch.compile LABO: {_fmt(s, '.2f') or 'n/a '}x faster (target >= {COMPILED_SPEEDUP}) "
                   f"{'PASS' if s is not None and s >= COMPILED_SPEEDUP else 'MISS'}")
    return out


def correctness_lines(results):
    fails = results.failures()
    worst = {}
    for r in results.rows:
        if r["limit"] > 0 and r["ok"]:
            key = r["check"].split(" ")[0]
            worst[key] = max(worst.get(key, 0.0), r["error"])
    lines = [f"correctness: {len(results.rows)} checks, {len(fails)} failed; largest passing relative error: "
             + ", ".join(f"{k} {v:.1e}" for k, v in sorted(worst.items()))]
    lines += [f"  FAILED {r['check']}: {r['error']:.3e} > {r['limit']:.0e} {r['note']}" for r in fails[:40]]
    if len(fails) > 40:
        lines.append(f"  ... and {len(fails) - 40} more (see gpu_check.json)")
    return lines


def summary_table(blocks):
    """One line per shape and dtype: the numbers the README needs."""
    head = (f"{'shape':>12} {'dtype':5} {'copy':>7} {'CE':>13} {'LS':>13} {'LABO-fix':>13} {'LABO-bud':>13} "
            f"{'eagerLS':>8} {'eagLABO':>8} {'compLABO':>8} {'LS/eager':>8} {'fix/comp':>8}")
    lines = ["ms (x copy); last two columns: speed-up of labo4j", head]
    for b in blocks:
        shape = f"{b['rows']}x{b['vocab']}"
        if "rows_timed" not in b:
            lines.append(f"{shape:>12} {b['dtype']:5} {b.get('error', '')}")
            continue
        derived(b)
        floor = floor_ms(b)

        def cell(member):
            r = find_row(b, "labo", member)
            return f"{r['median_ms']:.3f}({r['x_copy']:.2f})" if r and "median_ms" in r else "-"

        def plain(kind):
            t = _ms(b, kind)
            return "-" if t is None else f"{t:.3f}"

        ls = find_row(b, "labo", "LS") or {}
        fx = find_row(b, "labo", "LABO-fixed") or {}
        lines.append(
            f"{shape:>12} {b['dtype']:5} {_fmt(floor, '7.3f'):>7} {cell('CE'):>13} {cell('LS'):>13} "
            f"{cell('LABO-fixed'):>13} {cell('LABO-budget'):>13} {plain('eager-ls'):>8} {plain('eager-labo'):>8} "
            f"{plain('compiled-labo'):>8} {_fmt(ls.get('speedup_vs_eager_ls'), '8.2f'):>8} "
            f"{_fmt(fx.get('speedup_vs_compiled_labo'), '8.2f'):>8}")
    return lines


def markdown(meta, results, blocks):
    head = [f"# labo4j GPU check, {meta['date']}", "",
            f"Card: {meta['device']} ({meta['sm_count']} SMs, L2 {meta['l2_mb']:.0f} MB), driver {meta['driver']}, "
            f"torch {meta['torch']} (CUDA {meta['torch_cuda']}), liblabo {meta['labo_version']}, seed {meta['seed']}.",
            "Times: CUDA events around each call, after warm-up; median of the reps; inputs rotated among sets "
            "larger than L2. labo4j: fused forward+backward, MEAN reduction, gradient into a preallocated buffer or "
            "in place (logits restored before each call, untimed); each call includes the library's target check "
            "and its wait for the check's verdict. Fused kernel ms: the label_loss kernel alone (torch.profiler). "
            "GB/s: (logits read + gradient written) / time. Eager and compiled LABO: the composite of "
            "bench/gpu/torch_baselines.py (fixed T = 2, alpha = 0.1); eager LS: F.cross_entropy(label_smoothing=0.1).",
            "", "## Correctness", ""]
    head += [f"    {line}" for line in correctness_lines(results)]
    head += ["", "## Issue targets (N=8192, V=32000)", ""] + [f"- {line}" for line in target_lines(blocks)]
    head += ["", "## Timings", ""] + [block_markdown(b) for b in blocks]
    head += ["## Summary", "", "```"] + summary_table(blocks) + ["```", ""]
    return "\n".join(head)
