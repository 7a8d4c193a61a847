"""What colour costs: a 256-level training step against the binary one, and the exact colour sampler against the naive one.

1. Training step, side by side in interleaved rounds (`timing.best_seconds_per_call`): the same PixelCNN
   (h = 24, 5 residual blocks of 5x5, output layer 96, 28x28, batch 64, Adam, NLL in nats from
   `PixelDistribution.nll`) for binary pixels (channels 1, levels 2), 8-bit grey (1, 256) and 8-bit RGB
   (3, 256). The 256-level models differ from the binary one only in the last layer (256 logits per
   channel instead of 1) and, for RGB, the three input channels and the colour masks.
2. Sampling 100 RGB images of 28x28 from the 8-bit RGB PixelCNN with its initial weights: the cached
   sampler draws all of them; the naive sampler (one forward pass per channel of every pixel) draws
   the last `--naive-pixels` pixels of each image, given the cached sampler's first ones, so both
   must agree there, and its time for whole images is extrapolated from its time per pixel (the
   output says so). `--naive-pixels 784` times it on every pixel.

    python benchmarks/bench_colour.py --save benchmarks/results/colour.txt
"""
import argparse, os, time
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
from result_log import ResultLog
from timing import best_seconds_per_call
import numpy as np
import tensorflow as tf
import keras
from pixelrnn_course.models import build_model
from pixelrnn_course.colour import PixelDistribution
from pixelrnn_course.gpu import describe_hardware
from pixelrnn_course.sampling import generate, draw_uniforms

SIZE = dict(hidden_channels=24, num_residual_blocks=5, kernel_size=5, output_hidden_channels=96)
KINDS = {"binary": (1, 2), "8-bit grey": (1, 256), "8-bit RGB": (3, 256)}

def train_step_of(model):
    "A traced Adam step on the mean NLL (nats per image) of a batch."
    distribution, optimizer = PixelDistribution.of(model), keras.optimizers.Adam(1e-3)
    @tf.function
    def step(images):
        with tf.GradientTape() as tape: loss = tf.reduce_mean(distribution.nll(model(images, training=True), images))
        optimizer.apply(tape.gradient(loss, model.trainable_variables), model.trainable_variables)
        return loss
    return step

def training_table(out, batch_size, rounds):
    keras.utils.set_random_seed(0)
    rng, calls, parameters = np.random.default_rng(0), {}, {}
    for name, (channels, levels) in KINDS.items():
        model = build_model("pixelcnn", 28, 28, channels=channels, levels=levels, **SIZE)
        distribution = PixelDistribution(channels, levels)
        images = tf.constant(distribution.check_images(rng.integers(0, levels, (batch_size, 28, 28, channels)).astype(np.uint8)))
        step = train_step_of(model)
        for _ in range(2): step(images).numpy()                      # trace and warm up
        calls[name], parameters[name] = (lambda step=step, images=images: step(images)), model.count_params()
    seconds = best_seconds_per_call(calls, calls_per_round=3, rounds=rounds)
    out(f"{'pixels':12s} {'params':>8s} {'s/step':>8s} {'images/s':>9s} {'vs binary':>10s}")
    for name, step_seconds in seconds.items():
        out(f"{name:12s} {parameters[name]:>8d} {step_seconds:>8.3f} {batch_size / step_seconds:>9.1f} {step_seconds / seconds['binary']:>9.2f}x")

def boundary_gaps(distribution, images_a, images_b, logits, uniforms):
    "For each image where two samplers differ: how far its first differing channel's uniform lies from a level boundary."
    differ = np.argwhere(distribution.to_levels(images_a) != distribution.to_levels(images_b))
    gaps = []
    for image in sorted(set(differ[:, 0].tolist())):
        row, column, channel = min(tuple(index[1:]) for index in differ if index[0] == image)
        levels = logits[image, row, column, channel * distribution.levels:(channel + 1) * distribution.levels].astype(np.float64)
        cumulative = np.cumsum(np.exp(levels - levels.max()) / np.exp(levels - levels.max()).sum())
        gaps.append(float(np.abs(cumulative - uniforms[image, (row * images_a.shape[2] + column) * distribution.channels + channel]).min()))
    return len(differ), gaps

