"""What `clip_norm` does to RMSProp: the paper preset's clip at 1 against no clipping and larger clips.

The gradient of the mean NLL (nats per image) of a batch of 16 digits has a global norm in the
hundreds, so a clip at 1 rescales every step. RMSProp divides each gradient coordinate by a running
root-mean-square of that coordinate, so rescaling all gradients by one constant would change nothing;
what a clip at 1 changes is that every step's gradient is normalised to the same length. All runs
train the same PixelCNN (h = 16, 5 residual blocks, the `quick` preset's size) with RMSProp 1e-3
at a constant rate, batch 16, seed 0, on the shipped sample (4,000 training, 500 validation digits),
and report the gradient norms seen (logged every 25 steps, before clipping), the share of logged
steps the clip rescaled, and the validation NLL after each epoch.

    nice python benchmarks/clip_norm.py --save benchmarks/results/clip_norm.txt
"""
import argparse, os, tempfile, time
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
import numpy as np
from result_log import ResultLog
from pixelrnn_course.training import train, read_scalars

CLIPS = {"clip 1 (paper preset)": 1.0, "no clip": None, "clip 100": 100.0, "clip 1000": 1000.0}

def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--epochs", type=int, default=4)
    parser.add_argument("--save", help="also write the output to this file (a committed result file)")
    args = parser.parse_args()
    out = ResultLog(__file__)
    out(f"PixelCNN h = 16, 5 blocks, RMSProp 1e-3 constant, batch 16, shipped sample (4,000 train / 500 valid), "
        f"{args.epochs} epochs, seed 0")
    out(f"{'setting':24s} {'median grad norm':>16s} {'min':>7s} {'max':>8s} {'clipped':>8s}  valid NLL per epoch   minutes")
    with tempfile.TemporaryDirectory() as scratch:
        for index, (name, clip) in enumerate(CLIPS.items()):
            started = time.time()
            # the "cpu" preset, whose clip_norm is None (no clipping): in train, clip_norm=None means "the preset's"
            run = train("pixelcnn", "cpu", out_dir=os.path.join(scratch, str(index)), epochs=args.epochs, seed=0,
                        data="sample", model_hparams=dict(hidden_channels=16, num_residual_blocks=5),
                        batch_size=16, optimizer="rmsprop", lr_schedule="constant", learning_rate=1e-3,
                        clip_norm=clip, log_every=25, epoch_samples=0, verbose=False)
            norms = np.array([value for _, value in read_scalars(os.path.join(run.out_dir, "tensorboard"))["train/grad_norm"]])
            clipped = float((norms > clip).mean()) if clip else 0.0
            valid = " ".join(f"{record['valid_nll']:.2f}" for record in run.history)
            out(f"{name:24s} {np.median(norms):>16.1f} {norms.min():>7.1f} {norms.max():>8.1f} {clipped:>8.0%}  {valid}   "
                f"{(time.time() - started) / 60:.1f}")
    out.save(args.save)

if __name__ == "__main__":
    main()
