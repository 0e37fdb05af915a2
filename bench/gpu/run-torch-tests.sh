#!/usr/bin/env bash
# The Java API on libtorch CUDA tensors, on the borrowed GPU machine, from the repository root, with
# bench/gpu-pack-torch (made here by bench/gpu/pack-torch.sh) carried along:
#   bash bench/gpu/run-torch-tests.sh
# It runs CudaTensorPathTest and CudaTrainingTest on PyTorch's own libtorch, the
# one pip installed with its CUDA libraries, through the JavaCPP glue of the pack: one folder gathers
# PyTorch's libraries, the CUDA libraries of its pip packages and the pack's JNI libraries, and
# JavaCPP is told to look there before anywhere else.
# Results go to $OUT/torch-check.log. Exit status: JUnit's (0: every test passed).
# Overrides: PYTHON (the python3 that holds PyTorch), TORCH_LIB (a libtorch lib folder instead of
# PyTorch's), NVIDIA_LIB_DIRS (folders of CUDA libraries; by default those of the nvidia pip packages).
set -u -o pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
PACK=${LABO_TORCH_PACK:-bench/gpu-pack-torch}
OUT=${OUT:-/tmp/labo4j-torch-check-out}
PYTHON=${PYTHON:-python3}
LIBS=${LIBS:-/tmp/labo4j-torch-libs}
JAVA_S=${JAVA_S:-240}
mkdir -p "$OUT"
LOG=$OUT/torch-check.log
: > "$LOG"
log() { echo "$*" | tee -a "$LOG"; }

[[ -x "$PACK/jre/bin/java" && -f "$PACK/jni/libjnitorch.so.gz" ]] \
  || { log "no pack at $PACK: run bash bench/gpu/pack.sh && bash bench/gpu/pack-torch.sh here first, and carry it"; exit 2; }
source bench/gpu/unpack-jre.sh
unpack_jre "$PACK" || { log "cannot unpack the Java runtime of $PACK"; exit 2; }

if [[ -z "${TORCH_LIB:-}" ]]; then
  TORCH_LIB=$("$PYTHON" -c 'import os, torch; print(os.path.join(os.path.dirname(torch.__file__), "lib"))') \
    || { log "no PyTorch for $PYTHON: set TORCH_LIB"; exit 2; }
  "$PYTHON" -c 'import torch; print("torch", torch.__version__, "cuda", torch.version.cuda, "available", torch.cuda.is_available())' 2>&1 | tee -a "$LOG"
fi
if [[ -z "${NVIDIA_LIB_DIRS+set}" ]]; then
  NVIDIA_LIB_DIRS=$("$PYTHON" -c '
import glob, os
try:
    import nvidia
    print(" ".join(sorted(d for p in nvidia.__path__ for d in glob.glob(os.path.join(p, "*", "lib*")))))
except ImportError:
    pass' 2>/dev/null)
fi
cat "$PACK/PACK-INFO.txt" | tee -a "$LOG"
log "libtorch: $TORCH_LIB"
log "CUDA libraries: ${NVIDIA_LIB_DIRS:-none}"

# One folder: libtorch, the CUDA libraries, then the pack's JNI libraries (which replace nothing of
# PyTorch's: their names are JavaCPP's own).
rm -rf "$LIBS" && mkdir -p "$LIBS"
for dir in "$TORCH_LIB" $NVIDIA_LIB_DIRS; do
  for lib in "$dir"/*.so*; do [[ -e "$lib" ]] && ln -sf "$lib" "$LIBS/"; done
done
rm -f "$LIBS/libjnitorch.so" && gunzip -c "$PACK/jni/libjnitorch.so.gz" > "$LIBS/libjnitorch.so"
cp --remove-destination "$PACK"/jni/*.so "$PACK"/jni/*.so.0 "$LIBS/"
# The CUDA driver (libcuda.so.1) stays where the system keeps it; the CUDA presets load it by name.
DRIVER_DIR=$(ldconfig -p 2>/dev/null | awk '/libcuda\.so\.1 / {print $NF; exit}' | xargs -r dirname)
log "CUDA driver library: ${DRIVER_DIR:-not found by ldconfig}"

export LD_LIBRARY_PATH="$LIBS${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
timeout -k 10 "$JAVA_S" "$PACK/jre/bin/java" -Xmx8g \
  -Dorg.bytedeco.javacpp.pathsFirst=true -Djava.library.path="$LIBS${DRIVER_DIR:+:$DRIVER_DIR}" \
  -Dorg.bytedeco.javacpp.cachedir=/tmp/labo4j-javacpp-cache -Djava.awt.headless=true \
  -Dlabo4j.multi30k="$PWD/$PACK/data/multi30k" \
  -cp "$PACK/lib/*:$PACK/test-classes" org.junit.platform.console.ConsoleLauncher execute \
  --disable-banner --disable-ansi-colors --details=tree --details-theme=ascii --fail-if-no-tests \
  --select-class org.labo4j.CudaTensorPathTest --select-class org.labo4j.cli.CudaTrainingTest 2>&1 | tee -a "$LOG"
rc=${PIPESTATUS[0]}
# On a GPU machine a skipped (aborted) CUDA test is a failure of the check, not a pass.
aborted=$(sed -n 's/^\[ *\([0-9]*\) tests aborted.*/\1/p' "$LOG" | tail -1)
if [[ $rc == 0 && ${aborted:-0} != 0 ]] && command -v nvidia-smi >/dev/null; then
  log "$aborted tests skipped on a machine with a GPU: libtorch did not see the device"
  rc=1
fi
log "=== java tests (exit $rc)"
grep -a -E '^\[ *[0-9]+ tests (successful|failed|skipped|aborted)' "$LOG" || log "no JUnit summary (see $LOG)"
exit "$rc"
