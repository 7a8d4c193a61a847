"""Find saved notebook outputs that change from run to run or machine to machine.

Temporary folders (`/tmp/tmpa1b2c3d4/...`, `tempfile.mkdtemp` names), ports of local test servers
(`http://127.0.0.1:36543/`) and home or work folders in a saved output make every rerun a diff and
tell the reader about the machine that ran it. Print relative names, or replace the folder by a
placeholder (`.replace(str(scratch), "SCRATCH")`).

    python scripts/check_saved_outputs.py            # every notebook in nbs/; exit 1 if any output has one
    python scripts/check_saved_outputs.py nbs/10_cli.ipynb
"""
import json, re, sys
from pathlib import Path

root = Path(__file__).resolve().parents[1]
unstable = re.compile(r"/tmp/\S+|\btmp[a-z0-9_]{8}\b|\b(?:127\.0\.0\.1|localhost):\d{4,5}\b|/(?:root|home/\w+|work)/\S+")


def output_text(output) -> str:
    "The text a saved output shows (streams, plain text, markdown, HTML, tracebacks), without images."
    data = output.get("data", {})
    parts = [output.get("text", "")] + [data.get(kind, "") for kind in ("text/plain", "text/markdown", "text/html")]
    parts += output.get("traceback", [])
    return "".join("".join(part) if isinstance(part, list) else part for part in parts)


def problems(notebook: Path) -> list:
    found = []
    for cell in json.loads(notebook.read_text(encoding="utf-8"))["cells"]:
        for output in cell.get("outputs", []):
            for match in sorted(set(unstable.findall(output_text(output)))):
                found.append(f"{notebook.name} cell {cell.get('id')}: {match[:100]}")
    return found


def main():
    notebooks = [Path(arg) for arg in sys.argv[1:]] or sorted((root / "nbs").glob("*.ipynb"))
    found = [problem for notebook in notebooks for problem in problems(notebook)]
    for problem in found: print(problem)
    print(f"{len(found)} machine- or run-specific names in the saved outputs of {len(notebooks)} notebooks")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
