"""Time the paper's rows on this machine's GPU: one training epoch each, in mixed bfloat16, and the cached sampler against the naive one.

`scripts/gpu_check.sh` runs this after the notebooks' `#| gpu` cells; this script does the timing parts:

    python scripts/gpu_check.py --out $OUT/gpu_check.txt                 # both parts, each capped at --part-seconds
    python scripts/gpu_check.py --part training --part-seconds 120       # one part, with its own time cap
    python scripts/gpu_check.py --cpu-smoke --out /tmp/gpu_check.txt     # the same code paths, tiny sizes, on the CPU (CI)

The paper's rows are the configurations of `pixelrnn_course.models.PAPER_CONFIGURATIONS` that the paper reports a
test NLL for (PixelCNN, Row LSTM, the two Diagonal BiLSTMs).

Training: the epoch time is EXTRAPOLATED, not measured over a whole epoch: the course's train step
(`pixelrnn_course.training.make_train_step`, the step `train` takes, under `choose_strategy("auto")` and the
`mixed_bfloat16` policy) is traced, warmed up, and timed over up to `--steps` steps of the training set's own
batches (`make_dataset`); an epoch is the training set's steps per epoch times the time per step. The training
set is the full binarized MNIST (50,000 images) when the data folder (`PIXELRNN_COURSE_DATA`) has it, else the
shipped sample's 4,000 training digits; the line says which.

Sampling: each row's model (float32, initial weights: the time does not depend on the weights) draws
`--num-images` images with the cached sampler (`sample(..., method="cached")`, timed after a first, compiling
call); the naive sampler (`generate(..., method="naive")`, one forward pass per pixel) redraws the last
`--naive-pixels` pixels of the same images from the same coin flips, and its time for whole images is extrapolated
from those pixels. The count of pixels on which the two disagree is printed (0 expected; a few at most where a
logit sits at a coin flip's threshold and the GPU's rounding differs).

Time caps: each part stops starting new models once its `--part-seconds` are spent (the models left get a
"skipped" line), and the shell script also kills a part that overruns its cap by `timeout`. Every line is written
to the results file as soon as it is known, so a part that is stopped keeps what it measured.
"""
import argparse, math, os, sys, time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
REPOSITORY = Path(__file__).resolve().parents[1]


def gpu_notebooks() -> list:
    "The notebooks of nbs/ with a code cell flagged `#| gpu`, as nbdev reads the flags."
    import json
    from pixelrnn_course.cli import cell_flags
    found = []
    for notebook in sorted((REPOSITORY / "nbs").glob("*.ipynb")):
        cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
        if any(cell["cell_type"] == "code" and "gpu" in cell_flags(cell["source"]) for cell in cells):
            found.append(str(notebook.relative_to(REPOSITORY)))
    return found


class Results:
    "Print each line and append it to the results file at once, so that a part stopped by its time cap keeps its lines."
    def __init__(self, path, append:bool):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        if not append: self.path.write_text("")

    def __call__(self, line:str):
        print(line, flush=True)
        with open(self.path, "a") as file: file.write(line + "\n")


def paper_rows() -> list:
    "The configurations the paper reports a test NLL for, in the order of PAPER_CONFIGURATIONS."
    from pixelrnn_course.models import PAPER_CONFIGURATIONS
    return [name for name, configuration in PAPER_CONFIGURATIONS.items() if configuration["paper_test_nll"] is not None]


def row_model(name:str, smoke:bool, height:int, width:int, policy:str="float32"):
    "The row's model at paper size, or at the course's tiny test size for a CPU smoke run."
    from pixelrnn_course.models import PAPER_CONFIGURATIONS, SMALL_HPARAMS
    from pixelrnn_course.gpu import build_training_model
    configuration = PAPER_CONFIGURATIONS[name]
    hparams = configuration["hparams"]
    if smoke:   # the course's tiny test size, one layer or block: seconds to trace on a CPU
        small = SMALL_HPARAMS[configuration["model"]]
        hparams = {**small, **{key: 1 for key in ("num_layers", "num_residual_blocks") if key in small}}
    return build_training_model(configuration["model"], height, width, hparams, policy)


