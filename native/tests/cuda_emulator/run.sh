#!/usr/bin/env bash
# Builds and runs the CUDA emulator tests (the kernels of native/src/cuda run on the CPU; no GPU,
# driver or CUDA toolkit needed). Configures native/ into target/cuda-emulator-build under the
# repository root, builds labo_cuda_emulator_test and runs it through CTest. The last line printed
# is the test program's own "<n> passed, <m> failed"; the exit status is non-zero on any failure.
#
#   native/tests/cuda_emulator/run.sh            # from any directory
#   LABO_CUDA_EMULATOR_SEED=<seed> native/tests/cuda_emulator/run.sh   # replay a run's inputs
#   JOBS=<n> ...                                  # parallel build jobs (default 2)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
build="$root/target/cuda-emulator-build"

# The library's own CUDA build is not needed (and nvcc, if present, is not used).
cmake -S "$root/native" -B "$build" \
  -DCMAKE_BUILD_TYPE=Release \
  -DLABO_ENABLE_CUDA=OFF \
  -DLABO_WARNINGS_AS_ERRORS=ON \
  -DLABO_BUILD_CUDA_EMULATOR_TESTS=ON
cmake --build "$build" --target labo_cuda_emulator_test -j "${JOBS:-2}"

status=0
(cd "$build" && ctest --output-on-failure) || status=$?
summary="$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$build/Testing/Temporary/LastTest.log" | tail -n 1 || true)"
if [[ -z "$summary" ]]; then
  # the program died before its closing line (crash, timeout)
  summary="0 passed, 1 failed"
  status=1
fi
echo "$summary"
exit "$status"
