"""Naive vs cached sampling, side by side in one process: the PixelCNN, the Row LSTM and the Diagonal BiLSTM.

PixelCNN: both samplers draw the same `--num-images` images (same seed, so the samples must be equal)
from the paper-size PixelCNN, `build_pixelcnn(28, 28)` (16 hidden channels, 7 residual blocks), or
from a saved `.keras` model (`--model`).

Row LSTM and Diagonal BiLSTM: the paper-size models of `build_model` (h = 16, 7 layers, 28x28), with
their initial weights. Both samplers draw the same `--rnn-images` images (16), then the incremental
sampler alone draws 100. With `--naive-pixels N` the naive sampler draws only the last N pixels of
each image (given the incremental sampler's first ones, so the samples must still be equal) and its
time for a whole image is extrapolated from that, which the output says; 0 (the default) times it on
every pixel. Last, a count of multiply-adds per image position explains the ratio.

Every sampler is compiled first (the naive one by a one-pixel run of the same shapes); the timed runs
exclude compilation, which is reported separately.

Usage: python benchmarks/bench_sampling.py [--models pixelcnn row_lstm diagonal_bilstm] [--num-images 100]
           [--rnn-images 16] [--naive-pixels 0] [--model path/to/pixelcnn.keras] [--out benchmarks/results/sampling.txt]
"""
import argparse, os, sys, time
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
import numpy as np
import tensorflow as tf
import keras
from pixelrnn_course.pixelcnn import build_pixelcnn
from pixelrnn_course.models import build_model
from pixelrnn_course.sampling import sample, naive_generate, draw_uniforms, generate, cached_plan

LINES = []

def report(line=""):
    "Print `line` and keep it for the results file."
    print(line, flush=True)
    LINES.append(line)


def timed(function, repeats=1):
    "Best wall time of `repeats` calls of `function`, and its last result."
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        result = function()
        best = min(best, time.perf_counter() - start)
    return best, result


def forward_multiply_adds(model):
    "Multiply-adds per image position of one forward pass: each kernel weight once per position, masked taps included."
    return sum(int(np.prod(weight.shape)) for weight in model.weights if len(weight.shape) >= 2)


def incremental_multiply_adds(plan):
    "Multiply-adds per image position of the cached sampler: each weight matrix of its plan once per position."
    tensors = tf.nest.flatten([value for value in plan.values() if not isinstance(value, (str, int))])
    return sum(int(np.prod(tensor.shape)) for tensor in tensors if tensor.dtype == tf.float32 and len(tensor.shape) == 2)


def bench_pixelcnn(args):
    "The PixelCNN: naive and cached sampler on the same images."
    keras.utils.set_random_seed(args.seed)
    if args.model:
        model = keras.models.load_model(args.model)
        height, width = model.inputs[0].shape[1:3]
    else:
        height, width = args.height, args.width
        model = build_pixelcnn(height, width, args.hidden_channels, args.num_residual_blocks)
    count, num_pixels = args.num_images, height * width
    report(f"== PixelCNN: model {model.name}: {model.count_params()} parameters; {count} images of {height}x{width}")

    compile_cached, _ = timed(lambda: sample(model, count, height, width, seed=args.seed))
    blank = np.zeros((count, height, width, 1), np.float32)
    compile_naive, _ = timed(lambda: naive_generate(model, blank, num_pixels - 1, draw_uniforms(args.seed, count, height, width)))
    report(f"compile (first call, includes one run): cached {compile_cached:.2f} s, naive (1 pixel) {compile_naive:.2f} s")

    naive_seconds, naive_samples = timed(lambda: sample(model, count, height, width, seed=args.seed, method="naive"))
    cached_seconds, cached_samples = timed(lambda: sample(model, count, height, width, seed=args.seed), args.cached_repeats)
    equal = bool(np.array_equal(naive_samples, cached_samples))
    uniforms = draw_uniforms(args.seed, count, height, width)
    logit_gap = np.abs(generate(model, naive_samples, num_pixels, uniforms)[1] - model(naive_samples).numpy()).max()

    report(f"naive  sampler: {naive_seconds:8.2f} s  ({naive_seconds / num_pixels * 1e3:.1f} ms per pixel step)")
    report(f"cached sampler: {cached_seconds:8.3f} s  ({cached_seconds / num_pixels * 1e3:.2f} ms per pixel step, best of {args.cached_repeats})")
    report(f"speedup: {naive_seconds / cached_seconds:.0f}x")
    report(f"samples equal: {equal}; mean pixel {cached_samples.mean():.3f}; "
           f"max |cached teacher-forced logits - model logits| = {logit_gap:.2e}")
    return equal


