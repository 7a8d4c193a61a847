"""Training speed of the PixelCNN, the Row LSTM and the Diagonal BiLSTM at paper size, side by side.

Paper-size MNIST models (h = 16, 7 residual blocks / recurrent layers, 28x28), batch 100,
RMSprop(1e-3), loss = sigmoid cross-entropy with logits summed per image, one `tf.function`
train step per batch. Each model is warmed up (tracing + a few steps), then the models are timed in
interleaved rounds so that a change in machine load hits all of them alike; the best round counts.

    python benchmarks/bench_pixelrnn.py [--batch-size 100] [--rounds 3] [--steps 2]
"""
import argparse, os, time
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
import numpy as np
import tensorflow as tf
import keras
from pixelrnn_course.pixelcnn import build_pixelcnn
from pixelrnn_course.pixelrnn import build_row_lstm, build_diagonal_bilstm

def make_train_step(model):
    "A compiled train step: summed per-image sigmoid cross-entropy, RMSprop 1e-3."
    optimizer = keras.optimizers.RMSprop(1e-3)
    @tf.function
    def train_step(images):
        with tf.GradientTape() as tape:
            logits = model(images, training=True)
            nats = tf.reduce_sum(tf.nn.sigmoid_cross_entropy_with_logits(labels=images, logits=logits), axis=[1, 2, 3])
            loss = tf.reduce_mean(nats)
        gradients = tape.gradient(loss, model.trainable_variables)
        optimizer.apply_gradients(zip(gradients, model.trainable_variables))
        return loss
    return train_step

def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--batch-size", type=int, default=100)
    parser.add_argument("--warmup", type=int, default=2, help="untimed steps per model (the first one traces)")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved timing rounds")
    parser.add_argument("--steps", type=int, default=2, help="timed steps per model per round")
    args = parser.parse_args()
    images = tf.constant((np.random.default_rng(0).random((args.batch_size, 28, 28, 1)) < 0.2).astype("float32"))
    models = {"pixelcnn": build_pixelcnn(28, 28, hidden_channels=16, num_residual_blocks=7),
              "row_lstm": build_row_lstm(28, 28, hidden_channels=16, num_layers=7),
              "diagonal_bilstm": build_diagonal_bilstm(28, 28, hidden_channels=16, num_layers=7)}
    steps, warmup_seconds = {}, {}
    for name, model in models.items():
        steps[name] = make_train_step(model)
        start = time.perf_counter()
        for _ in range(args.warmup): float(steps[name](images))
        warmup_seconds[name] = time.perf_counter() - start
    best = {name: float("inf") for name in models}
    for _ in range(args.rounds):
        for name, train_step in steps.items():
            start = time.perf_counter()
            for _ in range(args.steps): loss = train_step(images)
            float(loss)
            best[name] = min(best[name], (time.perf_counter() - start) / args.steps)
    print(f"TensorFlow {tf.__version__}, {os.cpu_count()} CPUs, batch {args.batch_size}, "
          f"best of {args.rounds} rounds of {args.steps} steps")
    print(f"{'model':16s} {'params':>8s} {'warm-up s':>10s} {'s/step':>8s} {'images/s':>9s} {'vs pixelcnn':>12s}")
    for name, model in models.items():
        images_per_second = args.batch_size / best[name]
        ratio = best[name] / best["pixelcnn"]
        print(f"{name:16s} {model.count_params():>8d} {warmup_seconds[name]:>10.1f} {best[name]:>8.3f} "
              f"{images_per_second:>9.1f} {ratio:>11.1f}x")

if __name__ == "__main__":
    main()
