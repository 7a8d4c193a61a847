"""Three other ways to write the recurrent step, timed side by side against the library's.

The recurrent layers' step is many small ops (`pixelrnn_course.pixelrnn.lstm_lines`): per line of
positions, a slice of the previous line's states per offset, one matmul each, their sum with the
input gates, and the LSTM update (`lstm_update`). Three rewrites that keep the layers' weights (so
trained checkpoints still load) were tried, each here in full:

- `flat`: states kept as 2D (positions x batch, channels) tensors, so no reshape per step;
- `per-direction`: the Diagonal BiLSTM's two directions in one batched matmul of their own
  kernels, instead of one matmul with the block-diagonal kernel (which does twice the FLOPs);
- `fused cell`: the step as TensorFlow's fused `LSTMBlockCell` op (matmul, gates and cell update in
  one kernel; the input-to-state matmul moves into the step), with its `LSTMBlockCellGrad`.

Each is checked against the library's layer on the same weights (largest difference of the output
and of every gradient), then the forward and backward pass of one layer (h = 16 on 2h = 32 input
channels, 28x28) is timed in interleaved rounds, single-threaded, at batch 16 (the training runs')
and 100 (the layer benchmark's); the best round counts.

    python benchmarks/bench_lstm_variants.py --save benchmarks/results/lstm_variants.txt
"""
import argparse, os
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
from result_log import ResultLog
from timing import best_seconds_per_call
import numpy as np
import tensorflow as tf

def lines_flat(step_gates, state_kernels, offsets, ranges, initial_hidden, initial_cell, batch, lstm_update):
    "`lstm_lines` on (positions * batch, ...) tensors, or (directions, positions * batch, ...) for batched matmuls."
    batched, state_size = len(step_gates[0].shape) == 3, initial_hidden.shape[-1]
    low, high, axis = min(min(offsets), 0), max(max(offsets), 0), 1 if len(step_gates[0].shape) == 3 else 0
    fills = {}
    def fill(name, vector, count):
        if (name, count) not in fills:
            shape = ([initial_hidden.shape[0]] if batched else []) + [count * batch, state_size]
            fills[name, count] = tf.broadcast_to(vector[:, None, :] if batched else vector, tf.stack(shape))
        return fills[name, count]
    def cut(tensor, start, size):
        return tf.slice(tensor, ([0] if batched else []) + [start * batch, 0], ([-1] if batched else []) + [size * batch, -1])
    def extend(name, previous, vector, before, after, previous_count):
        if previous is not None and (before < 0 or after < 0):
            previous = cut(previous, -min(before, 0), previous_count + min(before, 0) + min(after, 0))
        parts = ([fill(name, vector, before)] if before > 0 else []) + ([previous] if previous is not None else [])
        parts += [fill(name, vector, after)] if after > 0 else []
        return tf.concat(parts, axis=axis) if len(parts) > 1 else parts[0]
    hidden = cell = None
    previous_lo, previous_hi, outputs = 0, -1, []
    for gates, (lo, hi) in zip(step_gates, ranges):
        count, before, after = hi - lo + 1, previous_lo - (lo + low), hi + high - previous_hi
        hidden_line = extend("hidden", hidden, initial_hidden, before, after, previous_hi - previous_lo + 1)
        cell_line = extend("cell", cell, initial_cell, before, after, previous_hi - previous_lo + 1)
        recurrent = [tf.matmul(cut(hidden_line, offset - low, count), kernel) for offset, kernel in zip(offsets, state_kernels)]
        hidden, cell = lstm_update(tf.add_n([gates] + recurrent), cut(cell_line, -low, count))
        outputs.append(hidden)
        previous_lo, previous_hi = lo, hi
    return outputs

