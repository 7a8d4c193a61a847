"""Training speed of the PixelCNN, the Row LSTM and the Diagonal BiLSTM at paper size, side by side,
and a roofline of one Diagonal BiLSTM layer.

Paper-size MNIST models (h = 16, 7 residual blocks / recurrent layers, 28x28), batch 100,
RMSprop(1e-3), loss = sigmoid cross-entropy with logits summed per image, one `tf.function`
train step per batch. Each model is warmed up (tracing + a few steps), then the models are timed in
interleaved rounds so that a change in machine load hits all of them alike; the best round counts.
On a GPU machine the same command times the GPU (the header names the device). `--bfloat16` adds
each model again under the Keras `mixed_bfloat16` policy (the cell state of the LSTMs stays float32).
`--roofline` times one Diagonal BiLSTM layer alone and sets its FLOPs and bytes per recurrent step
against this machine's measured matmul and memory speeds.

    python benchmarks/bench_pixelrnn.py --bfloat16 --roofline --save benchmarks/results/bench_pixelrnn.txt
"""
import argparse, os, time
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
from result_log import ResultLog
from timing import best_seconds_per_call
import numpy as np
import tensorflow as tf
import keras
from pixelrnn_course.gpu import build_training_model, describe_hardware
from pixelrnn_course.pixelrnn import DiagonalBiLSTM

MODELS = {"pixelcnn": dict(hidden_channels=16, num_residual_blocks=7),   # the LSTMs' size: h = 16, 7 blocks
          "row_lstm": {},                                                 # build_model defaults: h = 16, 7 layers
          "diagonal_bilstm": {}}

def make_train_step(model):
    "A compiled train step: summed per-image sigmoid cross-entropy, RMSprop 1e-3."
    optimizer = keras.optimizers.RMSprop(1e-3)
    @tf.function
    def train_step(images):
        with tf.GradientTape() as tape:
            logits = tf.cast(model(images, training=True), tf.float32)
            nats = tf.reduce_sum(tf.nn.sigmoid_cross_entropy_with_logits(labels=images, logits=logits), axis=[1, 2, 3])
            loss = tf.reduce_mean(nats)
        gradients = tape.gradient(loss, model.trainable_variables)
        optimizer.apply_gradients(zip(gradients, model.trainable_variables))
        return loss
    return train_step

def best_time(function, repeats, *args):
    "Best wall time of `function(*args)` over `repeats` calls (its result is fetched each time)."
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        result = function(*args)
        (result[0] if isinstance(result, (list, tuple)) else result).numpy()
        best = min(best, time.perf_counter() - start)
    return best

def speed_table(args, out):
    images = tf.constant((np.random.default_rng(0).random((args.batch_size, 28, 28, 1)) < 0.2).astype("float32"))
    policies = ["float32"] + (["mixed_bfloat16"] if args.bfloat16 else [])
    runs = {(name, policy): build_training_model(name, 28, 28, hparams, policy)
            for policy in policies for name, hparams in MODELS.items()}
    steps, warmup_seconds = {}, {}
    for key, model in runs.items():
        steps[key] = make_train_step(model)
        start = time.perf_counter()
        for _ in range(args.warmup): float(steps[key](images))
        warmup_seconds[key] = time.perf_counter() - start
    best = best_seconds_per_call({key: lambda train_step=train_step: train_step(images) for key, train_step in steps.items()},
                                 args.steps, args.rounds)
    out(f"TensorFlow {tf.__version__} on {describe_hardware()}; batch {args.batch_size}, "
        f"best of {args.rounds} rounds of {args.steps} steps")
    out(f"{'model':16s} {'policy':15s} {'params':>8s} {'warm-up s':>10s} {'s/step':>8s} {'images/s':>9s} {'vs pixelcnn':>12s}")
    for (name, policy), model in runs.items():
        ratio = best[name, policy] / best["pixelcnn", "float32"]
        out(f"{name:16s} {policy:15s} {model.count_params():>8d} {warmup_seconds[name, policy]:>10.1f} "
            f"{best[name, policy]:>8.3f} {args.batch_size / best[name, policy]:>9.1f} {ratio:>11.1f}x")
    out("(vs pixelcnn: time per step relative to the float32 PixelCNN; lower is better)")

