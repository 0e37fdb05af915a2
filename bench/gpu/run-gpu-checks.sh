#!/usr/bin/env bash
# The GPU check, on the borrowed GPU machine, from the repository root, with bench/gpu-pack (made
# here by bench/gpu/pack.sh) carried along:
#   bash bench/gpu/run-gpu-checks.sh
# Stages, each under its own time limit so that one failure cannot use up the machine time:
#   env     nvidia-smi, torch, the pack's contents
#   java    the CUDA-path tests through the JUnit console launcher on the packed Java runtime
#   python  gpu_check.py: correctness against fp64 and PyTorch, then timings
#   builds  only when the pack holds variants (bench/gpu/pack-variants.sh): compare_builds.py times
#           them side by side with the packed library (BUILD_SHAPES="524288x500 ...": other shapes)
#   profile only with PROFILE=1: bench/gpu/profile-kernels.sh (Nsight Compute, one launch per case of
#           its CASES, stall reasons included) into $OUT/ncu.txt, and the pipelines' shares of
#           their peaks (PIPE_CASES) into $OUT/ncu-pipes.txt, in the same device call
# Results go to $OUT: check.log (every stage's output), gpu_check.md, gpu_check.json, summary.txt,
# gpu_check.png and, with variants, compare_builds.md; the short table is printed last. Exit status: 0 only if every stage passed.
# On a machine without a GPU the same script runs too: the Java tests skip their GPU half, and
# gpu_check.py stops at once (exit 2) saying there is no device.
set -u -o pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
PACK=${LABO_GPU_PACK:-bench/gpu-pack}
OUT=${OUT:-/tmp/labo4j-gpu-check-out}
mkdir -p "$OUT"
: > "$OUT/check.log"
# Stage limits in seconds; together under the device call's timeout.
ENV_S=${ENV_S:-45}
JAVA_S=${JAVA_S:-150}
PYTHON_S=${PYTHON_S:-330}
BUILDS_S=${BUILDS_S:-150}
PROFILE_S=${PROFILE_S:-360}
TIMING_BUDGET_S=${TIMING_BUDGET_S:-200}
PYTHON=${PYTHON:-python3}  # on the device machine, the python3 that holds PyTorch

STATUS=()
FAILED=0
stage() {  # stage NAME SECONDS COMMAND...: COMMAND under a time limit, its output also in $OUT/check.log
  local name=$1 limit=$2 t0=$SECONDS rc note=""
  shift 2
  echo "=== $name (limit ${limit} s)" | tee -a "$OUT/check.log"
  timeout -k 10 "$limit" "$@" 2>&1 | tee -a "$OUT/check.log"
  rc=${PIPESTATUS[0]}
  if [[ $rc == 124 || $rc == 137 ]]; then note=" TIMED OUT"; fi
  [[ $rc == 0 ]] || FAILED=1
  STATUS+=("$(printf '%-7s exit %-3s %4d s%s' "$name" "$rc" "$((SECONDS - t0))" "$note")")
}

env_info() {
  nvidia-smi || echo "nvidia-smi failed"
  "$PYTHON" -c 'import torch; print("torch", torch.__version__, "cuda", torch.version.cuda, "available", torch.cuda.is_available(), torch.cuda.get_device_name(0) if torch.cuda.is_available() else "")'
  uname -a
  cat "$PACK/PACK-INFO.txt"
  echo "LD_LIBRARY_PATH=${LD_LIBRARY_PATH:-}"
  ldd "$LIB"
  # Which GPU architectures the library carries machine code for (sm_90 for Hopper).
  if command -v cuobjdump >/dev/null; then cuobjdump --list-elf "$LIB" | grep -o 'sm_[0-9a-z]*' | sort | uniq -c; fi
  "$PACK/jre/bin/java" -version
}

