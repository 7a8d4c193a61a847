"""What a bigger PixelCNN would cost to train on this CPU: images/s of the training step by width and precision.

The first PixelCNN run (h=32, 10 residual blocks of 3x3) could not reach the course's 84.0 nats: at
the end of its 40 epochs even its train NLL was above that (`training_runs/pixelcnn/metrics.jsonl`), so
a bigger one seemed needed, at a price. This times that run's training step (`make_train_step`, Adam,
batch 16, as in the `cpu` preset) for several widths, in float32 and in mixed bfloat16
(`pixelrnn_course.gpu.build_training_model`), side by side in one process with alternating rounds,
and prints what 40 epochs of the 50,000 training images would take at each rate. Run it on one
core, as the training runs are (`taskset -c 1`), with nothing else on that core.

    taskset -c 1 python benchmarks/bench_pixelcnn_sizes.py --save benchmarks/results/pixelcnn_sizes.txt
    python benchmarks/bench_pixelcnn_sizes.py --widths 32,64 --precisions float32 --steps 20

The recurrent models are timed the same way with `--model` (`--blocks` is then their number of layers):

    python benchmarks/bench_pixelcnn_sizes.py --model row_lstm --blocks 7 --widths 16,24,32 --steps 20 --save benchmarks/results/row_lstm_sizes.txt
"""
import argparse, os
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
import numpy as np
import tensorflow as tf
import keras

from pixelrnn_course.gpu import build_training_model, describe_hardware
from pixelrnn_course.training import make_optimizer, make_train_step
from result_log import ResultLog
from timing import best_seconds_per_call


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", default="pixelcnn", choices=["pixelcnn", "row_lstm", "diagonal_bilstm"])
    parser.add_argument("--widths", default="32,48,64", help="comma-separated h values (the first PixelCNN run has 32)")
    parser.add_argument("--blocks", type=int, default=10,
                        help="residual blocks of the PixelCNN (the first run has 10), or layers of a recurrent model")
    parser.add_argument("--precisions", default="float32,mixed_bfloat16", help="comma-separated Keras dtype policies")
    parser.add_argument("--batch-size", type=int, default=16)
    parser.add_argument("--steps", type=int, default=40, help="timed steps per configuration and round")
    parser.add_argument("--rounds", type=int, default=2, help="alternating rounds; the best round counts")
    parser.add_argument("--save", help="also write the printed lines to this result file")
    args = parser.parse_args()
    log = ResultLog(__file__)
    widths = [int(width) for width in args.widths.split(",")]
    precisions = args.precisions.split(",")
    images = tf.constant((np.random.default_rng(0).uniform(size=(args.batch_size, 28, 28, 1)) < 0.2).astype("float32"))
    depth_argument, depth_name = ("num_residual_blocks", "residual blocks") if args.model == "pixelcnn" else ("num_layers", "layers")
    steps, parameters = {}, {}
    for width in widths:
        for precision in precisions:
            keras.utils.set_random_seed(0)
            model = build_training_model(args.model, 28, 28, {"hidden_channels": width, depth_argument: args.blocks}, precision)
            steps[width, precision], parameters[width] = make_train_step(model, make_optimizer(1e-3)), model.count_params()
            for _ in range(3): steps[width, precision](images)["nll"].numpy()   # trace and warm up
    seconds = best_seconds_per_call({key: lambda step=step: step(images)["nll"] for key, step in steps.items()},
                                    args.steps, args.rounds)   # alternating rounds: all see the same machine state
    best = {key: args.batch_size / seconds_per_step for key, seconds_per_step in seconds.items()}
    log(f"{args.model}, {args.blocks} {depth_name}, Adam, batch {args.batch_size}; {describe_hardware()}; "
        f"{len(os.sched_getaffinity(0))} core(s) available to this process; TF {tf.__version__}")
    reference = best[widths[0], precisions[0]]
    for (width, precision), rate in best.items():
        hours = 40 * 50_000 / rate / 3600
        log(f"  h={width:<3d} {parameters[width]:>8,d} parameters  {precision:15s} {rate:7.1f} training images/s "
            f"({rate / reference:.2f}x h={widths[0]} {precisions[0]}); 40 epochs: {hours:.1f} h of training steps")
    log.save(args.save)


if __name__ == "__main__":
    raise SystemExit(main())
