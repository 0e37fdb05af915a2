#!/usr/bin/env bash
# Compiles the CUDA loss kernels for sm_90 and disassembles them, for instruction counts
# (bench/sass/kernel_sass.py). Writes OUT.sass (nvdisasm -c -g: SASS with source lines) and
# OUT.ptxas (ptxas -v: registers and spills per kernel).
#
#   bash bench/sass/disassemble.sh OUT            # the working tree's native/
#   bash bench/sass/disassemble.sh OUT REV        # native/ as git revision REV had it
#
# Needs nvcc (CUDA 13 here) and an nvdisasm. CUDA 13.0 on the development machine ships none; the
# one of Debian bookworm's non-free nvidia-cuda-toolkit (11.8) works once the cubin's ELF header
# carries the older CUDA ABI (OS/ABI 0x33, ABI version 7, e_flags 0x5a055a), which this script
# writes. Get it without installing the package:
#   apt-get -o Dir::Etc::SourceList=<a list naming "deb http://deb.debian.org/debian bookworm non-free">
#           download nvidia-cuda-toolkit && dpkg-deb -x nvidia-cuda-toolkit_*.deb DIR
# and point NVDISASM at DIR/usr/bin/nvdisasm.
set -euo pipefail
out=$(realpath -m "$1")
rev=${2:-}
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
nvdisasm=${NVDISASM:-nvdisasm}
command -v "$nvdisasm" >/dev/null || { echo "disassemble.sh: no nvdisasm (set NVDISASM)" >&2; exit 1; }
src=native
if [[ -n $rev ]]; then
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  git archive "$rev" native | tar -x -C "$tmp"
  src=$tmp/native
fi
nvcc -O3 -DNDEBUG -DLABO_WITH_CUDA=1 -I"$src/include" -I"$src/src" -arch=sm_90 -cubin -lineinfo -Xptxas=-v \
  -std=c++17 -x cu "$src/src/cuda/label_loss.cu" -o "$out.cubin" 2> "$out.ptxas"
python3 - "$out.cubin" <<'PY'
import struct, sys
path = sys.argv[1]
elf = bytearray(open(path, 'rb').read())
elf[7], elf[8] = 0x33, 7                   # OS/ABI, ABI version
struct.pack_into('<I', elf, 0x30, 0x5a055a)  # e_flags (64-bit ELF)
open(path, 'wb').write(elf)
PY
"$nvdisasm" -c -g "$out.cubin" > "$out.sass"
rm -f "$out.cubin"
echo "$out.sass: $(grep -c '' "$out.sass") lines"
