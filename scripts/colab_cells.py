"""Give every chapter an "Open in Colab" badge and a Colab setup cell, in step with settings.ini.

Each chapter notebook (nbs/NN_topic.ipynb) has, right after its title cell, a markdown cell with an
"Open in Colab" badge that opens that notebook from GitHub in Colab, and, as its first code cell, a
setup cell (hidden on the docs site) that installs the course when it runs in Colab and says how to
switch to a GPU runtime when there is none; everywhere, it calls `setup_notebook` (pixelrnn_course.cli):
TensorFlow imported without its start-up log lines, and the `#| slow` cells skipped with a one-line
note unless the learner sets `RUN_SLOW = True` in that cell.

    python scripts/colab_cells.py           # add or update the two cells in every chapter
    python scripts/colab_cells.py --check   # exit 1 if a chapter's cells are missing or stale,
                                            # and test the setup cell both outside and inside Colab (CI)
"""
import argparse, contextlib, hashlib, io, json, shlex, sys, time, types
from configparser import ConfigParser
from pathlib import Path
from unittest import mock

root = Path(__file__).resolve().parents[1]
badge_image = "https://colab.research.google.com/assets/colab-badge.svg"
setup_marker = "# Setup: in Google Colab"
old_setup_markers = ("# Setup for Google Colab",)   # what earlier versions wrote


def settings():
    config = ConfigParser(delimiters=["="])
    config.read(root / "settings.ini", encoding="utf-8")
    return config["DEFAULT"]


def chapters():
    return sorted((root / settings()["nbs_path"]).glob("[0-9][0-9]_*.ipynb"))


def notebooks():
    "The chapters and the home page: every one gets the setup cell, the chapters also the badge."
    return chapters() + [root / settings()["nbs_path"] / settings()["readme_nb"]]


def colab_url(notebook: Path) -> str:
    "The address that opens `notebook`, as committed on the settings' branch, in Colab."
    cfg = settings()
    github = cfg["git_url"].rstrip("/").removeprefix("https://github.com/")
    return f"https://colab.research.google.com/github/{github}/blob/{cfg['branch']}/{cfg['nbs_path']}/{notebook.name}"


def badge_source(notebook: Path) -> str:
    # HTML, as Colab itself writes it: a markdown image alone in a paragraph would become a
    # centred figure with a caption on the docs site
    return f'<a href="{colab_url(notebook)}" target="_parent"><img src="{badge_image}" alt="Open In Colab"/></a>'


def setup_source() -> str:
    "The setup cell: the course from GitHub plus the notebook tools of settings.ini's dev extra (not JupyterLab or the browser test's)."
    cfg = settings()
    tools = [req for req in shlex.split(cfg["dev_requirements"]) if not req.startswith(not_in_colab)]
    packages = " ".join(f'"{req}"' for req in [f"git+{cfg['git_url']}@{cfg['branch']}"] + tools)
    # IPython magics, so that nbdev's docs build (which runs cells with imports) leaves this cell alone
    return "\n".join(["#| hide",
                      f"{setup_marker}, install the course and check for a GPU. Everywhere, quiet TensorFlow's start-up",
                      "# and skip the cells flagged `#| slow` (minutes to hours on a CPU) with a note, unless RUN_SLOW.",
                      "RUN_SLOW = False",
                      "import sys",
                      'if "google.colab" in sys.modules:',
                      f"    %pip install -q {packages}",
                      f'    !nvidia-smi -L >/dev/null 2>&1 || echo "{no_gpu}"',
                      "from pixelrnn_course.cli import setup_notebook",
                      "setup_notebook(run_slow=RUN_SLOW)"])


not_in_colab = ("jupyterlab", "playwright")   # Colab is the notebook; the browser test runs in CI only


no_gpu = ("No GPU in this runtime: the quick cells run on its CPU. "
          "For a GPU, choose Runtime > Change runtime type > T4 GPU, then Runtime > Run all.")


def is_badge(cell): return cell["cell_type"] == "markdown" and badge_image in "".join(cell["source"])
def is_setup(cell):
    return cell["cell_type"] == "code" and any(marker in "".join(cell["source"]) for marker in (setup_marker,) + old_setup_markers)


def new_cell(kind, source, notebook, role):
    cell = {"cell_type": kind, "id": hashlib.sha1(f"{notebook.name} {role}".encode()).hexdigest()[:8],
            "metadata": {}, "source": source.splitlines(keepends=True)}
    if kind == "code": cell.update(execution_count=None, outputs=[])
    return cell


