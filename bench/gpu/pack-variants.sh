#!/usr/bin/env bash
# Builds variants of the CUDA library for a tuning experiment and adds them to the GPU pack
# (bench/gpu-pack/variants/NAME.so.gz, sm_90 machine code only), for bench/gpu/compare_builds.py to time
# side by side with the packed library. Each argument is NAME=NVCC_DEFINES, e.g.
#   bash bench/gpu/pack-variants.sh "fp32-512x2=-DLABO_SMEM_PATH_THREADS_32BIT=512 -DLABO_SMEM_PATH_MIN_BLOCKS_32BIT=2"
# (the settings are the LABO_SMEM_PATH_* macros of native/src/cuda/label_loss.cu and
# label_loss_smem_pipeline.cuh), or NAME=@REV:
# the library as a git revision had it, for a before/after timing in one run, e.g.
#   bash bench/gpu/pack-variants.sh "before=@d6af31b"
# Run after bench/gpu/pack.sh (which empties the pack).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
OUT=bench/gpu-pack/variants
[[ -d bench/gpu-pack ]] || { echo "pack-variants.sh: run bench/gpu/pack.sh first" >&2; exit 1; }
mkdir -p "$OUT"
# A local run of the checks unpacks the Java runtime in place; only its .xz files travel.
source bench/gpu/unpack-jre.sh
drop_unpacked_jre bench/gpu-pack
for spec in "$@"; do
  name=${spec%%=*}
  defines=${spec#*=}
  build=target/gpu-variant-$name
  source=native
  if [[ $defines == @* ]]; then  # the native/ and cmake/ trees of another revision
    source=target/gpu-variant-src-$name
    rm -rf "$source" && mkdir -p "$source"
    git archive "${defines#@}" native cmake | tar -x -C "$source"
    source=$source/native
    defines=""
  fi
  rm -rf "$build"
  cmake -S "$source" -B "$build" -DCMAKE_BUILD_TYPE=Release -DLABO_CUDA_ARCHITECTURES=90-real \
    -DCMAKE_CUDA_FLAGS="$defines" >/dev/null
  cmake --build "$build" --target labo -j "${JOBS:-2}" >/dev/null
  gzip -9 -c "$build/liblabo.so" > "$OUT/$name.so.gz"
  echo "$name: ${spec#*=} ($(du -h "$OUT/$name.so.gz" | cut -f1))" | tee -a "$OUT/VARIANTS.txt"
done
# A device call carries the tracked tree and the pack together, at most 64 MiB.
pack_kib=$(du -sk bench/gpu-pack | cut -f1)
tree_kib=$(( $(git ls-files -z | xargs -0 du -cb 2>/dev/null | tail -n 1 | cut -f1) / 1024 ))
echo "pack with variants: $((pack_kib / 1024)) MiB, tracked tree: $((tree_kib / 1024)) MiB (a device call carries at most 64 MiB)"
if (( pack_kib + tree_kib > 64 * 1024 )); then
  echo "pack-variants.sh: too large to travel; make fewer variants" >&2
  exit 1
fi
