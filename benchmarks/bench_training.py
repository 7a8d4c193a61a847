"""Training throughput of the paper-size PixelCNN on this machine, and the cost of masking.

Times the course's train step (`pixelrnn_course.training.make_train_step`: RMSProp, clipped
gradients, NLL in nats) on the paper's PixelCNN for binarized MNIST (h=16, 7 residual blocks,
batch 100), and on the same network built from plain `keras.layers.Conv2D(padding="same")` layers
instead of `MaskedConv2D`, side by side in one process. The ratio masked/plain images per second
is the overhead of masking the kernels (the plain network is not causal: it only serves as a
speed reference). It must be >= 0.9.

    python benchmarks/bench_training.py                 # default: 20 timed steps per model, 3 rounds
    python benchmarks/bench_training.py --steps 50 --batch-size 100
"""
import argparse, os
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
import numpy as np
import tensorflow as tf
import keras

from pixelrnn_course.models import build_model
from pixelrnn_course.training import make_optimizer, make_train_step
from timing import best_seconds_per_call


def build_plain_pixelcnn(height=28, width=28, hidden_channels=16, num_residual_blocks=7, output_hidden_channels=32):
    "The PixelCNN graph of `build_pixelcnn` with unmasked Conv2D layers (same shapes, same FLOPs)."
    conv = lambda filters, size: keras.layers.Conv2D(filters, size, padding="same")
    images = keras.Input((height, width, 1))
    features = conv(2 * hidden_channels, 7)(images)
    for _ in range(num_residual_blocks):
        branch = conv(hidden_channels, 1)(keras.layers.ReLU()(features))
        branch = conv(hidden_channels, 3)(keras.layers.ReLU()(branch))
        branch = conv(2 * hidden_channels, 1)(keras.layers.ReLU()(branch))
        features = keras.layers.Add()([features, branch])
    features = conv(output_hidden_channels, 1)(keras.layers.ReLU()(features))
    logits = conv(1, 1)(keras.layers.ReLU()(features))
    return keras.Model(images, logits)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--batch-size", type=int, default=100)
    parser.add_argument("--steps", type=int, default=20, help="timed steps per model and round")
    parser.add_argument("--rounds", type=int, default=3, help="alternating rounds; the best round counts")
    args = parser.parse_args()
    keras.utils.set_random_seed(0)
    images = tf.constant((np.random.default_rng(0).uniform(size=(args.batch_size, 28, 28, 1)) < 0.2).astype("float32"))
    models = {"masked (MaskedConv2D)": build_model("pixelcnn", 28, 28, hidden_channels=16, num_residual_blocks=7),
              "plain (Conv2D)": build_plain_pixelcnn()}
    param_counts = {name: model.count_params() for name, model in models.items()}
    assert len(set(param_counts.values())) == 1, f"the two networks differ: {param_counts}"
    steps = {name: make_train_step(model, make_optimizer(1e-3)) for name, model in models.items()}
    for step in steps.values():
        for _ in range(3): step(images)["nll"].numpy()          # trace and warm up
    seconds = best_seconds_per_call({name: lambda step=step: step(images)["nll"] for name, step in steps.items()},
                                    args.steps, args.rounds)   # alternating rounds: both see the same machine state
    best = {name: args.batch_size / seconds_per_step for name, seconds_per_step in seconds.items()}
    print(f"PixelCNN h=16, 7 residual blocks, {param_counts['plain (Conv2D)']} parameters, batch {args.batch_size}, "
          f"{os.cpu_count()} CPUs, TF {tf.__version__}")
    for name, rate in best.items():
        print(f"  {name:24s} {rate:8.1f} training images/s")
    ratio = best["masked (MaskedConv2D)"] / best["plain (Conv2D)"]
    print(f"  masked / plain = {ratio:.3f} ({'OK' if ratio >= 0.9 else 'TOO SLOW'}: must be >= 0.9)")
    return 0 if ratio >= 0.9 else 1


if __name__ == "__main__":
    raise SystemExit(main())