def sampling_table(out, num_images, naive_pixels):
    keras.utils.set_random_seed(0)
    model = build_model("pixelcnn", 28, 28, channels=3, levels=256, **SIZE)
    blank, uniforms = np.zeros((num_images, 28, 28, 3), np.float32), draw_uniforms(0, num_images, 28, 28, 3)
    started = time.perf_counter(); generate(model, blank, 0, uniforms, "cached"); cached_compile = time.perf_counter() - started
    cached_seconds, (cached, _) = min((time.perf_counter() - started, result) for started, result in
                                      ((time.perf_counter(), generate(model, blank, 0, uniforms, "cached")) for _ in range(3)))
    given = 28 * 28 - naive_pixels
    started = time.perf_counter(); generate(model, cached, 28 * 28 - 1, uniforms, "naive"); naive_compile = time.perf_counter() - started
    started = time.perf_counter(); naive, naive_logits = generate(model, cached, given, uniforms, "naive"); naive_seconds = time.perf_counter() - started
    per_pixel = naive_seconds / naive_pixels
    whole = per_pixel * 28 * 28
    out(f"{num_images} RGB images of 28x28, 256 levels, PixelCNN of {model.count_params()} parameters (initial weights)")
    out(f"compile (first call, includes one run): cached {cached_compile:.1f} s, naive (1 pixel) {naive_compile:.1f} s")
    out(f"cached sampler: {cached_seconds:8.2f} s for whole images (best of 3; {1000 * cached_seconds / 784:.2f} ms per pixel, 3 channels)")
    out(f"naive sampler:  {naive_seconds:8.2f} s for the last {naive_pixels} pixels ({1000 * per_pixel:.1f} ms per pixel, 3 channels)"
        + ("" if naive_pixels == 784 else f"; whole images, extrapolated: {whole:.0f} s"))
    out(f"speedup: {whole / cached_seconds:.0f}x" + ("" if naive_pixels == 784 else " (naive time extrapolated from its pixels)"))
    differing, gaps = boundary_gaps(PixelDistribution(3, 256), cached, naive, naive_logits, uniforms)
    out(f"samples equal on the pixels both drew: {differing == 0}" + ("" if differing == 0 else
        f" ({differing} of {num_images * naive_pixels * 3} channels differ, in {len(gaps)} images; at each image's first difference "
        f"the uniform number lies {max(gaps):.1e} or less from a level boundary of the naive sampler's distribution: float rounding "
        "of the logits, which the two samplers compute in different orders)"))

def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--batch-size", type=int, default=64, help="training batch (default: 64)")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved timing rounds; the best counts (default: 3)")
    parser.add_argument("--num-images", type=int, default=100, help="images to sample (default: 100)")
    parser.add_argument("--naive-pixels", type=int, default=56, help="pixels the naive sampler draws per image (default: 56, two rows)")
    parser.add_argument("--save", help="also write the output to this file (a committed result file)")
    args = parser.parse_args()
    if not 1 <= args.naive_pixels <= 784: parser.error("--naive-pixels must be from 1 to 784")
    out = ResultLog(__file__)
    out(f"TensorFlow {tf.__version__} on {describe_hardware()}; load average before the run {os.getloadavg()[0]:.1f}")
    out(f"== training step: PixelCNN {SIZE}, 28x28, batch {args.batch_size}, best of {args.rounds} interleaved rounds of 3 steps")
    training_table(out, args.batch_size, args.rounds)
    out("== sampling")
    sampling_table(out, args.num_images, args.naive_pixels)
    out.save(args.save)

if __name__ == "__main__":
    main()
