"""Does a PixelCNN train as well in mixed bfloat16 as in float32? The same runs, side by side, in each precision.

Each run trains the PixelCNN of the `cpu` training run (h = 32, 10 residual blocks; Adam 1e-3 with a
cosine decay, batch 16) on the course's shipped MNIST sample (4,000 training digits) for the same
number of epochs, once in float32 and once in mixed bfloat16 (bfloat16 activations, float32 weights
and optimiser), for each seed. It reports each run's best validation NLL (500 digits), measured in
float32 on the float32 copy the trainer saves (`best.keras`), so that only the training differs.
Speed is not measured here: `bench_pixelcnn_sizes.py` measures it side by side.

    python benchmarks/compare_precision.py --save benchmarks/results/precision.txt
"""
import argparse, os, tempfile
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
from result_log import ResultLog
from pixelrnn_course.training import train, evaluate_images, load_trained_model, mnist_sample_splits

SIZE = dict(hidden_channels=32, num_residual_blocks=10)
RECIPE = dict(optimizer="adam", lr_schedule="cosine", learning_rate=1e-3, batch_size=16, clip_norm=None)
PRECISIONS = {"float32": "float32", "mixed bfloat16": "bfloat16"}

def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--epochs", type=int, default=8, help="epochs of each run (default: 8)")
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1], help="seeds of the runs (default: 0 1)")
    parser.add_argument("--train-subset", type=int, default=None, help="train on the first N digits only (a smoke test)")
    parser.add_argument("--save", help="also write the output to this file (a committed result file)")
    args = parser.parse_args()
    out = ResultLog(__file__)
    valid = mnist_sample_splits()["valid"]
    out(f"PixelCNN h = 32, 10 blocks; Adam 1e-3, cosine decay, batch 16; shipped sample "
        f"({args.train_subset or 4000} train / {len(valid)} valid), {args.epochs} epochs")
    out(f"{'seed':>4s} " + " ".join(f"{name + ' valid NLL':>24s}" for name in PRECISIONS) + f" {'difference':>11s}")
    differences = []
    with tempfile.TemporaryDirectory() as scratch:
        for seed in args.seeds:
            nlls = []
            for name, precision in PRECISIONS.items():
                run = train("pixelcnn", "quick", out_dir=os.path.join(scratch, f"{precision}_{seed}"), epochs=args.epochs,
                            seed=seed, model_hparams=SIZE, mixed_precision=precision, train_subset=args.train_subset,
                            epoch_samples=0, verbose=False, **RECIPE)
                nlls.append(evaluate_images(load_trained_model(run.best_path), valid, split="sample valid").nll_nats)
            differences.append(nlls[1] - nlls[0])
            out(f"{seed:>4d} " + " ".join(f"{nll:>24.2f}" for nll in nlls) + f" {differences[-1]:>+11.2f}")
    out(f"mean difference (bfloat16 minus float32): {sum(differences) / len(differences):+.2f} nats")
    out.save(args.save)

if __name__ == "__main__":
    main()
