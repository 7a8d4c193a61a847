"""Check the docs site that `nbdev_docs` built in _docs/, as a reader would meet it.

    python scripts/check_site.py     # exit 1 and list the problems, if any (CI runs this after nbdev_docs)

- every notebook in nbs/ has its page;
- every relative link and image (href, src) resolves to a file of the site, and every #anchor to an
  id on its page; so do links to the published site's own address (nbdev writes doc links that way);
- no API signature shows raw markdown (a parameter comment with a backticked name becomes
  "[`name`](https://...)" text inside the signature block), and every docstring line under a
  signature is one italic run (a `*` in a docstring ends the italics early);
- every chapter page links its notebook on GitHub in Colab, and has previous/next links;
- README.md (nbdev_readme's rendering of index.ipynb) shows on GitHub as on the site: its links
  are absolute or name files of the repository, and every file in index_files/ is one it shows.
"""
import re, sys
from configparser import ConfigParser
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urldefrag, urlsplit

root = Path(__file__).resolve().parents[1]


class Page(HTMLParser):
    "The ids, links, signature blocks and docstring paragraphs of one HTML page."
    def __init__(self, text):
        super().__init__(convert_charrefs=True)
        self.ids, self.links, self.signatures, self.navigation = set(), [], [], []
        self._stack, self._code, self._in_nav = [], None, 0
        self.feed(text)
        # a signature block is a code block that is not a notebook cell's code (`cell-code`), starting `def` or `class`
        self.signatures = [code for code in self.signatures if re.match(r"\s*(def|class|async def) ", code)]
        blocks = re.findall(r'<div class="sourceCode" id="cb\d+"><pre[^>]*><code[^>]*>(.*?)</code></pre></div>'
                            r'(?:<button[^>]*>.*?</button>)?(?:</div>)?\s*(<p>.*?</p>)?', text, re.S)
        self.docstrings = [(re.sub("<[^>]+>", "", code).split("\n")[0], para) for code, para in blocks
                           if re.match(r"\s*(def|class|async def) ", re.sub("<[^>]+>", "", code)) and para]

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("id"): self.ids.add(attrs["id"])
        for name in ("href", "src"):
            if attrs.get(name): self.links.append((tag, attrs[name]))
        if tag == "nav" and "page-navigation" in (attrs.get("class") or ""): self._in_nav += 1
        if self._in_nav and tag == "a" and attrs.get("href"): self.navigation.append(attrs["href"])
        if tag == "div": self._stack.append(attrs.get("class") or "")
        if tag == "code" and self._stack and self._stack[-1].split()[:1] == ["sourceCode"] and "cell-code" not in self._stack[-1]:
            self._code = []

    def handle_endtag(self, tag):
        if tag == "div" and self._stack: self._stack.pop()
        if tag == "nav" and self._in_nav: self._in_nav -= 1
        if tag == "code" and self._code is not None:
            self.signatures.append("".join(self._code))
            self._code = None

    def handle_data(self, data):
        if self._code is not None: self._code.append(data)


def settings():
    config = ConfigParser(delimiters=["="])
    config.read(root / "settings.ini", encoding="utf-8")
    return config["DEFAULT"]


def page_name(notebook: Path) -> str:
    "nbdev publishes nbs/00_data.ipynb as data.html."
    return re.sub(r"^\d+_", "", notebook.stem) + ".html"


