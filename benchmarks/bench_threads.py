"""One training process with every core, or one single-threaded process per core?

The recurrent models train at batch 16 (the paper's), where one step is many small ops: a second
thread has little to split. This measures, side by side in one run, the course's train step
(`pixelrnn_course.training.make_train_step`, Adam, NLL in nats) of each model in three set-ups:

- `1 process x 2 threads`: TensorFlow's default on this 2-core machine, what `train` does alone;
- `1 process x 1 thread`: one process pinned to core 0, the other core idle;
- `2 processes x 1 thread`: two such processes, pinned to cores 0 and 1, stepping at the same time
  (two runs trained side by side); their images/s are added.

Each set-up lives in its own worker processes (thread counts are fixed when TensorFlow starts), built
and warmed up once. Then the set-ups are timed in interleaved rounds, so that a change in the
machine's load hits all alike; the best round of each counts. Run it on an otherwise idle machine.

    python benchmarks/bench_threads.py --save benchmarks/results/threads.txt
"""
import argparse, json, os, subprocess, sys, time
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
from result_log import ResultLog

MODELS = {"row_lstm 7x16": ("row_lstm", dict(hidden_channels=16, num_layers=7)),
          "diagonal_bilstm 7x16": ("diagonal_bilstm", dict(hidden_channels=16, num_layers=7)),
          "diagonal_bilstm 1x32": ("diagonal_bilstm", dict(hidden_channels=32, num_layers=1))}

def worker(model_key:str, threads:int, core:int, batch_size:int):
    "Build, warm up, then answer each line `N` on stdin with the seconds that N train steps took."
    if core >= 0: os.sched_setaffinity(0, {core})
    import numpy as np
    import tensorflow as tf
    tf.config.threading.set_intra_op_parallelism_threads(threads)
    tf.config.threading.set_inter_op_parallelism_threads(threads)
    from pixelrnn_course.gpu import build_training_model
    from pixelrnn_course.training import make_optimizer, make_train_step
    name, hparams = MODELS[model_key]
    model = build_training_model(name, 28, 28, hparams, "float32")
    step = make_train_step(model, make_optimizer(1e-3, "adam"), clip_norm=None)
    images = tf.constant((np.random.default_rng(0).random((batch_size, 28, 28, 1)) < 0.2).astype("float32"))
    for _ in range(3): step(images)["nll"].numpy()            # trace and warm up
    print("ready", flush=True)
    for line in sys.stdin:
        started = time.perf_counter()
        for _ in range(int(line)): result = step(images)
        result["nll"].numpy()
        print(json.dumps(time.perf_counter() - started), flush=True)

def start_worker(model_key, threads, core, batch_size):
    process = subprocess.Popen([sys.executable, __file__, "--worker", model_key, str(threads), str(core), str(batch_size)],
                               stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    return process

def wait_ready(process):
    line = process.stdout.readline().strip()
    if line != "ready": raise RuntimeError(f"a benchmark worker failed to start (it said {line!r}); run it alone to see why")

def timed(processes, steps):
    "Start `steps` steps in every process at once; the seconds each took."
    for process in processes: process.stdin.write(f"{steps}\n"); process.stdin.flush()
    return [json.loads(process.stdout.readline()) for process in processes]

def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--worker", nargs=4, help=argparse.SUPPRESS)
    parser.add_argument("--models", nargs="+", default=list(MODELS), choices=list(MODELS), metavar="MODEL",
                        help=f"models to time (default: all of {', '.join(MODELS)})")
    parser.add_argument("--batch-size", type=int, default=16)
    parser.add_argument("--steps", type=int, default=20, help="train steps per timed round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--save", help="also write the table to this file")
    args = parser.parse_args()
    if args.worker:
        model_key, threads, core, batch_size = args.worker
        return worker(model_key, int(threads), int(core), int(batch_size))
    if len(os.sched_getaffinity(0)) < 2: sys.exit("This benchmark compares one and two cores: run it on a machine with at least 2.")
    from pixelrnn_course.gpu import describe_hardware
    out = ResultLog(__file__)
    out(f"{describe_hardware()}; batch {args.batch_size}, float32, best of {args.rounds} interleaved rounds of {args.steps} steps")
    out(f"{'model':22s} {'set-up':24s} {'s/step':>7s} {'images/s':>9s} {'vs 1x2 threads':>15s}")
    for model_key in args.models:
        two_threads = start_worker(model_key, 2, -1, args.batch_size)
        core0, core1 = start_worker(model_key, 1, 0, args.batch_size), start_worker(model_key, 1, 1, args.batch_size)
        for process in (two_threads, core0, core1): wait_ready(process)
        best = {"1 process x 2 threads": float("inf"), "1 process x 1 thread": float("inf"), "2 processes x 1 thread": float("inf")}
        for _ in range(args.rounds):
            best["1 process x 2 threads"] = min(best["1 process x 2 threads"], timed([two_threads], args.steps)[0])
            best["1 process x 1 thread"] = min(best["1 process x 1 thread"], timed([core0], args.steps)[0])
            best["2 processes x 1 thread"] = min(best["2 processes x 1 thread"], max(timed([core0, core1], args.steps)))
        for process in (two_threads, core0, core1): process.stdin.close(); process.wait()
        base = args.batch_size * args.steps / best["1 process x 2 threads"]
        for setup, seconds in best.items():
            processes = 2 if setup.startswith("2") else 1
            images_per_second = processes * args.batch_size * args.steps / seconds   # the slower of two processes counts
            out(f"{model_key:22s} {setup:24s} {seconds / args.steps:>7.3f} {images_per_second:>9.1f} {images_per_second / base:>14.2f}x")
    out("(s/step: one process's time per step; images/s: all processes together; 2 processes: the slower one's time counts)")
    out.save(args.save)

if __name__ == "__main__": main()