def bench_pixelrnn(name, args):
    "One PixelRNN model at paper size: naive and incremental sampler on the same images, then 100 images incremental."
    keras.utils.set_random_seed(args.seed)
    model = build_model(name)                                   # paper size: h = 16, 7 layers, 28x28
    height, width = model.inputs[0].shape[1:3]
    count, num_pixels = args.rnn_images, height * width
    uniforms = draw_uniforms(args.seed, count, height, width)
    report(f"== {name}: {model.count_params()} parameters; {count} images of {height}x{width}")

    compile_incremental, _ = timed(lambda: sample(model, count, height, width, seed=args.seed))
    incremental_seconds, incremental_samples = timed(lambda: sample(model, count, height, width, seed=args.seed), args.cached_repeats)
    compile_naive, _ = timed(lambda: naive_generate(model, incremental_samples, num_pixels - 1, uniforms))
    report(f"compile (first call, includes one run): incremental {compile_incremental:.2f} s, naive (1 pixel) {compile_naive:.2f} s")

    drawn = args.naive_pixels or num_pixels                     # pixels the naive sampler draws
    naive_seconds, (naive_samples, _) = timed(lambda: naive_generate(model, incremental_samples, num_pixels - drawn, uniforms))
    equal = bool(np.array_equal(naive_samples, incremental_samples))
    if drawn < num_pixels:                                      # the loop makes drawn + 1 forward passes, a whole image num_pixels + 1
        measured = naive_seconds
        naive_seconds = measured * (num_pixels + 1) / (drawn + 1)
        report(f"naive sampler timed on the last {drawn} pixels only: {measured:.2f} s; "
               f"EXTRAPOLATED to all {num_pixels} pixels: {naive_seconds:.2f} s")
    logit_gap = np.abs(generate(model, incremental_samples, num_pixels, uniforms)[1] - model(incremental_samples).numpy()).max()
    compile_hundred, _ = timed(lambda: sample(model, 100, height, width, seed=args.seed))
    hundred_seconds, _ = timed(lambda: sample(model, 100, height, width, seed=args.seed), args.cached_repeats)

    report(f"naive       sampler: {naive_seconds:8.2f} s  ({naive_seconds / num_pixels * 1e3:.1f} ms per pixel step)"
           + (" (extrapolated)" if drawn < num_pixels else ""))
    report(f"incremental sampler: {incremental_seconds:8.3f} s  ({incremental_seconds / num_pixels * 1e3:.2f} ms per pixel step, "
           f"best of {args.cached_repeats})")
    report(f"speedup: {naive_seconds / incremental_seconds:.0f}x")
    report(f"samples equal: {equal} (on the {drawn} pixels both drew); mean pixel {incremental_samples.mean():.3f}; "
           f"max |incremental teacher-forced logits - model logits| = {logit_gap:.2e}")
    report(f"100 images, incremental: {hundred_seconds:.3f} s (best of {args.cached_repeats}; compiling for batch 100 "
           f"took {compile_hundred:.2f} s with one run)")

    forward, incremental = forward_multiply_adds(model), incremental_multiply_adds(cached_plan(model, height, width))
    naive_total, incremental_total = (num_pixels + 1) * num_pixels * forward, num_pixels * incremental
    naive_rate = 2 * naive_total * count / naive_seconds / 1e9
    incremental_rate = 2 * incremental_total * count / incremental_seconds / 1e9
    report(f"multiply-adds per image position: forward pass {forward:,}, incremental step {incremental:,}")
    report(f"multiply-adds per image: naive {num_pixels + 1} passes x {num_pixels} positions x {forward:,} = {naive_total / 1e9:.1f} G; "
           f"incremental {num_pixels} positions x {incremental:,} = {incremental_total / 1e6:.1f} M; ratio {naive_total / incremental_total:.0f}x")
    report(f"achieved: naive {naive_rate:.1f} GFLOP/s, incremental {incremental_rate:.2f} GFLOP/s (tiny matrix products, one position per step); "
           f"speedup = multiply-adds saved x rate ratio = {naive_total / incremental_total:.0f} x {incremental_rate / naive_rate:.2f} "
           f"= {naive_total / incremental_total * incremental_rate / naive_rate:.0f}x")
    return dict(name=name, parameters=model.count_params(), naive=naive_seconds, incremental=incremental_seconds, equal=equal,
                hundred=hundred_seconds, extrapolated=drawn < num_pixels)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--models", nargs="+", default=["pixelcnn", "row_lstm", "diagonal_bilstm"],
                        choices=["pixelcnn", "row_lstm", "diagonal_bilstm"])
    parser.add_argument("--num-images", type=int, default=100, help="PixelCNN: images per sampler")
    parser.add_argument("--height", type=int, default=28)
    parser.add_argument("--width", type=int, default=28)
    parser.add_argument("--hidden-channels", type=int, default=16)
    parser.add_argument("--num-residual-blocks", type=int, default=7)
    parser.add_argument("--model", default=None, help="a saved .keras PixelCNN instead of a freshly initialized one")
    parser.add_argument("--rnn-images", type=int, default=16, help="Row LSTM and Diagonal BiLSTM: images per sampler")
    parser.add_argument("--naive-pixels", type=int, default=0,
                        help="Row LSTM and Diagonal BiLSTM: time the naive sampler on the last N pixels and extrapolate (0: all)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--cached-repeats", type=int, default=3, help="cached timing: best of this many runs")
    parser.add_argument("--out", default=None, help="also write the printed report to this file")
    args = parser.parse_args()

    report(f"$ python benchmarks/bench_sampling.py {' '.join(sys.argv[1:])}")
    report(f"TensorFlow {tf.__version__}, Keras {keras.__version__}, {os.cpu_count()} CPUs, "
           f"load average before the run {os.getloadavg()[0]:.1f}, {time.strftime('%Y-%m-%d %H:%M')}")
    all_equal = True
    if "pixelcnn" in args.models: all_equal &= bench_pixelcnn(args)
    results = [bench_pixelrnn(name, args) for name in args.models if name != "pixelcnn"]
    if results:
        report("== PixelRNN summary: paper size (h = 16, 7 layers, 28x28), seconds for "
               f"{args.rnn_images} images unless stated")
        report(f"{'model':16s} {'params':>7s} {'naive s':>9s} {'incremental s':>14s} {'speedup':>8s} {'equal':>6s} {'100 images s':>13s}")
        for result in results:
            report(f"{result['name']:16s} {result['parameters']:>7,d} {result['naive']:>8.1f}{'*' if result['extrapolated'] else ' '} "
                   f"{result['incremental']:>14.3f} {result['naive'] / result['incremental']:>7.0f}x {str(result['equal']):>6s} "
                   f"{result['hundred']:>13.2f}")
            all_equal &= result["equal"]
        if any(result["extrapolated"] for result in results): report("* extrapolated from a subset of pixels (--naive-pixels)")
    if args.out:
        os.makedirs(os.path.dirname(args.out) or ".", exist_ok=True)
        with open(args.out, "w") as file: file.write("\n".join(LINES) + "\n")
    if not all_equal: raise SystemExit("FAILED: the cached and naive samplers drew different samples")


if __name__ == "__main__":
    main()
