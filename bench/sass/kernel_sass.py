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
    if len(sys.argv) not in (3, 4) or sys.argv[1] not in ('counts', 'row-path'):
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
