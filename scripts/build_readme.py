"""Write README.md from nbs/index.ipynb, as `nbdev_readme` would where Quarto is installed.

Quarto cannot be installed on every machine (PyPI's quarto-cli downloads its binary at build time), so
this script keeps the README in step with the course home page without it: markdown cells are copied,
hidden cells are dropped, and figure outputs of visible cells are saved as PNGs under nbs/images/.

    python scripts/build_readme.py           # rewrite README.md
    python scripts/build_readme.py --check   # exit 1 if README.md is out of date (CI runs this)
"""
import argparse, base64, json, re, sys
from configparser import ConfigParser
from pathlib import Path

root = Path(__file__).resolve().parents[1]
header = "<!-- Generated from nbs/index.ipynb by scripts/build_readme.py; edit the notebook, not this file. -->\n\n"


def directives(source):
    "The nbdev `#| name` directives at the top of a code cell."
    found = {}
    for line in source.splitlines():
        if not line.startswith("#|"): break
        name, _, value = line[2:].strip().partition(" ")
        found[name.rstrip(":")] = value.strip()
    return found


def docs_url():
    "The docs site's address, from settings.ini."
    config = ConfigParser(delimiters=["="])
    config.read(root / "settings.ini", encoding="utf-8")
    return config["DEFAULT"]["doc_host"].rstrip("/") + config["DEFAULT"]["doc_baseurl"].rstrip("/")


def render(notebook_path):
    "README text and {relative image path: PNG bytes}."
    notebook = json.loads(notebook_path.read_text())
    site = docs_url()
    parts, images = [header], {}
    for index, cell in enumerate(notebook["cells"]):
        source = "".join(cell["source"])
        if cell["cell_type"] == "markdown":
            # links between chapters are relative on the docs site; on GitHub they point at the site
            parts.append(re.sub(r"\]\(([\w-]+\.html(?:#[\w-]*)?)\)", rf"]({site}/\1)", source.strip()) + "\n\n")
            continue
        flags = directives(source)
        if "hide" in flags or "include" in flags and flags["include"] == "false": continue
        if not ("echo" in flags and flags["echo"] == "false"):
            code = "\n".join(line for line in source.splitlines() if not line.startswith("#|"))
            parts.append(f"```python\n{code.strip()}\n```\n\n")
        for output in cell.get("outputs", []):
            png = output.get("data", {}).get("image/png")
            if png:
                name = f"nbs/images/index_cell{index}.png"
                images[name] = base64.b64decode(png)
                parts.append(f"![]({name})\n\n")
    return "".join(parts).rstrip() + "\n", images


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only check that README.md is up to date")
    args = parser.parse_args()
    text, images = render(root / "nbs" / "index.ipynb")
    readme = root / "README.md"
    stale = [name for name, data in images.items() if not (root / name).exists() or (root / name).read_bytes() != data]
    if readme.read_text() != text: stale.append("README.md")
    if args.check:
        if stale:
            print(f"Out of date: {', '.join(stale)}. Run `python scripts/build_readme.py` and commit the result.")
            return 1
        print("README.md is up to date with nbs/index.ipynb.")
        return 0
    for name, data in images.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(data)
    readme.write_text(text)
    print(f"Wrote README.md and {len(images)} image(s).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
