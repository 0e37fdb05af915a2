"""Instruction counts of the CUDA loss kernels from nvdisasm listings (bench/sass/disassemble.sh).

    python3 bench/sass/kernel_sass.py counts NEW.sass [OLD.sass]
        static instructions of every kernel (and of OLD's kernel of the same name), with MUFU
        and FADD, one line per kernel: "path dtype loss [lanes x chunks]";
    python3 bench/sass/kernel_sass.py row-path NEW.sass [OLD.sass]
        for the shared-memory kernels, the instructions a thread outside warp 0 that is not the
        group's leader runs once per row besides its chunks: from the head of the row loop to the
        fused gradient-and-next-row sweep, taking a branch when its predicate compares the thread
        index with 31 (warp 0's block) or with 0 (the leader's block) and no other forward branch.
        Exact for CE and LS, whose path between the two is straight-line apart from those branches;
        LABO's rows have loops and rare branches of their own (the budget sweeps, fixed-T's
        guarded re-sweep) that the walk does not follow faithfully.

    python3 bench/sass/kernel_sass.py chunk-path NEW.sass [OLD.sass]
        for the shared-memory kernels, what one thread runs per chunk in each fused
        gradient-and-next-row sweep in the steady state (a full chunk, not the target's, in both
        rows): the gradient and the copy of the next row's chunk, the join up to the pass-1 fold of
        the chunk kStatsLag copies back, and that fold, without and with its reference move (the
        branch right after FSETP.GEU, or its predicated equivalent). The sweeps are found from
        landmarks (the LDGSTS right after a vector STG, the DEPBAR before the fold, the fold's
        plain-chunk branch, the loop's back edge) and named by their exponentials per element:
        plain (one), tempered (two), zero (none); "natural" where the gradient subtracts a
        register (z - m) before its exponent. Heuristic: checked by hand against the listing for
        LS fp32 and bf16 and LABO fixed fp32.

Kernels are told apart by their demangled names (c++filt), so listings of two revisions compare
kernel by kernel even where the mangled names differ.
"""
import collections
import re
import subprocess
import sys

LABEL = re.compile(r'\s*(\.L_x_\d+):')
INSTRUCTION = re.compile(r'/\*[0-9a-f]{4,}\*/\s+(.*?)\s*;')
FUNCTION = re.compile(r'\s*\.text\.(\S+):')
BRANCH_TARGET = re.compile(r'\bBRA\b.*?(\.L_x_\d+)')
LOSSES = {'0': 'CE', '1': 'LS', '2': 'LABO-fixed', '3': 'LABO-budget'}


class Kernel:
    def __init__(self, demangled, lines):
        self.name = short_name(demangled)
        self.instructions = []
        self.labels = {}
        for line in lines:
            m = LABEL.match(line)
            if m:
                self.labels[m.group(1)] = len(self.instructions)
                continue
            m = INSTRUCTION.search(line)
            if m:
                self.instructions.append(m.group(1))

    def opcodes(self):
        return collections.Counter(re.sub(r'^@!?U?P\w+\s+', '', t).split()[0].split('.')[0]
                                   for t in self.instructions)

    def loops(self):
        """(head, back-branch index, conditional) of every backward branch."""
        out = []
        for i, t in enumerate(self.instructions):
            m = BRANCH_TARGET.search(t)
            if m and m.group(1) in self.labels and self.labels[m.group(1)] <= i:
                out.append((self.labels[m.group(1)], i, t.startswith('@')))
        return out

    def row_path(self):
        """Instructions run per row by a thread outside warp 0 that is not the leader (see above)."""
        ins = self.instructions
        loops = self.loops()
        row_loop = max((l for l in loops if l[2]), key=lambda l: l[1] - l[0])
        sweeps = [l for l in loops if l != row_loop and row_loop[0] <= l[0] and l[1] <= row_loop[1]
                  and any('LDGSTS' in t for t in ins[l[0]:l[1] + 1])]
        if not sweeps:
            return None
        end = min(l[0] for l in sweeps)
        text = '\n'.join(ins)
        index_registers = set(re.findall(r'S2R (R\d+), SR_TID\.X', text))
        index_registers |= {r for r in re.findall(r'ISETP\.GT\.AND P\d, PT, (R\d+), 0x1f', text)}
        skip_predicates = set()
        i, count = row_loop[0], 0
        while i < end:
            t = ins[i]
            count += 1
            m = re.match(r'(?:IMAD\.MOV\.U32|MOV) (R\d+), (?:RZ, RZ, )?(R\d+)$', t)
            if m and m.group(2) in index_registers:
                index_registers.add(m.group(1))
            m = (re.match(r'ISETP\.GT\.AND (P\d), PT, (R\d+), 0x1f', t) or
                 re.match(r'ISETP\.NE\.AND (P\d), PT, (R\d+), RZ', t) or
                 re.match(r'ISETP\.NE\.AND (P\d), PT, RZ, (R\d+)', t))
            if m:
                if m.group(2) in index_registers:
                    skip_predicates.add(m.group(1))
                else:
                    skip_predicates.discard(m.group(1))
            m = re.match(r'(?:@(!?)(P\d) )?BRA(\.DIV)?\b.*?(\.L_x_\d+)', t)
            if m and not m.group(3):
                negated, predicate, target = m.group(1), m.group(2), m.group(4)
                if predicate is None or (predicate in skip_predicates and not negated):
                    i = self.labels[target]
                    continue
            i += 1
        return count


    def chunk_paths(self, vec):
        """(kind, gradient, join, fold, move) of each fused sweep (see chunk-path above)."""
        ins, out = self.instructions, []

        def target(t):
            m = re.search(r'(\.L_x_\d+)', t)
            return self.labels.get(m.group(1)) if m else None

        for ld, t in enumerate(ins):
            if 'LDGSTS' not in t or not any('STG.E.128' in ins[i] for i in range(max(ld - 6, 0), ld)):
                continue
            head = [i for i in range(max(ld - 250, 0), ld) if ins[i].startswith('BSSY B2')]
            join = target(ins[ld + 1])
            if not head or join is None:
                continue
            start = head[-1] - 1
            depbar = next((i for i in range(join, join + 40) if 'DEPBAR.LE SB0' in ins[i]), None)
            if depbar is None:
                continue
            fork = next(i for i in range(depbar, depbar + 40) if re.search(r'BRA !?P\d, ', ins[i]))
            fold = target(ins[fork])
            back = next(i for i in range(fold, fold + 400)
                        if re.search(r'@!P\d BRA', ins[i]) and 'ISETP.GE' in ins[i - 1])
            test = next((i for i in range(fold, back) if 'FSETP.GEU' in ins[i] and 'BRA' in ins[i + 1]), None)
            move = target(ins[test + 1]) - (test + 2) if test is not None else 0
            gradient = ins[start:ld]
            mufu = sum('MUFU' in g for g in gradient)
            kind = {0: 'zero', vec: 'plain', 2 * vec: 'tempered'}.get(mufu, f'{mufu} MUFU')
            if any(re.match(r'FADD R\d+, R\d+, -R\d+', g) for g in gradient):
                kind += ' natural'
            out.append((kind, ld + 2 - start, fork - join + 1, back - fold + 1 - move, move))
        return out


