#!/usr/bin/env bash
# Chooses LABO's temperature rule for Fashion-MNIST on the validation split (5,000 images held out
# of train): trains the small CNN once per fixed T and once per budget kappa, all else equal, and
# tabulates the last epoch's validation accuracy, NLL and ECE. Only validation columns are read;
# the test scores the runs also compute stay in their final-metrics.json.
#
#   bench/tune-vision.sh [more train options...]     e.g. bench/tune-vision.sh --model resnet18
#   EPOCHS=5 SEED=1 TEMPERATURES="1 2 4 8" BUDGETS="0.1 0.25 0.5 0.75 0.9" OUT=runs/tune-vision bench/tune-vision.sh
#
# Finished runs are skipped and unfinished ones resumed, so the same command continues a search.
# Writes $OUT/tune.md (the table, with machine, date and command). LABO selects ./labo by default.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
labo="${LABO:-$root/labo}"
out="${OUT:-runs/tune-vision}"
temperatures="${TEMPERATURES:-1 2 4 8}"
budgets="${BUDGETS:-0.1 0.25 0.5 0.75 0.9}"
epochs="${EPOCHS:-5}"
seed="${SEED:-1}"
mkdir -p "$out"

train() {  # name, temperature options...
  local name="$1"; shift
  local dir="$out/$name"
  if [[ -f "$dir/final-metrics.json" ]]; then
    echo "== $name: done" >&2
    return
  fi
  local resume=()
  [[ -f "$dir/config.properties" ]] && resume=(--resume)
  echo "== $name" >&2
  "$labo" train vision --loss labo "$@" --epochs "$epochs" --seed "$seed" "${TUNE_OPTIONS[@]}" "${resume[@]}" --out "$dir"
}

TUNE_OPTIONS=("$@")
for t in $temperatures; do train "fixed-T$t" --temperature "$t"; done
for k in $budgets; do train "budget-$k" --budget "$k"; done

{
  echo "LABO temperature rule on the Fashion-MNIST validation split ($epochs epochs, seed $seed, alpha 0.1, last epoch)"
  echo
  echo "- date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "- command: EPOCHS=$epochs SEED=$seed TEMPERATURES=\"$temperatures\" BUDGETS=\"$budgets\" bench/tune-vision.sh $*"
  echo "- cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | xargs), $(nproc) cores"
  echo "- git: $(git -C "$root" describe --always --dirty 2>/dev/null || echo unknown)"
  echo
  echo "| rule | val accuracy (%) | val NLL | val ECE (%) | s/epoch |"
  echo "| --- | ---: | ---: | ---: | ---: |"
  for dir in "$out"/fixed-T* "$out"/budget-*; do
    [[ -f "$dir/metrics.csv" ]] || continue
    # Columns of vision metrics.csv: val_nll 5, val_accuracy 6, val_ece 7, epoch_seconds 13.
    tail -n 1 "$dir/metrics.csv" | awk -F, -v rule="$(basename "$dir")" \
      '{ printf "| %s | %.2f | %.4f | %.2f | %.1f |\n", rule, 100 * $6, $5, 100 * $7, $13 }'
  done
} > "$out/tune.md"
cat "$out/tune.md"
