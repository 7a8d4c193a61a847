"""Training-step time of the gated PixelCNN against a PixelCNN of the same depth (h=32, 10 residual blocks of 3x3, the first PixelCNN run's size), and its cached sampler against the naive one.

    python benchmarks/bench_gated.py --save benchmarks/results/gated.txt

One process, all models built first, then timed in turn (`--rounds` rounds of `--steps` Adam steps on a
batch of 16 binary 28x28 images each): the ratios to that PixelCNN hold on a loaded machine
better than the absolute times. Then 10 samples of a conditional gated PixelCNN, cached and naive.
"""
import argparse, os, sys, time
import numpy as np, tensorflow as tf, keras

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from result_log import ResultLog
from pixelrnn_course.pixelcnn import build_pixelcnn
from pixelrnn_course.gated import build_gated_pixelcnn
from pixelrnn_course.sampling import sample


def train_step(model, conditional, batch_size=16):
    "A compiled Adam step of `model` on one fixed batch, warmed up."
    optimizer = keras.optimizers.Adam(1e-3)
    images = tf.constant((np.random.default_rng(0).random((batch_size, 28, 28, 1)) < 0.3).astype("float32"))
    labels = tf.constant(np.arange(batch_size) % 10, tf.int32)
    @tf.function
    def step():
        with tf.GradientTape() as tape:
            logits = model([images, labels] if conditional else images, training=True)
            loss = tf.reduce_mean(tf.reduce_sum(tf.nn.sigmoid_cross_entropy_with_logits(images, logits), [1, 2, 3]))
        optimizer.apply(tape.gradient(loss, model.trainable_variables), model.trainable_variables)
        return loss
    for _ in range(3): step()
    return step


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=4, help="rounds over all models (default: 4)")
    parser.add_argument("--steps", type=int, default=5, help="steps per model and round (default: 5)")
    parser.add_argument("--save", help="result file to write, e.g. benchmarks/results/gated.txt")
    args = parser.parse_args()
    log = ResultLog(__file__)
    log(f"load average before: {os.getloadavg()[0]:.2f}, {os.cpu_count()} cores")
    keras.utils.set_random_seed(0)
    models = {"pixelcnn h=32, 10 residual blocks of 3x3": (build_pixelcnn(hidden_channels=32, num_residual_blocks=10), False),
              "gated_pixelcnn h=32, 10 layers": (build_gated_pixelcnn(hidden_channels=32, num_layers=10), False),
              "gated_pixelcnn h=24, 10 layers": (build_gated_pixelcnn(hidden_channels=24, num_layers=10), False),
              "gated_pixelcnn h=24, 10 layers, num_classes=10": (build_gated_pixelcnn(hidden_channels=24, num_layers=10, num_classes=10), True)}
    steps = {name: train_step(model, conditional) for name, (model, conditional) in models.items()}
    times = {name: [] for name in steps}
    for _ in range(args.rounds):
        for name, step in steps.items():
            started = time.perf_counter()
            for _ in range(args.steps): step().numpy()
            times[name].append((time.perf_counter() - started) / args.steps)
    base = np.median(times[next(iter(times))])
    for name, values in times.items():
        log(f"{name}: {models[name][0].count_params():,} parameters, median {1000 * np.median(values):.0f} ms per step "
            f"of 16 images, {np.median(values) / base:.2f}x the PixelCNN's")
    model = build_gated_pixelcnn(hidden_channels=16, num_layers=5, num_classes=10)
    labels = np.arange(10)
    seconds = {}
    for method in ("cached", "naive"):
        sample(model, 10, 28, 28, labels=labels, method=method)                    # compile
        started = time.perf_counter()
        sample(model, 10, 28, 28, seed=1, labels=labels, method=method)
        seconds[method] = time.perf_counter() - started
    log(f"10 samples of a conditional gated PixelCNN (h=16, 5 layers, 28x28): cached {seconds['cached']:.2f} s, "
        f"naive {seconds['naive']:.1f} s ({seconds['naive'] / seconds['cached']:.0f}x)")
    log(f"load average after: {os.getloadavg()[0]:.2f}")
    log.save(args.save)


if __name__ == "__main__":
    main()
