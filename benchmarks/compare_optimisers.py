"""The paper's optimiser (RMSProp at a constant rate, batch 16) against Adam and a cosine decay, at batch 16 and 64.

All train the same PixelCNN (h = 16, 5 residual blocks, the `quick` preset's size) for the same
number of epochs on the course's shipped MNIST sample (4,000 training digits, 500 validation
digits) and report the best validation NLL, in nats per image, and the training minutes.

    python benchmarks/compare_optimisers.py --save benchmarks/results/optimisers.txt
"""
import argparse, os, tempfile, time
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
from result_log import ResultLog
from pixelrnn_course.training import train

RECIPES = {"RMSProp 1e-3, constant, batch 16, clip 1 (paper)": dict(optimizer="rmsprop", lr_schedule="constant",
                                                                    learning_rate=1e-3, batch_size=16, clip_norm=1.0),
           "Adam 2e-3, cosine decay, batch 64, no clip": dict(optimizer="adam", lr_schedule="cosine",
                                                                           learning_rate=2e-3, batch_size=64, clip_norm=None),
           "Adam 1e-3, cosine decay, batch 16, no clip (cpu preset)": dict(optimizer="adam", lr_schedule="cosine",
                                                              learning_rate=1e-3, batch_size=16, clip_norm=None),
           "RMSProp 1e-3, cosine decay, batch 16, clip 1": dict(optimizer="rmsprop", lr_schedule="cosine",
                                                                learning_rate=1e-3, batch_size=16, clip_norm=1.0)}

def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--epochs", type=int, default=8)
    parser.add_argument("--save", help="also write the output to this file (a committed result file)")
    args = parser.parse_args()
    out = ResultLog(__file__)
    out(f"PixelCNN h = 16, 5 blocks, shipped sample (4,000 train / 500 valid), {args.epochs} epochs, seed 0")
    out(f"{'recipe':58s} {'best valid NLL':>15s} {'minutes':>8s}")
    with tempfile.TemporaryDirectory() as scratch:
        for index, (recipe, settings) in enumerate(RECIPES.items()):
            started = time.time()
            run = train("pixelcnn", "quick", out_dir=os.path.join(scratch, str(index)), epochs=args.epochs, seed=0,
                        verbose=False, **settings)
            out(f"{recipe:58s} {run.best_valid_nll:>15.2f} {(time.time() - started) / 60:>8.1f}")
    out.save(args.save)

if __name__ == "__main__":
    main()
