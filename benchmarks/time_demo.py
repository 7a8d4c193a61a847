"""Wall time of `pixelrnn-course demo` as a new user runs it: a fresh process, an empty cache, no data.

    python benchmarks/time_demo.py --save benchmarks/results/demo.txt

Runs the demo `--repeats` times, each in a new process whose HOME, cache and data directory are empty
temporary folders (so nothing downloaded or compiled earlier can help; the demo needs no network), and
records the machine, the wall time of each run, the machine's load average before it, and the demo's
own output.
"""
import argparse, os, subprocess, sys, tempfile, time
from pathlib import Path

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from result_log import ResultLog


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=2, help="demo runs, each in a fresh process (default: 2)")
    parser.add_argument("--save", help="result file to write, e.g. benchmarks/results/demo.txt")
    args = parser.parse_args()
    log = ResultLog(__file__)
    from pixelrnn_course.gpu import describe_hardware
    log(f"machine: {describe_hardware()}")
    for repeat in range(1, args.repeats + 1):
        with tempfile.TemporaryDirectory() as home:
            environment = {key: value for key, value in os.environ.items()
                           if key not in ("PIXELRNN_COURSE_DATA", "TF_CPP_MIN_LOG_LEVEL", "XDG_CACHE_HOME")}
            environment.update(HOME=home, XDG_CACHE_HOME=str(Path(home) / "cache"),
                               PIXELRNN_COURSE_DATA=str(Path(home) / "no_data"), KERAS_HOME=str(Path(home) / "keras"))
            load = os.getloadavg()[0]
            started = time.perf_counter()
            completed = subprocess.run(["pixelrnn-course", "demo", "--out", str(Path(home) / "demo")],
                                       capture_output=True, text=True, env=environment, cwd=home)
            seconds = time.perf_counter() - started
            pictures = sorted(path.name for path in (Path(home) / "demo").glob("*.png"))
        if completed.returncode != 0:
            log(f"run {repeat}: FAILED (exit {completed.returncode})\n{completed.stderr[-2000:]}")
            break
        log(f"run {repeat}: {seconds:.1f} s wall time (load average before it: {load:.2f}), {len(pictures)} pictures, "
            f"stderr {'empty' if not completed.stderr else repr(completed.stderr[-300:])}")
        if repeat == 1: log(completed.stdout.rstrip())
    log.save(args.save)


if __name__ == "__main__":
    main()
