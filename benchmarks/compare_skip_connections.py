"""Learnable skip connections from each layer to the output: do they help? A small measured comparison.

The paper (section 3.3) offers layer-to-output skip connections beside the residual connections and
finds the two together best on CIFAR-10 (a 12-layer Row LSTM). This script trains the same small
Row LSTM (4 layers, h = 8) with and without skip connections on the course's shipped MNIST sample
(the `quick` preset's data: 4,000 training digits, 500 validation digits), for two seeds each,
and reports the validation NLL in nats per image.

    python benchmarks/compare_skip_connections.py --save benchmarks/results/skip_connections.txt
"""
import argparse, os, tempfile, time
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
from result_log import ResultLog
from pixelrnn_course.training import train

def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--epochs", type=int, default=6)
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1])
    parser.add_argument("--save", help="also write the output to this file (a committed result file)")
    args = parser.parse_args()
    out = ResultLog(__file__)
    out(f"Row LSTM, 4 layers, h = 8, quick preset (shipped sample), {args.epochs} epochs, batch 32, RMSProp 1e-3")
    out(f"{'skip connections':>16s} {'seed':>4s} {'params':>7s} {'best valid NLL':>15s} {'last valid NLL':>15s} {'minutes':>8s}")
    results = {}
    with tempfile.TemporaryDirectory() as scratch:
        for skip_connections in (False, True):
            for seed in args.seeds:
                started = time.time()
                run = train("row_lstm", "quick", out_dir=os.path.join(scratch, f"{skip_connections}_{seed}"), seed=seed,
                            epochs=args.epochs, model_hparams=dict(hidden_channels=8, num_layers=4,
                                                                   skip_connections=skip_connections), verbose=False)
                results.setdefault(skip_connections, []).append(run.best_valid_nll)
                out(f"{str(skip_connections):>16s} {seed:>4d} {run.model.count_params():>7d} {run.best_valid_nll:>15.2f} "
                    f"{run.final_valid_nll:>15.2f} {(time.time() - started) / 60:>8.1f}")
    mean = {key: sum(values) / len(values) for key, values in results.items()}
    out(f"mean best validation NLL: without skips {mean[False]:.2f}, with skips {mean[True]:.2f} nats "
        f"(difference {mean[False] - mean[True]:+.2f} in favour of skips)")
    out.save(args.save)

if __name__ == "__main__":
    main()