def updated(notebook: Path):
    "The notebook with its badge and setup cells added or brought up to date."
    nb = json.loads(notebook.read_text(encoding="utf-8"))
    cells = nb["cells"]
    roles = (("badge", "markdown", badge_source(notebook), is_badge), ("setup", "code", setup_source(), is_setup))
    for role, kind, source, is_it in roles if notebook in chapters() else roles[1:]:
        found = [cell for cell in cells if is_it(cell)]
        if found:
            found[0]["source"] = source.splitlines(keepends=True)
            continue
        # the badge goes right under the title; the setup cell before the first code cell
        at = 1 if role == "badge" else next(i for i, cell in enumerate(cells) if cell["cell_type"] == "code")
        cells.insert(at, new_cell(kind, source, notebook, role))
    return nb


def dump(nb): return json.dumps(nb, sort_keys=True, indent=1, ensure_ascii=False) + "\n"


class FakeShell:
    "Stands in for IPython's `get_ipython()`: records the magics and shell commands the setup cell runs."
    def __init__(self, has_gpu): self.has_gpu, self.magics, self.commands, self.setups = has_gpu, [], [], []
    def run_line_magic(self, name, line): self.magics.append(f"%{name} {line}")
    def system(self, command):
        self.commands.append(command)
        if not self.has_gpu: print(no_gpu)


def run_setup(in_colab: bool, has_gpu: bool = False):
    "Run the setup cell as IPython would, with or without a stand-in for Colab; return (shell, printed text)."
    from IPython.core.inputtransformer2 import TransformerManager
    code = TransformerManager().transform_cell(setup_source())
    shell, out = FakeShell(has_gpu), io.StringIO()
    cli = types.ModuleType("pixelrnn_course.cli")   # a stand-in: setup_notebook is tested in nbs/10_cli.ipynb
    cli.setup_notebook = lambda run_slow=False: shell.setups.append(run_slow)
    modules = {"pixelrnn_course.cli": cli}
    if in_colab: modules["google.colab"] = types.ModuleType("google.colab")
    with mock.patch.dict(sys.modules, modules), contextlib.redirect_stdout(out):
        if not in_colab: sys.modules.pop("google.colab", None)
        exec(compile(code, "<setup cell>", "exec"), {"get_ipython": lambda: shell})
    return shell, out.getvalue()


def test_setup_cell():
    "Outside Colab the setup cell only calls setup_notebook; in Colab it also installs the course and explains a missing GPU."
    start = time.perf_counter()
    shell, printed = run_setup(in_colab=False)
    assert (shell.magics, shell.commands, printed) == ([], [], ""), "outside Colab the setup cell must install nothing"
    assert shell.setups == [False], f"the setup cell must call setup_notebook(run_slow=RUN_SLOW) once, with RUN_SLOW = False: {shell.setups}"
    assert time.perf_counter() - start < 1, "outside Colab the setup cell must take no time but setup_notebook's"
    cfg = settings()
    shell, printed = run_setup(in_colab=True, has_gpu=False)
    assert len(shell.magics) == 1 and shell.magics[0].startswith("%pip install"), shell.magics
    assert f"git+{cfg['git_url']}@{cfg['branch']}" in shell.magics[0], shell.magics
    assert "Change runtime type" in printed, printed
    shell, printed = run_setup(in_colab=True, has_gpu=True)
    assert len(shell.commands) == 1 and printed == "", printed


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only check the chapters and test the setup cell")
    args = parser.parse_args()
    stale = [nb for nb in notebooks() if dump(updated(nb)) != nb.read_text(encoding="utf-8")]
    if args.check:
        test_setup_cell()
        if stale:
            print(f"Colab badge or setup cell missing or stale in {', '.join(nb.name for nb in stale)}. "
                  "Run `python scripts/colab_cells.py`, then `nbdev_clean`, and commit the result.")
            return 1
        print(f"All {len(chapters())} chapters have the Colab badge and setup cell, {notebooks()[-1].name} the setup cell; "
              "outside Colab the setup cell only calls setup_notebook.")
        return 0
    for nb in stale: nb.write_text(dump(updated(nb)), encoding="utf-8")
    print(f"Updated {len(stale)} of {len(notebooks())} notebooks.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
