#!/usr/bin/env bash
# Paired test-NLL differences between successive versions of the shipped models, on all 10,000
# binarized MNIST test images: `pixelrnn-course evaluate --checkpoint A --against B` scores both
# models on the same images and prints A's NLL minus B's with the paired standard error (chapter 6,
# paired_difference). Earlier versions of a shipped model are read from the repository's history.
# Needs the datasets (PIXELRNN_COURSE_DATA); each pair scores two models on all 10,000 test images.
#
#   bash scripts/paired_differences.sh [PAIR ...] | tee training_runs/paired_differences.txt
#
# With no PAIR, all of them; a PAIR is one of the names below.
set -euo pipefail
cd "$(dirname "$0")/.."
old=$(mktemp -d)
trap 'rm -rf "$old"' EXIT
shipped=pixelrnn_course/assets/pretrained

version() {   # version COMMIT NAME: the shipped NAME.keras as committed in COMMIT
  git show "$1:$shipped/$2.keras" > "$old/$2_$1.keras"
  echo "$old/$2_$1.keras"
}

compare() {   # compare LABEL A_NAME A_PATH B_NAME B_PATH
  echo "## $1"
  echo "A = $2, B = $4"
  echo "\$ pixelrnn-course evaluate --checkpoint A --against B --split test"
  pixelrnn-course evaluate --checkpoint "$3" --against "$5" --split test 2>&1 \
    | grep -v "^|" | sed -e "s#$3#A#g" -e "s#$5#B#g"
  echo
}

pairs=("$@")
all_pairs=(dbl7x16_restart1 dbl7x16_restart2 row_lstm_restart pixelcnn_final_fit dbl7x16_final_fit dbl7x16_final_fit_60 dbl7x16_final_fit_60_vs_train row_lstm_h32 row_lstm_final_fit)
[ ${#pairs[@]} -gt 0 ] || pairs=("${all_pairs[@]}")
for pair in "${pairs[@]}"; do
  case "$pair" in
    dbl7x16_restart1) compare "7x16 Diagonal BiLSTM: first warm restart (epoch 30 against epoch 20)" \
      "diagonal_bilstm_7x16 at 1c361be" "$(version 1c361be diagonal_bilstm_7x16)" \
      "diagonal_bilstm_7x16 at 8a9efc6" "$(version 8a9efc6 diagonal_bilstm_7x16)" ;;
    dbl7x16_restart2) compare "7x16 Diagonal BiLSTM: second warm restart (epoch 39 against epoch 30)" \
      "diagonal_bilstm_7x16 at 131db55" "$(version 131db55 diagonal_bilstm_7x16)" \
      "diagonal_bilstm_7x16 at 1c361be" "$(version 1c361be diagonal_bilstm_7x16)" ;;
    row_lstm_restart) compare "Row LSTM: warm restart (epoch 31 against epoch 24)" \
      "row_lstm at d6a31f0" "$(version d6a31f0 row_lstm)" \
      "row_lstm at 1c361be" "$(version 1c361be row_lstm)" ;;
    pixelcnn_final_fit) compare "PixelCNN: final fit on train+valid against the run on train (pixelcnn_k5)" \
      "training_runs/pixelcnn_k5_final_fit/best.keras" training_runs/pixelcnn_k5_final_fit/best.keras \
      "training_runs/pixelcnn_k5/best.keras" training_runs/pixelcnn_k5/best.keras ;;
    dbl7x16_final_fit) compare "7x16 Diagonal BiLSTM: final fit on train+valid against the run on train (epoch 39 each)" \
      "diagonal_bilstm_7x16 at acded77" "$(version acded77 diagonal_bilstm_7x16)" \
      "diagonal_bilstm_7x16 at 131db55" "$(version 131db55 diagonal_bilstm_7x16)" ;;
    dbl7x16_final_fit_60) compare "7x16 Diagonal BiLSTM: final fit of the 60-epoch restart against the first final fit (epoch 60 against epoch 39)" \
      "training_runs/diagonal_bilstm_7x16_final_fit/best.keras" training_runs/diagonal_bilstm_7x16_final_fit/best.keras \
      "diagonal_bilstm_7x16 at acded77" "$(version acded77 diagonal_bilstm_7x16)" ;;
    dbl7x16_final_fit_60_vs_train) compare "7x16 Diagonal BiLSTM: final fit on train+valid against the run on train (epoch 60 each)" \
      "training_runs/diagonal_bilstm_7x16_final_fit/best.keras" training_runs/diagonal_bilstm_7x16_final_fit/best.keras \
      "training_runs/diagonal_bilstm_7x16/best.keras" training_runs/diagonal_bilstm_7x16/best.keras ;;
    row_lstm_h32) compare "Row LSTM: h = 32 (row_lstm_7x32, epoch 17) against h = 16 (epoch 31)" \
      "training_runs/row_lstm_7x32/best.keras" training_runs/row_lstm_7x32/best.keras \
      "row_lstm at 23d396d" "$(version 23d396d row_lstm)" ;;
    row_lstm_final_fit) compare "Row LSTM: final fit on train+valid against the run on train (h = 32, epoch 17 each)" \
      "training_runs/row_lstm_7x32_final_fit/best.keras" training_runs/row_lstm_7x32_final_fit/best.keras \
      "training_runs/row_lstm_7x32/best.keras" training_runs/row_lstm_7x32/best.keras ;;
    *) echo "unknown pair $pair; pass one of ${all_pairs[*]}" >&2; exit 2 ;;
  esac
done
