"""Check the `pixelrnn-course train` and `ship` commands quoted in the repository's prose.

Every such command that names a committed run (`--out training_runs/RUN`, `--run training_runs/RUN`)
must name a folder that exists, and a train command must be one that `--resume` accepts for that run:
the same model, preset, model arguments, batch size, data, training set and precision as its
config.json (only --epochs and --learning-rate may differ: they start a new schedule). The check uses
the library's own argument parser, the CLI's own mapping of options to `train` (`train_arguments`) and
`train`'s own settings check (`run_settings`), so it fails exactly where the command would.
A path part written in capitals (training_runs/RUN) is a placeholder, and a command with `...` in it
is elided: both are skipped. In a notebook only the markdown cells are read (the prose a reader
copies commands from).

    python scripts/check_run_commands.py [FILE ...]   # default: the two READMEs and every notebook in nbs/

Exit status 1, with one line per bad command, if any command fails. First it checks itself: the first
good train command of training_runs/README.md, changed in each way of MUST_FAIL, must be reported.
"""
import json, re, shlex, sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_FILES = ["training_runs/README.md", "README.md"] + sorted(str(path.relative_to(ROOT)) for path in (ROOT / "nbs").glob("*.ipynb"))
COMMAND = re.compile(r"pixelrnn-course (?:train|ship) --[^`\n|\\\"]*")


def commands_in(text):
    "Each `pixelrnn-course train|ship ...` command in `text`, cut at a backtick, a table bar, a line end or ' then '."
    for match in COMMAND.finditer(text):
        command = match.group(0).split(" then ")[0].strip()
        if " ... " not in f"{command} ": yield command


def prose_of(path):
    "The text a reader copies commands from: a notebook's markdown cells, or the whole of any other file."
    text = path.read_text()
    if path.suffix != ".ipynb": return text
    return "\n\n".join("".join(cell["source"]) for cell in json.loads(text)["cells"] if cell["cell_type"] == "markdown")


def run_folder(args):
    "The committed run a parsed command names (None when it names none, or a placeholder)."
    path = getattr(args, "out", None) if args.command == "train" else getattr(args, "run", None)
    if path is None: return None
    path = Path(path)
    if not path.parts or path.parts[0] != "training_runs": return None
    if any(part.isupper() for part in path.parts): return None
    return path


def problem_with(command, parser):
    "Why `command` would fail for its committed run, or None."
    from pixelrnn_course.cli import train_arguments
    from pixelrnn_course.training import SETTING_NAMES, run_settings
    try: args = parser.parse_args(shlex.split(command, comments=True)[1:])
    except (SystemExit, ValueError): return "the command line does not parse (pixelrnn-course --help says what it takes)"
    folder = run_folder(args)
    if folder is None: return None
    if not (ROOT / folder / "config.json").is_file():
        return f"{folder} is not a committed run (no {folder}/config.json)"
    if args.command != "train": return None
    args.out, args.resume = ROOT / folder, True          # what `--resume` would do with this command, from any directory
    arguments = train_arguments(args)                    # the same call to train that the command makes
    try: run_settings(arguments["out_dir"], True, arguments["model_name"], arguments["preset"], arguments["mixed_precision"],
                      **{name: arguments[name] for name in SETTING_NAMES})
    except ValueError as error: return str(error)
    return None


# Changes that `--resume` must refuse, appended to a good command (the last occurrence of an option wins).
MUST_FAIL = ("--batch-size 7", "--model-arg hidden_channels=3", "--seed 12345", "--data mnist", "--fit-on train+valid")


def check_can_fail(command, parser):
    "The changes in MUST_FAIL that `problem_with` lets through for a good train command (it must let none)."
    return [change for change in MUST_FAIL if problem_with(f"{command} {change}", parser) is None]


def main(files):
    sys.path.insert(0, str(ROOT))
    from pixelrnn_course.cli import build_parser
    parser = build_parser()
    good_train = next((command for command in commands_in(prose_of(ROOT / DEFAULT_FILES[0]))
                       if " train " in command and "--fit-on train+valid" not in command and problem_with(command, parser) is None
                       and run_folder(parser.parse_args(shlex.split(command)[1:])) is not None), None)
    missed = ["no good train command to change"] if good_train is None else check_can_fail(good_train, parser)
    if missed:
        print(f"this check cannot fail as it should: `{good_train}` with {missed} was not reported")
        return 1
    checked, bad = 0, []
    for name in files:
        text = prose_of(ROOT / name)
        for command in commands_in(text):
            checked += 1
            problem = problem_with(command, parser)
            if problem: bad.append(f"{name}: `{command}`: {problem}")
    for line in bad: print(line)
    print(f"{checked} quoted pixelrnn-course train/ship commands checked, {len(bad)} bad")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:] or DEFAULT_FILES))
