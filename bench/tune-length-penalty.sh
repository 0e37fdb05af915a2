#!/usr/bin/env bash
# Chooses the beam-search length penalty of a finished translation run on the validation set (all its
# sentences), then decodes the test set once with the chosen penalty. The weights are the average of
# the run's last AVERAGE epochs (AVERAGE=0: the final weights); the test set plays no part in the choice.
#
#   bench/tune-length-penalty.sh RUN_DIR
#   PENALTIES="0.6 1.0 1.4 1.8 2.2 2.6" BEAM=4 AVERAGE=5 THREADS=2 bench/tune-length-penalty.sh RUN_DIR
#
# Decodes already written are reused, so the same command continues an interrupted search. Writes
# RUN_DIR/length-penalty/ (AVERAGE=0: length-penalty-final/): validation and test hypotheses, search.md
# with machine, date and command.
# LABO selects ./labo by default.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
labo="${LABO:-$root/labo}"
run="${1:?usage: bench/tune-length-penalty.sh RUN_DIR}"
penalties="${PENALTIES:-0.6 1.0 1.4 1.8 2.2 2.6}"
beam="${BEAM:-4}"
average="${AVERAGE:-5}"
weights=(--average-last "$average"); weights_name="average of the last $average epochs' weights"
if [[ "$average" == 0 ]]; then weights=(); weights_name="final weights"; fi
threads="${THREADS:-$(nproc)}"

config="$run/config.properties"
checkpoint="$run/checkpoint.pt"
[[ -f "$config" && -f "$checkpoint" ]] || { echo "$run: no config.properties and checkpoint.pt (a translation run directory?)" >&2; exit 2; }
option() { grep -m1 "^$1=" "$config" | cut -d= -f2- | sed 's/\\:/:/g'; }
src="$(option src)"; tgt="$(option tgt)"; data="$(option dataDir)"
out="$run/length-penalty"
[[ "$average" == 0 ]] && out="$run/length-penalty-final"
mkdir -p "$out"

text() {  # split, language: the plain text of a Multi30k file (gzip'd or not)
  local f="$data/$1.$2"
  if [[ -f "$f.gz" ]]; then zcat "$f.gz"; else cat "$f"; fi
}
text val "$src" > "$out/val.$src"; text val "$tgt" > "$out/val.$tgt"
text test_2016_flickr "$src" > "$out/test.$src"; text test_2016_flickr "$tgt" > "$out/test.$tgt"

decode() {  # input, output, penalty: one beam decode, skipped when done
  local input="$1" output="$2" penalty="$3"
  if [[ -s "$output" ]] && [[ "$(wc -l < "$output")" == "$(wc -l < "$input")" ]]; then
    return
  fi
  echo "== $(basename "$output")" >&2
  "$labo" translate --checkpoint "$checkpoint" "${weights[@]}" --beam "$beam" \
    --length-penalty "$penalty" --threads "$threads" < "$input" > "$output.part"
  mv "$output.part" "$output"
}

score() {  # hypothesis, reference: "BLEU = ..." line
  "$labo" bleu --hyp "$1" --ref "$2" | head -n 1
}

best=""; best_bleu=-1
rows=()
for a in $penalties; do
  hyp="$out/val-beam$beam-lp$a.hyp"
  decode "$out/val.$src" "$hyp" "$a"
  line="$(score "$hyp" "$out/val.$tgt")"
  bleu="$(awk '{ print $3 }' <<< "$line")"
  rows+=("| $a | $bleu | ${line#BLEU = $bleu } |")
  if awk -v a="$bleu" -v b="$best_bleu" 'BEGIN { exit !(a > b) }'; then best="$a"; best_bleu="$bleu"; fi
done

test_hyp="$out/test-beam$beam-lp$best.hyp"
decode "$out/test.$src" "$test_hyp" "$best"
test_score="$("$labo" bleu --hyp "$test_hyp" --ref "$out/test.$tgt")"  # score line, then signature

{
  echo "Length penalty of $run ($src→$tgt) chosen on validation: beam $beam, $weights_name"
  echo
  echo "- date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "- command: PENALTIES=\"$penalties\" BEAM=$beam AVERAGE=$average THREADS=$threads bench/tune-length-penalty.sh $run"
  echo "- cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | xargs), $(nproc) cores"
  echo "- git: $(git -C "$root" describe --always --dirty 2>/dev/null || echo unknown)"
  echo "- signature: $(tail -n 1 <<< "$test_score")"
  echo
  echo "| length penalty | validation BLEU ($(wc -l < "$out/val.$tgt") sentences) | precisions, brevity |"
  echo "| ---: | ---: | --- |"
  printf '%s\n' "${rows[@]}"
  echo
  echo "Chosen: $best. Test ($(wc -l < "$out/test.$tgt") sentences) with it: $(head -n 1 <<< "$test_score")"
} > "$out/search.md"
rm -f "$out/val.$src" "$out/val.$tgt" "$out/test.$src" "$out/test.$tgt"
cat "$out/search.md"
