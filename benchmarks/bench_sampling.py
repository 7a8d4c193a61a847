"""Cached vs naive PixelCNN sampling, side by side in one process.

Both samplers draw the same `num_images` images (same seed, so the samples must be equal) from
the paper-size PixelCNN, `build_pixelcnn(28, 28)` (16 hidden channels, 7 residual blocks), or
from a saved `.keras` model. Each sampler is compiled first (the naive one by a one-pixel run of
the same shapes); the timed runs exclude compilation, which is reported separately.

Usage: python benchmarks/bench_sampling.py [--num-images 100] [--model path/to/model.keras]
"""
import argparse, os, time
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
import numpy as np
import keras
from pixelrnn_course.pixelcnn import build_pixelcnn
from pixelrnn_course.sampling import sample, naive_generate, draw_uniforms, generate


def timed(function, repeats=1):
    "Best wall time of `repeats` calls of `function`, and its last result."
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        result = function()
        best = min(best, time.perf_counter() - start)
    return best, result


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--num-images", type=int, default=100)
    parser.add_argument("--height", type=int, default=28)
    parser.add_argument("--width", type=int, default=28)
    parser.add_argument("--hidden-channels", type=int, default=16)
    parser.add_argument("--num-residual-blocks", type=int, default=7)
    parser.add_argument("--model", default=None, help="a saved .keras PixelCNN instead of a freshly initialized one")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--cached-repeats", type=int, default=3, help="cached timing: best of this many runs")
    args = parser.parse_args()

    keras.utils.set_random_seed(args.seed)
    if args.model:
        model = keras.models.load_model(args.model)
        height, width = model.inputs[0].shape[1:3]
    else:
        height, width = args.height, args.width
        model = build_pixelcnn(height, width, args.hidden_channels, args.num_residual_blocks)
    count, num_pixels = args.num_images, height * width
    print(f"model {model.name}: {model.count_params()} parameters; {count} images of {height}x{width}")

    compile_cached, _ = timed(lambda: sample(model, count, height, width, seed=args.seed))
    blank = np.zeros((count, height, width, 1), np.float32)
    compile_naive, _ = timed(lambda: naive_generate(model, blank, num_pixels - 1, draw_uniforms(args.seed, count, height, width)))
    print(f"compile (first call, includes one run): cached {compile_cached:.2f} s, naive (1 pixel) {compile_naive:.2f} s")

    naive_seconds, naive_samples = timed(lambda: sample(model, count, height, width, seed=args.seed, method="naive"))
    cached_seconds, cached_samples = timed(lambda: sample(model, count, height, width, seed=args.seed), args.cached_repeats)
    equal = bool(np.array_equal(naive_samples, cached_samples))
    uniforms = draw_uniforms(args.seed, count, height, width)
    logit_gap = np.abs(generate(model, naive_samples, num_pixels, uniforms)[1] - model(naive_samples).numpy()).max()

    print(f"naive  sampler: {naive_seconds:8.2f} s  ({naive_seconds / num_pixels * 1e3:.1f} ms per pixel step)")
    print(f"cached sampler: {cached_seconds:8.3f} s  ({cached_seconds / num_pixels * 1e3:.2f} ms per pixel step, best of {args.cached_repeats})")
    print(f"speedup: {naive_seconds / cached_seconds:.0f}x")
    print(f"samples equal: {equal}; mean pixel {cached_samples.mean():.3f}; "
          f"max |cached teacher-forced logits - model logits| = {logit_gap:.2e}")
    if not equal: raise SystemExit("FAILED: the cached and naive samplers drew different samples")


if __name__ == "__main__":
    main()
