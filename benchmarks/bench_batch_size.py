"""Which batch size and precision train the recurrent models fastest per CPU hour?

Two measurements, each side by side in one run:

1. Speed: the course's train step (`pixelrnn_course.training.make_train_step`, Adam, NLL in nats)
   on the paper-size Row LSTM and Diagonal BiLSTM (7 layers, h = 16, 28x28), at batch 16, 32, 64
   and 100, in float32 and mixed bfloat16. Every configuration is warmed up, then all are timed in
   interleaved rounds (`timing.best_seconds_per_call`), so a change in load hits all alike.
2. Learning per image (`--learning`): does a bigger batch (learning rate scaled by the square root of
   the batch ratio, from the paper's batch 16 at 1e-3) learn as much from the same images? The Row LSTM
   7x16 is trained on the shipped sample (4,000 digits) for the same number of epochs at each batch
   size, and its validation NLL (500 digits, float32) is reported. This does not depend on the
   machine's load: it counts images, not seconds.

Validation NLL per CPU hour follows from the two: hours for the same images = images / (images/s).

    python benchmarks/bench_batch_size.py --learning --save benchmarks/results/batch_size.txt
"""
import argparse, math, os, tempfile
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
from result_log import ResultLog
from timing import best_seconds_per_call
import numpy as np
import tensorflow as tf
from pixelrnn_course.gpu import build_training_model, describe_hardware
from pixelrnn_course.training import make_optimizer, make_train_step, train, evaluate_images, load_trained_model, mnist_sample_splits

MODELS = {"row_lstm": dict(hidden_channels=16, num_layers=7), "diagonal_bilstm": dict(hidden_channels=16, num_layers=7)}
BATCH_SIZES = (16, 32, 64, 100)
POLICIES = ("float32", "mixed_bfloat16")
BASE_BATCH, BASE_LEARNING_RATE = 16, 1e-3

def scaled_learning_rate(batch_size:int) -> float:
    "The learning rate for `batch_size`: the paper's 1e-3 at batch 16, scaled by the square root of the batch ratio."
    return BASE_LEARNING_RATE * math.sqrt(batch_size / BASE_BATCH)

def speed_table(out, models, batch_sizes, rounds):
    rng = np.random.default_rng(0)
    calls = {}
    for name in models:
        for policy in POLICIES:
            model = build_training_model(name, 28, 28, MODELS[name], policy)
            optimizer = make_optimizer(1e-3, "adam")
            step = make_train_step(model, optimizer, clip_norm=None)
            for batch_size in batch_sizes:
                images = tf.constant((rng.random((batch_size, 28, 28, 1)) < 0.2).astype("float32"))
                for _ in range(2): step(images)["nll"].numpy()          # trace and warm up
                calls[name, policy, batch_size] = (lambda step=step, images=images: step(images)["nll"])
    seconds = best_seconds_per_call(calls, calls_per_round=2, rounds=rounds)
    out(f"{'model':16s} {'policy':15s} {'batch':>5s} {'s/step':>8s} {'images/s':>9s} {'vs batch 16 float32':>20s}")
    for (name, policy, batch_size), step_seconds in seconds.items():
        base = batch_sizes[0] / seconds[name, "float32", batch_sizes[0]]
        out(f"{name:16s} {policy:15s} {batch_size:>5d} {step_seconds:>8.3f} {batch_size / step_seconds:>9.1f} "
            f"{batch_size / step_seconds / base:>19.2f}x")
    return {key: key[2] / value for key, value in seconds.items()}

def learning_table(out, batch_sizes, epochs, train_subset):
    valid = mnist_sample_splits()["valid"]
    out(f"\nRow LSTM 7x16, mixed bfloat16, Adam with a cosine decay over {epochs} epochs of the shipped sample "
        f"({train_subset or 4000} digits); validation NLL on its 500 digits, float32")
    out(f"{'batch':>5s} {'learning rate':>14s} {'steps':>6s} {'valid NLL':>10s}")
    results = {}
    with tempfile.TemporaryDirectory() as scratch:
        for batch_size in batch_sizes:
            run = train("row_lstm", "quick", out_dir=os.path.join(scratch, str(batch_size)), epochs=epochs, batch_size=batch_size,
                        learning_rate=scaled_learning_rate(batch_size), optimizer="adam", lr_schedule="cosine", clip_norm=None,
                        model_hparams=MODELS["row_lstm"], mixed_precision="bfloat16", train_subset=train_subset,
                        epoch_samples=0, verbose=False)
            results[batch_size] = evaluate_images(load_trained_model(run.best_path), valid, split="sample valid").nll_nats
            out(f"{batch_size:>5d} {scaled_learning_rate(batch_size):>14.2e} {run.history[-1]['steps']:>6d} {results[batch_size]:>10.2f}")
    return results

def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--models", nargs="+", default=list(MODELS), choices=list(MODELS), help="models to time")
    parser.add_argument("--batch-sizes", type=int, nargs="+", default=list(BATCH_SIZES), help="batch sizes (the first is the base)")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved timing rounds; the best counts (default: 3)")
    parser.add_argument("--learning", action="store_true", help="also train the Row LSTM on the sample at each batch size")
    parser.add_argument("--epochs", type=int, default=3, help="epochs of each --learning run (default: 3)")
    parser.add_argument("--train-subset", type=int, default=None, help="--learning on the first N digits only (a smoke test)")
    parser.add_argument("--save", help="also write the output to this file (a committed result file)")
    args = parser.parse_args()
    out = ResultLog(__file__)
    out(f"TensorFlow {tf.__version__} on {describe_hardware()}; paper-size models (7 layers, h = 16, 28x28), "
        f"best of {args.rounds} interleaved rounds of 2 steps")
    speeds = speed_table(out, args.models, args.batch_sizes, args.rounds)
    if args.learning:
        nlls = learning_table(out, args.batch_sizes, args.epochs, args.train_subset)
        images = (args.train_subset or 4000) * args.epochs
        out(f"\nCPU time for those {images} images at each batch size (speed table, Row LSTM, mixed bfloat16), and the NLL reached:")
        for batch_size, nll in nlls.items():
            out(f"  batch {batch_size:>3d}: {images / speeds['row_lstm', 'mixed_bfloat16', batch_size] / 60:6.1f} min, "
                f"valid NLL {nll:.2f}")
    out.save(args.save)

if __name__ == "__main__":
    main()