def training_images(smoke:bool):
    "(images, binarization, description): full binarized MNIST train if the data folder has it, else the shipped sample's."
    from pixelrnn_course.data import load_binarized_mnist
    from pixelrnn_course.training import mnist_sample_splits
    if not smoke:
        try: return load_binarized_mnist("train", download=False), "none", "binarized MNIST train (50,000 images)"
        except FileNotFoundError: pass
    images = mnist_sample_splits()["train"]
    if smoke: return images[:64, 10:18, 10:18], "dynamic", "64 crops of 8x8 from the shipped sample (CPU smoke run)"
    return images, "dynamic", "the shipped sample's 4,000 training digits (binarized MNIST not found in the data folder)"


def time_training(results, args):
    "One line per paper row: the train step's time per step in mixed bfloat16, extrapolated to an epoch."
    import numpy as np
    import tensorflow as tf
    import keras
    from pixelrnn_course.data import make_dataset
    from pixelrnn_course.gpu import choose_precision, choose_strategy
    from pixelrnn_course.models import PAPER_CONFIGURATIONS
    from pixelrnn_course.training import make_optimizer, make_train_step, resolve_settings
    started = time.perf_counter()
    images, binarization, description = training_images(args.cpu_smoke)
    strategy, policy = choose_strategy("auto"), choose_precision("bfloat16")
    steps_per_epoch = math.ceil(len(images) / args.batch_size)
    results(f"-- training: {description}, batch {args.batch_size} ({steps_per_epoch} steps per epoch), {policy}, "
            f"{type(strategy).__name__}, jit_compile={args.jit_compile}; epoch times are extrapolated from the timed steps")
    for name in paper_rows():
        if time.perf_counter() - started > args.part_seconds:
            results(f"training {name}: skipped, the part's time cap of {args.part_seconds:.0f} s was spent"); continue
        model_started = time.perf_counter()
        keras.utils.set_random_seed(0)
        settings = resolve_settings(PAPER_CONFIGURATIONS[name]["model"], "paper", batch_size=args.batch_size)   # its optimiser and clip
        with strategy.scope():
            model = row_model(name, args.cpu_smoke, *images.shape[1:3], policy)
            optimizer = make_optimizer(settings["learning_rate"], settings["optimizer"])
        train_step = make_train_step(model, optimizer, strategy, settings["clip_norm"], args.jit_compile)
        dataset = make_dataset(images, args.batch_size, shuffle=True, seed=0, binarization=binarization).repeat()
        batches = iter(strategy.experimental_distribute_dataset(dataset))
        float(train_step(next(batches))["nll"])                     # trace and run the first step
        first_step = time.perf_counter() - model_started
        for _ in range(args.warmup_steps): float(train_step(next(batches))["nll"])
        budget = min(args.seconds_per_model, args.part_seconds - (time.perf_counter() - started))
        timed_start, steps = time.perf_counter(), 0
        while steps < args.steps and (steps == 0 or time.perf_counter() - timed_start < budget):
            result = train_step(next(batches)); steps += 1
        nll = float(result["nll"])                                   # waits for the last step
        per_step = (time.perf_counter() - timed_start) / steps
        results(f"training {name}: {model.count_params():,} parameters; first step (tracing) {first_step:.1f} s; "
                f"{steps} steps timed: {per_step * 1000:.1f} ms per step, {args.batch_size / per_step:,.0f} images/s; "
                f"one epoch of {len(images):,} images: {per_step * steps_per_epoch:.1f} s (extrapolated); "
                f"last loss {nll:.1f} nats/image{'' if np.isfinite(nll) else ' (NOT FINITE)'}")