def check(site: Path):
    cfg = settings()
    nbs = root / cfg["nbs_path"]
    site_url = cfg["doc_host"].rstrip("/") + cfg["doc_baseurl"].rstrip("/") + "/"
    github = cfg["git_url"].rstrip("/").removeprefix("https://github.com/")
    notebooks = sorted(p for p in nbs.glob("*.ipynb"))
    problems = []
    if not site.is_dir(): return [f"{site} does not exist: run nbdev_docs first"]
    pages = {path: Page(path.read_text(encoding="utf-8")) for path in site.rglob("*.html") if "site_libs" not in path.parts}
    for notebook in notebooks:
        if site / page_name(notebook) not in pages: problems.append(f"missing page {page_name(notebook)} for {notebook.name}")

    for path, page in pages.items():
        where = path.relative_to(site)
        for tag, link in page.links:
            if link.startswith(site_url): link = link[len(site_url):]      # a doc link to this very site
            elif urlsplit(link).scheme or link.startswith("//"): continue  # another site: not checked here
            target, anchor = urldefrag(link)
            target_path = (path.parent / unquote(target)).resolve() if target else path
            if target_path.is_dir(): target_path = target_path / "index.html"
            if not target_path.exists():
                problems.append(f"{where}: broken link <{tag} ... {link}> (no file {target_path.relative_to(site.resolve()) if target_path.is_relative_to(site.resolve()) else target_path})")
            elif anchor and target_path.suffix == ".html":
                target_page = pages.get(target_path) or Page(target_path.read_text(encoding="utf-8"))
                if unquote(anchor) not in target_page.ids: problems.append(f"{where}: broken anchor {link}")
        for signature in page.signatures:
            comments = [line.split("#", 1)[1] for line in signature.splitlines() if "#" in line]
            if re.search(r"\[`[^`]*`\]\(", signature) or any("`" in comment for comment in comments):
                problems.append(f"{where}: raw markdown in the signature of {signature.split('(')[0].strip()}: "
                                f"write parameter comments without backticks")
        for first_line, para in page.docstrings:
            if not (para.startswith("<p><em>") and para.endswith("</em></p>") and para.count("<em>") == 1):
                problems.append(f"{where}: the docstring under {first_line.strip()} is not one italic line "
                                f"(a '*' in it? put the formula in backticks): {re.sub('<[^>]+>', '', para)[:80]}")

    chapters = [nb for nb in notebooks if re.match(r"\d+_", nb.name)]
    order = [nb for nb in notebooks if not re.match(r"\d+_", nb.name)] + chapters
    for notebook in chapters:
        page = pages.get(site / page_name(notebook))
        if page is None: continue
        colab = f"https://colab.research.google.com/github/{github}/blob/{cfg['branch']}/{cfg['nbs_path']}/{notebook.name}"
        if not any(link == colab for _, link in page.links):
            problems.append(f"{page_name(notebook)}: no Open in Colab link to {colab}")
        index = order.index(notebook)
        expected = [page_name(order[index - 1])] + ([page_name(order[index + 1])] if index + 1 < len(order) else [])
        for name in expected:
            if not any(urldefrag(href)[0].removeprefix("./") == name for href in page.navigation):
                problems.append(f"{page_name(notebook)}: no previous/next link to {name} at the foot of the page")
    problems += check_readme()
    return problems


def check_readme():
    "README.md's relative links and images exist in the repository; index_files/ holds only what it shows."
    readme = (root / "README.md").read_text(encoding="utf-8")
    targets = re.findall(r"\]\(([^)\s]+)\)", readme) + re.findall(r'<img[^>]* src="([^"]+)"', readme)
    relative = [urldefrag(t)[0] for t in targets if not urlsplit(t).scheme and not t.startswith(("#", "//"))]
    problems = [f"README.md: {t} does not exist in the repository (GitHub would show a broken link or image)"
                for t in relative if t and not (root / unquote(t)).exists()]
    shown = {(root / unquote(t)).resolve() for t in relative if t}
    problems += [f"index_files/{p.relative_to(root / 'index_files')} is not shown by README.md: delete it"
                 for p in sorted((root / "index_files").rglob("*")) if p.is_file() and p.resolve() not in shown]
    return problems


def main():
    site = root / settings().get("doc_path", "_docs")
    problems = check(site)
    for problem in problems: print(problem)
    if problems:
        print(f"{len(problems)} problem(s) in the docs site in {site.name}/")
        return 1
    print(f"Docs site OK: {len(list(site.rglob('*.html')))} pages; links, anchors, signatures, Colab and previous/next links checked.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