@tf.custom_gradient
def fused_step(x, cell_prev, hidden_prev, kernel, bias):
    "TensorFlow's fused LSTM cell: gates = [x, hidden_prev] @ kernel + bias in the order [i, g, f, o]; (hidden, cell)."
    zeros = tf.zeros(tf.shape(bias)[-1:] // 4, x.dtype)
    i, cell, f, o, g, cell_tanh, hidden = tf.raw_ops.LSTMBlockCell(
        x=x, cs_prev=cell_prev, h_prev=hidden_prev, w=kernel, wci=zeros, wcf=zeros, wco=zeros, b=bias,
        forget_bias=0.0, cell_clip=-1.0, use_peephole=False)
    def gradient(hidden_grad, cell_grad):
        cell_prev_grad, gates_grad, *_ = tf.raw_ops.LSTMBlockCellGrad(
            x=x, cs_prev=cell_prev, h_prev=hidden_prev, w=kernel, wci=zeros, wcf=zeros, wco=zeros, b=bias, i=i, cs=cell,
            f=f, o=o, ci=g, co=cell_tanh, cs_grad=tf.zeros_like(cell) if cell_grad is None else cell_grad,
            h_grad=tf.zeros_like(hidden) if hidden_grad is None else hidden_grad, use_peephole=False)
        x_grad, hidden_prev_grad = tf.split(tf.matmul(gates_grad, kernel, transpose_b=True), [x.shape[1], hidden_prev.shape[1]], axis=1)
        return (x_grad, cell_prev_grad, hidden_prev_grad, tf.matmul(tf.concat([x, hidden_prev], 1), gates_grad, transpose_a=True),
                tf.reduce_sum(gates_grad, axis=0))
    return (hidden, cell), gradient

def block_order(tensor):
    "Gate columns [o, f, i, g] (the layers') to [i, g, f, o] (LSTMBlockCell's)."
    o, f, i, g = tf.split(tensor, 4, axis=-1)
    return tf.concat([i, g, f, o], axis=-1)

def diagonal_bilstm_variant(layer, inputs, variant):
    "The Diagonal BiLSTM layer's output, computed the `variant` way from its own weights."
    from pixelrnn_course.pixelrnn import diagonal_order, gather_rows, gate_major, gate_major_bias, lstm_update
    directions = [layer.left_to_right, layer.right_to_left]
    height, width, batch, hidden_channels = inputs.shape[1], inputs.shape[2], tf.shape(inputs)[0], layer.hidden_channels
    order, ranges = diagonal_order(height, width)
    sizes = [(hi - lo + 1) * batch for lo, hi in ranges]
    update = lambda gates, cell_prev: lstm_update(gates, cell_prev)
    kernels = tf.stack([lstm.input_kernel * lstm.input_mask for lstm in directions])       # (2, C, 4h)
    biases = tf.stack([tf.convert_to_tensor(lstm.input_bias) for lstm in directions])
    neighbour, same_row = tf.split(tf.stack([tf.convert_to_tensor(lstm.state_kernel) for lstm in directions]), 2, axis=1)
    initial = [lstm.initial_state() for lstm in directions]
    pixels = tf.reshape(tf.transpose(tf.concat([inputs, tf.reverse(inputs, [2])], axis=-1), (1, 2, 0, 3)), [height * width, batch, -1])
    pixels = tf.reshape(gather_rows(pixels, order), [height * width * batch, -1])             # diagonal order, (HW*B, 2C)
    if variant == "per-direction":
        pixels = tf.stack(tf.split(pixels, 2, axis=-1))                                        # (2, HW*B, C)
        gates = tf.split(tf.matmul(pixels, kernels) + biases[:, None], sizes, axis=1)
        hidden = lines_flat(gates, [neighbour, same_row], (-1, 0), ranges, tf.stack([h for h, _ in initial]),
                            tf.stack([c for _, c in initial]), batch, update)
        hidden = tf.unstack(tf.reshape(tf.concat(hidden, axis=1), [2, height * width, batch, hidden_channels]))
    else:
        initial_hidden, initial_cell = tf.concat([h for h, _ in initial], 0), tf.concat([c for _, c in initial], 0)
        if variant == "flat":
            gates = tf.split(tf.matmul(pixels, gate_major(kernels)) + gate_major_bias(biases), sizes, axis=0)
            hidden = lines_flat(gates, [gate_major(neighbour), gate_major(same_row)], (-1, 0), ranges, initial_hidden,
                                initial_cell, batch, update)
        else:   # fused cell: x = [pixels, the states one row up], hidden_prev = the states of the same row
            kernel = block_order(tf.concat([gate_major(kernels), gate_major(neighbour), gate_major(same_row)], axis=0))
            bias = block_order(gate_major_bias(biases))
            hidden = _fused_lines(pixels, sizes, ranges, kernel, bias, initial_hidden, initial_cell, batch)
        hidden = tf.split(tf.reshape(tf.concat(hidden, axis=0), [height * width, batch, -1]), 2, axis=-1)
    position = np.argsort(order).reshape(height, width)
    mirrored = np.concatenate([np.full((1, width), height * width), position[:, ::-1][:-1]])    # mirrored back, down one row
    maps = gather_rows(hidden[0], position.reshape(-1)) + gather_rows(hidden[1], mirrored.reshape(-1))
    return tf.transpose(tf.reshape(maps, [height, width, batch, hidden_channels]), (2, 0, 1, 3))

def _fused_lines(pixels, sizes, ranges, kernel, bias, initial_hidden, initial_cell, batch):
    "The diagonals' steps as fused cells; the hidden state of each step, (n_t * B, 2h)."
    state_size = initial_hidden.shape[0]
    def line(previous, vector, lo, hi, previous_lo, previous_hi):   # previous line's states at rows lo-1 .. hi
        kept_from, kept_to = max(lo - 1, previous_lo), min(hi, previous_hi)
        parts = []
        if kept_from > lo - 1: parts.append(tf.broadcast_to(vector, tf.stack([(kept_from - lo + 1) * batch, state_size])))
        if previous is not None and kept_to >= kept_from:
            parts.append(tf.slice(previous, [(kept_from - previous_lo) * batch, 0], [(kept_to - kept_from + 1) * batch, -1]))
        if hi > kept_to: parts.append(tf.broadcast_to(vector, tf.stack([(hi - max(kept_to, kept_from - 1)) * batch, state_size])))
        return tf.concat(parts, axis=0) if len(parts) > 1 else parts[0]
    hidden = cell = None
    previous_lo, previous_hi, outputs = 0, -1, []
    for step_pixels, (lo, hi) in zip(tf.split(pixels, sizes, axis=0), ranges):
        count = hi - lo + 1
        hidden_line = line(hidden, initial_hidden, lo, hi, previous_lo, previous_hi)
        cell_line = line(cell, initial_cell, lo, hi, previous_lo, previous_hi)
        above = tf.slice(hidden_line, [0, 0], [count * batch, -1])
        same = tf.slice(hidden_line, [batch, 0], [count * batch, -1])
        hidden, cell = fused_step(tf.concat([step_pixels, above], axis=1), tf.slice(cell_line, [batch, 0], [count * batch, -1]),
                                  same, kernel, bias)
        outputs.append(hidden)
        previous_lo, previous_hi = lo, hi
    return outputs

def row_lstm_flat(layer, inputs):
    "The Row LSTM layer's output with `lines_flat`."
    from pixelrnn_course.pixelrnn import lstm_update
    height, width, batch = inputs.shape[1], inputs.shape[2], tf.shape(inputs)[0]
    gates = tf.reshape(tf.transpose(layer.input_to_state(inputs), (1, 2, 0, 3)), [height, width * batch, -1])
    centre = layer.kernel_size // 2
    initial_hidden, initial_cell = layer.initial_state()
    hidden = lines_flat(tf.unstack(gates), tf.unstack(tf.convert_to_tensor(layer.state_kernel)), range(-centre, centre + 1),
                        [(0, width - 1)] * height, initial_hidden, initial_cell, batch, lstm_update)
    return tf.transpose(tf.reshape(tf.stack(hidden), [height, width, batch, layer.hidden_channels]), (2, 0, 1, 3))

def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--batch-sizes", type=int, nargs="+", default=[16, 100])
    parser.add_argument("--rounds", type=int, default=5, help="interleaved timing rounds")
    parser.add_argument("--steps", type=int, default=3, help="timed calls per variant per round")
    parser.add_argument("--save", help="also write the output to this file (a committed result file)")
    args = parser.parse_args()
    tf.config.threading.set_intra_op_parallelism_threads(1)
    tf.config.threading.set_inter_op_parallelism_threads(1)
    from pixelrnn_course.gpu import describe_hardware
    from pixelrnn_course.pixelrnn import DiagonalBiLSTM, RowLSTM
    out = ResultLog(__file__)
    out(f"TensorFlow {tf.__version__} on {describe_hardware()}; one layer, h = 16, 28x28, forward + backward, "
        f"best of {args.rounds} rounds of {args.steps} calls")
    hidden = 16
    diagonal, row = DiagonalBiLSTM(hidden), RowLSTM(hidden)
    for layer in (diagonal, row): layer(tf.zeros([1, 28, 28, 2 * hidden]))
    for layer in (diagonal, row):     # weights away from zero, so that every term of the step matters
        for variable in layer.trainable_variables:
            variable.assign(np.random.default_rng(7).normal(scale=0.3, size=variable.shape).astype("float32"))
    contenders = {("diagonal_bilstm", "library"): (diagonal, diagonal),
                  ("diagonal_bilstm", "flat"): (diagonal, lambda x: diagonal_bilstm_variant(diagonal, x, "flat")),
                  ("diagonal_bilstm", "per-direction"): (diagonal, lambda x: diagonal_bilstm_variant(diagonal, x, "per-direction")),
                  ("diagonal_bilstm", "fused cell"): (diagonal, lambda x: diagonal_bilstm_variant(diagonal, x, "fused cell")),
                  ("row_lstm", "library"): (row, row),
                  ("row_lstm", "flat"): (row, lambda x: row_lstm_flat(row, x))}
    def forward_backward(layer, function):
        @tf.function
        def run(inputs):
            with tf.GradientTape() as tape:
                tape.watch(inputs)
                outputs = function(inputs)
                loss = tf.reduce_sum(tf.square(outputs))
            return [outputs] + tape.gradient(loss, [inputs] + layer.trainable_variables)
        return run
    for batch in args.batch_sizes:
        inputs = tf.constant(np.random.default_rng(batch).normal(size=(batch, 28, 28, 2 * hidden)).astype("float32"))
        runs = {key: forward_backward(*pair) for key, pair in contenders.items()}
        results = {key: run(inputs) for key, run in runs.items()}
        best = best_seconds_per_call({key: (lambda run=run: run(inputs)[1]) for key, run in runs.items()}, args.steps, args.rounds)
        out("")
        out(f"batch {batch}")
        out(f"{'layer':16s} {'variant':14s} {'ms':>8s} {'vs library':>11s} {'largest difference from the library':>37s}")
        for (model, variant), seconds in best.items():
            reference = results[model, "library"]
            difference = max(float(tf.reduce_max(tf.abs(a - b)) / (tf.reduce_max(tf.abs(a)) + 1e-12))
                             for a, b in zip(reference, results[model, variant]))
            out(f"{model:16s} {variant:14s} {seconds * 1000:8.1f} {best[model, 'library'] / seconds:>10.2f}x "
                f"{difference:>24.1e} (relative)")
    out("")
    out("(vs library: the library's time over the variant's, above 1 is faster; the difference is the largest over the output"
        " and every gradient, relative to that tensor's largest value)")
    out.save(args.save)

if __name__ == "__main__":
    main()