java_tests() {
  # JavaCPP unpacks the natives of the jars under /tmp.
  "$PACK/jre/bin/java" -Xmx6g -Dorg.bytedeco.javacpp.cachedir=/tmp/labo4j-javacpp-cache \
    -cp "$PACK/lib/*:$PACK/test-classes" org.junit.platform.console.ConsoleLauncher execute \
    --disable-banner --disable-ansi-colors --details=tree --details-theme=ascii --fail-if-no-tests \
    --select-class org.labo4j.cuda.CudaKernelAgreementTest \
    --select-method org.labo4j.cuda.CudaPathTest#withoutADeviceEveryEntryPointReportsNoCudaDevice
}

python_checks() {
  PYTHONUNBUFFERED=1 "$PYTHON" bench/gpu/gpu_check.py --lib "$LIB" --out "$OUT" --timing-budget-s "$TIMING_BUDGET_S"
}

compare_builds() {
  local args=(--lib "packed=$LIB") v
  for v in "$PACK"/variants/*.so.gz; do args+=(--lib "$(basename "$v" .so.gz)=$v"); done
  for v in ${BUILD_SHAPES:-}; do args+=(--shape "$v"); done
  PYTHONUNBUFFERED=1 "$PYTHON" bench/gpu/compare_builds.py "${args[@]}" --out "$OUT"
}

profile_kernels() {
  bash bench/gpu/profile-kernels.sh
}

if [[ ! -x "$PACK/jre/bin/java" || ! -f "$PACK/lib/labo4j.jar" ]]; then
  echo "no pack at $PACK: run bash bench/gpu/pack.sh here first, and carry it (carry: [\"$PACK\"])" >&2
  exit 2
fi
source bench/gpu/unpack-jre.sh
unpack_jre "$PACK" || { echo "cannot unpack the Java runtime of $PACK" >&2; exit 2; }
# liblabo.so travels once, inside the jar: unpack it for ctypes.
LIB=${LIB:-/tmp/labo4j-gpu-native/liblabo.so}
python3 -c '
import os, sys, zipfile
os.makedirs(os.path.dirname(sys.argv[2]), exist_ok=True)
with zipfile.ZipFile(sys.argv[1]) as jar, open(sys.argv[2], "wb") as out:
    out.write(jar.read("org/labo4j/nativeapi/linux-x86_64/liblabo.so"))
' "$PACK/lib/labo4j.jar" "$LIB" || { echo "cannot unpack liblabo.so from $PACK/lib/labo4j.jar" >&2; exit 2; }
# The packed libgomp only where the machine has none.
if ! grep -q 'libgomp\.so\.1 ' <<<"$(ldconfig -p 2>/dev/null)"; then
  export LD_LIBRARY_PATH="${LD_LIBRARY_PATH:+$LD_LIBRARY_PATH:}$PWD/$PACK/native"
fi
# Functions run in a child bash so that timeout can stop them.
export PACK OUT LIB TIMING_BUDGET_S PYTHON
export -f env_info java_tests python_checks compare_builds profile_kernels
stage env "$ENV_S" bash -c env_info
stage java "$JAVA_S" bash -c java_tests
stage python "$PYTHON_S" bash -c python_checks
if compgen -G "$PACK/variants/*.so.gz" >/dev/null; then stage builds "$BUILDS_S" bash -c compare_builds; fi
if [[ ${PROFILE:-0} == 1 ]]; then stage profile "$PROFILE_S" bash -c profile_kernels; fi

echo
echo "=== stages"
printf '%s\n' "${STATUS[@]}"
echo "=== java tests"
grep -a -E '^\[ *[0-9]+ tests (successful|failed|skipped|aborted)' "$OUT/check.log" || echo "no JUnit summary (see check.log)"
grep -a -E -A2 'CUDA device .*medians' "$OUT/check.log" | cut -c1-400
echo "=== summary ($OUT/gpu_check.md has the full tables)"
cat "$OUT/summary.txt" 2>/dev/null || echo "no summary.txt: see check.log"
if [[ -f "$OUT/compare_builds.md" ]]; then echo "=== builds"; cat "$OUT/compare_builds.md"; fi
exit $FAILED