def time_sampling(results, args):
    "One line per paper row: the cached sampler's time for whole images against the naive one's, extrapolated."
    import numpy as np
    import keras
    from pixelrnn_course.sampling import sample, generate, draw_uniforms
    started = time.perf_counter()
    height = width = 8 if args.cpu_smoke else 28
    count, naive_pixels = args.num_images, min(args.naive_pixels, height * width)
    results(f"-- sampling: {count} images of {height}x{width}, float32, initial weights; the naive sampler redraws the "
            f"last {naive_pixels} pixels and its time for whole images is extrapolated from them")
    for name in paper_rows():
        if time.perf_counter() - started > args.part_seconds:
            results(f"sampling {name}: skipped, the part's time cap of {args.part_seconds:.0f} s was spent"); continue
        keras.utils.set_random_seed(0)
        model = row_model(name, args.cpu_smoke, height, width)
        clock = time.perf_counter()
        sample(model, count, height, width, seed=0, method="cached")                  # compiles, then draws
        cached_compile = time.perf_counter() - clock
        clock = time.perf_counter()
        cached = sample(model, count, height, width, seed=0, method="cached")
        cached_seconds = time.perf_counter() - clock
        uniforms, num_given = draw_uniforms(0, count, height, width), height * width - naive_pixels
        clock = time.perf_counter()
        generate(model, cached, num_given, uniforms, method="naive")                  # traces, then draws
        naive_first = time.perf_counter() - clock
        clock = time.perf_counter()
        naive, _ = generate(model, cached, num_given, uniforms, method="naive")
        naive_seconds = time.perf_counter() - clock
        naive_whole = naive_seconds * height * width / naive_pixels
        differ = int(np.sum(naive != cached))
        results(f"sampling {name}: cached {cached_seconds:.3f} s for {count} images ({cached_seconds / (height * width) * 1000:.2f} ms "
                f"per pixel; compiling call {cached_compile:.1f} s); naive {naive_seconds:.3f} s for {naive_pixels} pixels "
                f"({naive_seconds / naive_pixels * 1000:.1f} ms per pixel; first call {naive_first:.1f} s), so "
                f"{naive_whole:.1f} s for whole images (extrapolated); speedup {naive_whole / cached_seconds:.0f}x; "
                f"pixels that differ: {differ} of {count * naive_pixels}")


def header(results, args):
    import tensorflow as tf
    import keras
    from pixelrnn_course.gpu import describe_hardware
    command = "python scripts/gpu_check.py " + " ".join(sys.argv[1:])
    results(f"== {command}\n{time.strftime('%Y-%m-%d %H:%M')}; TensorFlow {tf.__version__}, Keras {keras.__version__}; "
            f"{describe_hardware()}; load average {os.getloadavg()[0]:.1f}")
    if not tf.config.list_physical_devices("GPU") and not args.cpu_smoke:
        results("NO GPU: TensorFlow sees none, so these are CPU times (the shell script refuses to run; see its --allow-cpu)")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--part", choices=["all", "training", "sampling"], default="all", help="what to time (default: all)")
    parser.add_argument("--out", type=Path, default=None, help="results file (default: $OUT/gpu_check.txt if OUT is set, "
                        "else benchmarks/results/gpu_check.txt)")
    parser.add_argument("--append", action="store_true", help="append to the results file instead of starting it afresh")
    parser.add_argument("--part-seconds", type=float, default=110, help="time cap of each part: no model is started after it (default 110)")
    parser.add_argument("--seconds-per-model", type=float, default=15, help="timed training steps per model stop after this (default 15)")
    parser.add_argument("--steps", type=int, default=300, help="at most this many timed training steps per model (default 300)")
    parser.add_argument("--warmup-steps", type=int, default=5, help="untimed training steps after the first (default 5)")
    parser.add_argument("--batch-size", type=int, default=16, help="training batch (default 16, the paper preset's)")
    parser.add_argument("--jit-compile", action="store_true", help="compile the train step with XLA (train's --jit-compile)")
    parser.add_argument("--num-images", type=int, default=16, help="images drawn by each sampler (default 16)")
    parser.add_argument("--naive-pixels", type=int, default=28, help="pixels the naive sampler redraws (default 28, one row)")
    parser.add_argument("--cpu-smoke", action="store_true", help="hide any GPU; tiny models, 8x8 images, two timed steps, "
                        "two images, four naive pixels: the same code paths in seconds (for CI)")
    parser.add_argument("--gpu-notebooks", action="store_true", help="print the notebooks with a #| gpu cell and exit")
    args = parser.parse_args(argv)
    if args.gpu_notebooks:
        print("\n".join(gpu_notebooks())); return 0
    if args.cpu_smoke:
        args.steps, args.warmup_steps, args.batch_size, args.num_images, args.naive_pixels = 2, 1, 8, 2, 4
        args.jit_compile = False
    import tensorflow as tf
    if args.cpu_smoke: tf.config.set_visible_devices([], "GPU")
    out = args.out or (Path(os.environ["OUT"]) / "gpu_check.txt" if os.environ.get("OUT") else REPOSITORY / "benchmarks/results/gpu_check.txt")
    results = Results(out, args.append)
    header(results, args)
    if args.part in ("all", "training"): time_training(results, args)
    if args.part in ("all", "sampling"): time_sampling(results, args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