def roofline(args, out):
    "One Diagonal BiLSTM layer (2h = 32 channels in, h = 16) on a 28x28 batch: time per step vs FLOPs and bytes."
    batch, size, hidden = args.batch_size, 28, 16
    layer = DiagonalBiLSTM(hidden)
    features = tf.constant(np.random.default_rng(1).normal(size=(batch, size, size, 2 * hidden)).astype("float32"))
    layer(features[:1])
    @tf.function
    def forward_backward(inputs):
        with tf.GradientTape() as tape:
            tape.watch(inputs)
            loss = tf.reduce_sum(tf.square(layer(inputs)))
        return tape.gradient(loss, [inputs] + layer.trainable_variables)
    forward_backward(features)
    seconds = best_time(forward_backward, 5, features)
    steps, directions, gate = 2 * size - 1, 2, 4 * hidden
    # FLOPs and bytes counted from the traced graph itself (forward and backward): every MatMul's 2*M*K*N, and every
    # op's float output bytes, each written once and read at least once.
    matmul_flops = bytes_moved = 0
    for operation in forward_backward.get_concrete_function(features).graph.get_operations():
        if operation.type == "MatMul":
            rows, columns = operation.outputs[0].shape
            inner = operation.inputs[0].shape[0 if operation.get_attr("transpose_a") else 1]
            matmul_flops += 2 * rows * inner * columns
        elif operation.type not in ("Const", "Identity", "Reshape", "Placeholder", "ReadVariableOp", "NoOp", "Shape", "Pack"):
            for tensor in operation.outputs:
                if tensor.dtype.is_floating and tensor.shape.is_fully_defined():
                    bytes_moved += 2 * tensor.shape.num_elements() * tensor.dtype.size
    def rate(operation, repeats, *inputs):      # seconds per call of `operation`, repeated inside one tf.function
        @tf.function
        def repeated(*inputs):
            total = tf.constant(0.0)
            for _ in tf.range(repeats): total += tf.reduce_sum(operation(*inputs))
            return total
        return best_time(repeated, 3, *inputs) / repeats
    big = tf.constant(np.random.default_rng(2).normal(size=(2048, 2048)).astype("float32"))
    matmul_peak = 2 * 2048 ** 3 / rate(tf.matmul, 5, big, big)
    line = tf.constant(np.random.default_rng(3).normal(size=(28 * batch, 2 * hidden)).astype("float32"))
    kernel = tf.constant(np.random.default_rng(4).normal(size=(2 * hidden, directions * gate)).astype("float32"))
    step_matmul_rate = 2 * line.shape[0] * line.shape[1] * kernel.shape[1] / rate(tf.matmul, 200, line, kernel)
    block = tf.constant(np.random.default_rng(5).normal(size=(16 * 1024 * 1024,)).astype("float32"))
    bandwidth = 3 * block.shape[0] * 4 / rate(lambda x: x + 1.0, 5, block)     # read, write, read again to sum
    out("")
    out(f"Roofline of one Diagonal BiLSTM layer, forward + backward, batch {batch}, 28x28, h = {hidden}:")
    out(f"  measured: {seconds * 1000:.1f} ms per layer = {seconds / steps * 1000:.2f} ms per recurrent step ({steps} steps)")
    out(f"  per step (counted in the traced graph): {matmul_flops / steps / 1e6:.1f} MFLOP of matmuls (half of them on the "
        f"zero blocks of the two directions' block-diagonal kernels), {bytes_moved / steps / 1e6:.1f} MB written and read by the other ops")
    out(f"  this machine: large matmul {matmul_peak / 1e9:.0f} GFLOP/s; step-shaped matmul (2800x32 @ 32x128) "
        f"{step_matmul_rate / 1e9:.0f} GFLOP/s; element-wise add and sum of a 64 MB map {bandwidth / 1e9:.1f} GB/s")
    matmul_time = matmul_flops / step_matmul_rate
    memory_time = bytes_moved / bandwidth
    out(f"  time these alone would take per layer: matmuls at the step-shaped rate {matmul_time * 1000:.1f} ms, "
        f"element-wise traffic at the add bandwidth {memory_time * 1000:.1f} ms; together "
        f"{(matmul_time + memory_time) / seconds:.0%} of the measured time")

def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--batch-size", type=int, default=100)
    parser.add_argument("--warmup", type=int, default=2, help="untimed steps per model (the first one traces)")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved timing rounds")
    parser.add_argument("--steps", type=int, default=2, help="timed steps per model per round")
    parser.add_argument("--bfloat16", action="store_true", help="also time every model under mixed_bfloat16")
    parser.add_argument("--roofline", action="store_true", help="also time one Diagonal BiLSTM layer against machine limits")
    parser.add_argument("--save", help="also write the output to this file (a committed result file)")
    args = parser.parse_args()
    out = ResultLog(__file__)
    speed_table(args, out)
    if args.roofline: roofline(args, out)
    out.save(args.save)

if __name__ == "__main__":
    main()
