#!/usr/bin/env bash
# The GPU check, in under 8 minutes on one GPU:
#   (a) the notebooks' `#| gpu` cells (nbdev_test --flags gpu on each notebook that has one),
#   (b) one training epoch of each of the paper's rows in mixed bfloat16, and
#   (c) the cached sampler against the naive one,
# (b) and (c) by scripts/gpu_check.py (its docstring says how each time is taken; epoch times are extrapolated).
# Results: $OUT/gpu_check.txt when OUT is set (a GPU machine lent by the course's tooling returns what is written
# there), else benchmarks/results/gpu_check.txt; the notebooks' test output goes to gpu_check_notebooks.log beside it.
#
#   PIXELRNN_COURSE_DATA=~/data bash scripts/gpu_check.sh     # the full binarized MNIST, if that folder has it
#   bash scripts/gpu_check.sh --allow-cpu                      # run even where TensorFlow sees no GPU
#
# Time caps (seconds; a part is killed at its cap, and no part starts after 7 min 40 s):
#   GPU_CHECK_NOTEBOOK_S=180 per notebook, GPU_CHECK_TRAINING_S=120, GPU_CHECK_SAMPLING_S=120.
set -uo pipefail
cd "$(dirname "$0")/.."
allow_cpu=0
[ "${1:-}" = "--allow-cpu" ] && allow_cpu=1
out_dir=${OUT:-benchmarks/results}
results=$out_dir/gpu_check.txt
log=$out_dir/gpu_check_notebooks.log
mkdir -p "$out_dir"
: > "$results"
: > "$log"
export TF_CPP_MIN_LOG_LEVEL=2 MPLBACKEND=Agg PYTHONUNBUFFERED=1
export TF_FORCE_GPU_ALLOW_GROWTH=true   # the chapters start worker processes that share the one GPU
start=$(date +%s)
deadline=$((start + 460))

note() { echo "$1" | tee -a "$results"; }
capped() {   # a part's cap, shortened to the time left before the deadline
  local left=$((deadline - $(date +%s)))
  if [ "$left" -lt "$1" ]; then echo "$left"; else echo "$1"; fi
}

note "== bash scripts/gpu_check.sh $* ($(date '+%Y-%m-%d %H:%M'), commit $(git rev-parse --short HEAD 2>/dev/null || echo unknown))"
command -v nvidia-smi >/dev/null && nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader | sed 's/^/GPU: /' | tee -a "$results"
if ! python -c "import sys, tensorflow as tf; sys.exit(0 if tf.config.list_physical_devices('GPU') else 1)" 2>/dev/null; then
  if [ "$allow_cpu" -eq 0 ]; then note "TensorFlow sees no GPU: nothing was run (pass --allow-cpu to time this machine anyway)."; exit 1; fi
  note "TensorFlow sees no GPU: running on the CPU (--allow-cpu); the caps will cut parts short."
fi

echo "-- (a) the notebooks' gpu cells" | tee -a "$results"
if ! python -c "from pixelrnn_course.data import load_binarized_mnist; load_binarized_mnist('test', download=False)" 2>/dev/null; then
  note "notebooks: not run: their gpu cells train and evaluate on the full binarized MNIST, which the data folder (PIXELRNN_COURSE_DATA) does not hold"
else
  for notebook in $(python scripts/gpu_check.py --gpu-notebooks); do
    seconds=$(capped "${GPU_CHECK_NOTEBOOK_S:-180}")
    began=$(date +%s)
    echo "== nbdev_test --flags gpu --path $notebook" >> "$log"
    timeout -k 10 "$seconds" nbdev_test --flags gpu --path "$notebook" >> "$log" 2>&1
    status=$?
    case $status in
      0) verdict="passed" ;;
      124|137) verdict="STOPPED at its cap of $seconds s" ;;
      *) verdict="FAILED (exit $status; its output is in $(basename "$log"))" ;;
    esac
    note "notebook $notebook (nbdev_test --flags gpu): $verdict after $(( $(date +%s) - began )) s"
  done
fi

for part in training sampling; do
  if [ "$part" = training ]; then seconds=$(capped "${GPU_CHECK_TRAINING_S:-120}"); else seconds=$(capped "${GPU_CHECK_SAMPLING_S:-120}"); fi
  if [ "$seconds" -lt 40 ]; then note "$part: not run, the check's time is spent"; continue; fi
  # the script starts no model after --part-seconds, which leaves 30 s for the last one to finish before the kill
  timeout -k 10 "$seconds" python scripts/gpu_check.py --part "$part" --append --out "$results" --part-seconds $((seconds - 30))
  status=$?
  if [ "$status" -eq 124 ] || [ "$status" -eq 137 ]; then note "$part: STOPPED at its cap of $seconds s; the lines above are what it measured"
  elif [ "$status" -ne 0 ]; then note "$part: FAILED (exit $status)"; fi
done
note "== gpu_check.sh done in $(( $(date +%s) - start )) s; results in $results"