def short_name(demangled):
    kind = re.search(r'label_loss_(\w+)_kernel', demangled)
    if not kind:
        return None
    dtype = re.search(r'(Float32|BFloat16|Float16)Traits', demangled)
    loss = re.search(r'RowLoss\)(\d)', demangled)
    shape = re.search(r'kernel<[^,]+, [^,]+, (\d+), (\d+)>', demangled)
    name = f"{kind.group(1)} {dtype.group(1) if dtype else '?'} {LOSSES.get(loss.group(1), '?') if loss else '?'}"
    return name + (f" {shape.group(1)}x{shape.group(2)}" if shape else "")


def read(path):
    functions, current = {}, None
    for line in open(path):
        m = FUNCTION.match(line)
        if m:
            current = m.group(1)
            functions[current] = []
        elif current:
            functions[current].append(line)
    names = list(functions)
    demangled = subprocess.run(['c++filt'], input='\n'.join(names), capture_output=True, text=True,
                               check=True).stdout.split('\n')
    kernels = {}
    for mangled, plain in zip(names, demangled):
        kernel = Kernel(plain, functions[mangled])
        if kernel.name:
            kernels[kernel.name] = kernel
    return kernels


def main():
    if len(sys.argv) not in (3, 4) or sys.argv[1] not in ('counts', 'row-path', 'chunk-path'):
        sys.exit(__doc__)
    new = read(sys.argv[2])
    old = read(sys.argv[3]) if len(sys.argv) == 4 else {}
    if sys.argv[1] == 'counts':
        print('| kernel | instructions | MUFU | FADD |' + (' before | MUFU before | FADD before |' if old else ''))
        print('| --- | ---: | ---: | ---: |' + (' ---: | ---: | ---: |' if old else ''))
        totals = [0, 0]
        for name in sorted(new):
            c = new[name].opcodes()
            cells = [sum(c.values()), c['MUFU'], c['FADD']]
            totals[0] += cells[0]
            if name in old:
                b = old[name].opcodes()
                cells += [sum(b.values()), b['MUFU'], b['FADD']]
                totals[1] += cells[3]
            print(f"| {name} | " + ' | '.join(str(x) for x in cells) + ' |')
        print(f"| all kernels | {totals[0]} | | |" + (f" {totals[1]} | | |" if old else ''))
    elif sys.argv[1] == 'chunk-path':
        print('| shared-memory kernel | listing | sweep | gradient | join | fold | per chunk | reference move |')
        print('| --- | --- | --- | ---: | ---: | ---: | ---: | ---: |')
        for name in sorted(new):
            if not name.startswith('block_smem'):
                continue
            vec = 4 if 'Float32' in name else 8
            for label, kernels in (('new', new), ('old', old)):
                if name not in kernels:
                    continue
                for kind, gradient, join, fold, move in kernels[name].chunk_paths(vec):
                    print(f"| {name} | {label} | {kind} | {gradient} | {join} | {fold} | "
                          f"{gradient + join + fold} | +{move} |")
    else:
        print('| shared-memory kernel | per-row path |' + (' before |' if old else ''))
        print('| --- | ---: |' + (' ---: |' if old else ''))
        for name in sorted(new):
            if not name.startswith('block_smem'):
                continue
            if 'LABO' in name:  # loops and rare branches of their own: not traced (see above)
                continue
            cells = [new[name].row_path()] + ([old[name].row_path()] if name in old else [])
            print(f"| {name} | " + ' | '.join('-' if x is None else str(x) for x in cells) + ' |')


if __name__ == '__main__':
    main()
