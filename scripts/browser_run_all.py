"""Run the chapters as a learner does: open each notebook in JupyterLab 4 in headless Chromium, Run All, check the page.

Starts JupyterLab on 127.0.0.1 (a random port and token, autosave off, so the notebooks on disk are
left as they are) with the environment a learner has: no TF_CPP_MIN_LOG_LEVEL, MPLBACKEND,
PIXELRNN_COURSE_DATA or PIXELRNN_COURSE_SLOW. Then, for every notebook in nbs/ (or those named),
opens it in a fresh workspace, clicks Run > Run All Cells, waits for the kernel, and fails when:

- a dialog shows up (a "Select Kernel" dialog: the notebook has no usable kernelspec);
- Run All stops early or a cell shows an error;
- a cell writes to stderr (red text in JupyterLab: log lines, warnings);
- a figure comes out as text (`<Figure size 800x188 with 20 Axes>`), twice, or as an image that does not load;
- a widget does not render, or does not answer a click on its first button with a new picture.

Needs the Python package `playwright` (in the dev extra) and a Chromium: Debian's `chromium`
(`apt-get install -y chromium`; `playwright install` is not needed). Writes screenshots of the first
figures and of each widget to --screenshots, and prints one line per notebook and a summary:

    python scripts/browser_run_all.py                         # every notebook in nbs/
    python scripts/browser_run_all.py nbs/08_sampling.ipynb   # one
    python scripts/browser_run_all.py --failed-list failed.txt --screenshots shots/
    PIXELRNN_COURSE_DATA=/path/to/data python scripts/browser_run_all.py --slow nbs/08_sampling.ipynb   # opted in

Exit status: 0 when every notebook passes, 1 otherwise (2: could not start JupyterLab or Chromium).
"""
import argparse, json, os, secrets, shutil, socket, subprocess, sys, tempfile, time, urllib.request
from pathlib import Path

root = Path(__file__).resolve().parents[1]
learner_unset = ("TF_CPP_MIN_LOG_LEVEL", "MPLBACKEND", "PIXELRNN_COURSE_DATA", "PIXELRNN_COURSE_SLOW")
settings = {  # JupyterLab user settings for the test: no autosave, every cell in the DOM, no news pop-ups
    "@jupyterlab/docmanager-extension/plugin.jupyterlab-settings": {"autosave": False},
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {"fetchNews": "false", "checkForUpdates": False},
}
figure_as_text = "Figure size "


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_lab(workdir: Path, log, slow=False):
    "JupyterLab serving the repository on 127.0.0.1; returns (process, base url, token)."
    for name, values in settings.items():
        path = workdir / "settings" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values))
    port, token = free_port(), secrets.token_hex(16)
    env = {key: value for key, value in os.environ.items() if key not in learner_unset}
    if slow: env.update(PIXELRNN_COURSE_SLOW="1", **{k: os.environ[k] for k in ["PIXELRNN_COURSE_DATA"] if k in os.environ})
    env.update(JUPYTER_RUNTIME_DIR=str(workdir / "runtime"), JUPYTER_CONFIG_DIR=str(workdir / "config"))
    command = [sys.executable, "-m", "jupyterlab", "--no-browser", "--ip=127.0.0.1", f"--port={port}",
               f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={root}",
               "--LabApp.expose_app_in_browser=True", f"--LabApp.user_settings_dir={workdir / 'settings'}",
               f"--LabApp.workspaces_dir={workdir / 'workspaces'}"]
    if hasattr(os, "geteuid") and os.geteuid() == 0: command.append("--allow-root")   # CI containers run as root
    process = subprocess.Popen(command, cwd=root, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    for _ in range(120):
        if process.poll() is not None: break
        try:
            with urllib.request.urlopen(f"{url}/api/status?token={token}", timeout=2): return process, url, token
        except OSError: time.sleep(0.5)
    process.terminate()
    raise RuntimeError(f"JupyterLab did not start; see its log {log.name}")


# JavaScript run in the page, through the app that --LabApp.expose_app_in_browser puts at window.jupyterapp
js_state = """() => {
  const panel = window.jupyterapp && window.jupyterapp.shell.currentWidget;
  if (!panel || !panel.content || !panel.sessionContext) return null;
  const kernel = panel.sessionContext.session && panel.sessionContext.session.kernel;
  const prompts = [...panel.node.querySelectorAll('.jp-CodeCell .jp-InputArea-prompt')].map(p => p.textContent);
  return {ready: panel.context.isReady && panel.sessionContext.isReady, kernel: kernel ? kernel.status : null,
          kernelName: kernel ? kernel.name : null, busyCells: prompts.filter(p => p.includes('*')).length,
          dialogs: [...document.querySelectorAll('.jp-Dialog')].map(d => d.innerText.slice(0, 200))};
}"""
js_cells = """() => window.jupyterapp.shell.currentWidget.content.model.toJSON().cells
  .map((cell, index) => ({index, type: cell.cell_type, source: [].concat(cell.source).join(''),
                          count: cell.execution_count, outputs: cell.outputs || []}))"""


def wait_for(page, predicate, timeout, what):
    "Poll the page's state until `predicate(state)` holds; return the state."
    deadline = time.time() + timeout
    while time.time() < deadline:
        state = page.evaluate(js_state)
        if state and predicate(state): return state
        time.sleep(0.5)
    raise TimeoutError(f"timed out after {timeout:.0f} s waiting for {what} (last state: {state})")


def check_outputs(cells, slow=False) -> list:
    "Problems in the notebook model after Run All: cells not run, errors, stderr, figures shown as text."
    problems = []
    if slow: problems += [f"cell {cell['index']} was skipped, though the slow cells were asked for" for cell in cells
                          if any("Skipped a slow cell" in "".join(output.get("text", "")) for output in cell["outputs"])]
    code = [cell for cell in cells if cell["type"] == "code" and cell["source"].strip()]
    not_run = [cell["index"] for cell in code if cell["count"] is None]
    if not_run: problems.append(f"{len(not_run)} of {len(code)} code cells did not run (first: cell {not_run[0]})")
    for cell in code:
        where = f"cell {cell['index']} ({cell['source'].strip().splitlines()[0][:60]!r})"
        pictures = [output["data"]["image/png"] for output in cell["outputs"] if "image/png" in output.get("data", {})]
        if len(set(pictures)) < len(pictures): problems.append(f"{where}: the same figure shown twice")
        for output in cell["outputs"]:
            kind, data = output.get("output_type"), output.get("data", {})
            if kind == "error":
                problems.append(f"{where}: {output.get('ename')}: {str(output.get('evalue'))[:200]}")
            elif kind == "stream" and output.get("name") == "stderr":
                text = "".join(output.get("text", ""))
                problems.append(f"{where}: stderr: {text.strip()[:300]!r}")
            elif kind in ("execute_result", "display_data"):
                text = "".join(data.get("text/plain", ""))
                if figure_as_text in text and not any(key.startswith("image/") for key in data):
                    problems.append(f"{where}: a figure shown as text: {text.strip()[:80]!r}")
    return problems


def check_page(page, name, shots: Path, max_figures=3) -> tuple:
    "Problems visible in the page: images that do not load, widgets that do not render or answer. Also screenshots."
    problems, notes = [], []
    images = page.locator(".jp-OutputArea-output img")
    broken = page.evaluate("""() => [...document.querySelectorAll('.jp-OutputArea-output img')]
                              .filter(img => !(img.complete && img.naturalWidth > 0)).length""")
    if broken: problems.append(f"{broken} of {images.count()} output images did not load")
    stderr_nodes = page.locator('.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]').count()
    if stderr_nodes: problems.append(f"{stderr_nodes} stderr (red) output blocks on the page")
    figures = page.locator('.jp-OutputArea-output[data-mime-type="image/png"]')
    for index in range(min(max_figures, figures.count())):
        figures.nth(index).scroll_into_view_if_needed()
        figures.nth(index).screenshot(path=str(shots / f"{name}-figure{index + 1}.png"))
    # the cells whose outputs hold a widget view, found in the model and marked in the page
    widget_cells = page.evaluate("""() => {
      const notebook = window.jupyterapp.shell.currentWidget.content;
      return notebook.widgets.map((cell, index) => {
        const outputs = cell.model.type === 'code' ? cell.model.sharedModel.getSource && cell.model.toJSON().outputs : [];
        if (!outputs.some(o => o.data && o.data['application/vnd.jupyter.widget-view+json'])) return null;
        cell.node.setAttribute('data-browser-test-widget', String(index));
        return index;
      }).filter(index => index !== null);
    }""")
    for index, cell_index in enumerate(widget_cells):
        widget = page.locator(f'[data-browser-test-widget="{cell_index}"] .jp-OutputArea-output').last
        widget.scroll_into_view_if_needed()
        text = widget.inner_text()
        if widget.locator(".jupyter-widgets, .widget-box, .widget-inline-hbox").count() == 0 or \
           "Error displaying widget" in text or "Loading widget" in text:
            problems.append(f"widget {index + 1} did not render: {text.strip()[:200]!r}")
            continue
        buttons = widget.locator("button.jupyter-button")
        pictures = widget.locator("img")
        if buttons.count() and pictures.count():
            before = pictures.first.get_attribute("src")
            started = time.time()
            buttons.first.click()
            try:
                page.wait_for_function("([node, before]) => { const img = node.querySelector('img'); "
                                       "return img && img.src !== before && img.complete && img.naturalWidth > 0; }",
                                       arg=[widget.element_handle(), before], timeout=60_000)
                notes.append(f"widget {index + 1} answered a click in {time.time() - started:.2f} s")
            except Exception:
                problems.append(f"widget {index + 1}: no new picture within 60 s of clicking {buttons.first.inner_text()!r}")
        widget.screenshot(path=str(shots / f"{name}-widget{index + 1}.png"))
    return problems, notes


def start_run(browser, url, token, notebook: Path) -> dict:
    "Open `notebook` in a fresh workspace and click Run > Run All Cells; returns the run (with `problems` if it failed)."
    relative = notebook.resolve().relative_to(root).as_posix()
    run = {"notebook": notebook, "started": time.time(), "problems": [], "notes": [], "idle_polls": 0,
           "page": browser.new_page(viewport={"width": 1400, "height": 1000})}
    page = run["page"]
    try:
        page.goto(f"{url}/lab/workspaces/{notebook.stem}/tree/{relative}?reset&token={token}")
        wait_for(page, lambda s: s["ready"] and s["kernel"] == "idle" or s["dialogs"], 180, "the notebook and its kernel")
        time.sleep(1)
        dialogs = page.evaluate(js_state)["dialogs"]
        if dialogs:
            run["problems"].append(f"a dialog appeared on opening: {dialogs[0]!r}")
            return run
        page.locator(".lm-MenuBar-itemLabel", has_text="Run").first.click()
        page.locator(".lm-Menu-itemLabel", has_text="Run All Cells").first.click()
        wait_for(page, lambda s: s["busyCells"] > 0 or s["kernel"] != "idle", 30, "Run All to start")
    except Exception as error:
        run["problems"].append(f"{type(error).__name__}: {str(error)[:300]}")
    return run


def finished(run, timeout: float) -> bool:
    "Whether Run All is over (the kernel idle and no cell waiting, twice in a row) or out of time."
    try: state = run["page"].evaluate(js_state)
    except Exception as error:
        run["problems"].append(f"{type(error).__name__}: {str(error)[:300]}")
        return True
    run["idle_polls"] = run["idle_polls"] + 1 if state["busyCells"] == 0 and state["kernel"] == "idle" else 0
    if run["idle_polls"] >= 2: return True
    if time.time() - run["started"] > timeout:
        run["problems"].append(f"Run All did not finish within {timeout:.0f} s ({state['busyCells']} cells still waiting)")
        return True
    return False


def finish_run(run, shots: Path, slow=False):
    "Check what Run All left in the notebook and on the page, take screenshots, close the page."
    page, name = run["page"], run["notebook"].stem
    try:
        if not run["problems"]:
            state = page.evaluate(js_state)
            run["problems"] += [f"a dialog appeared: {dialog!r}" for dialog in state["dialogs"]]
            cells = page.evaluate(js_cells)
            run["problems"] += check_outputs(cells, slow)
            page_problems, run["notes"] = check_page(page, name, shots)
            run["problems"] += page_problems
            skipped = sum(any(text in "".join(output.get("text", "")) for output in cell["outputs"]
                              for text in ("Skipped a slow cell", "Skipped a GPU cell")) for cell in cells)
            if skipped: run["notes"].append(f"{skipped} slow or GPU cells skipped with a note")
    except Exception as error:
        run["problems"].append(f"{type(error).__name__}: {str(error)[:300]}")
    finally:
        try:
            page.locator(".jp-Notebook .jp-Cell").last.scroll_into_view_if_needed(timeout=5000)
            page.screenshot(path=str(shots / f"{name}-end.png"))
        except Exception: pass
        page.close()


def digests(notebooks):
    return {nb: nb.read_bytes() for nb in notebooks}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", type=Path, help="notebooks to run (default: every nbs/*.ipynb)")
    parser.add_argument("--chromium", default=shutil.which("chromium") or shutil.which("chromium-browser"),
                        help="the Chromium executable (default: chromium on PATH)")
    parser.add_argument("--timeout", type=float, default=600, help="seconds Run All may take per notebook")
    parser.add_argument("--workers", type=int, default=max(1, (os.cpu_count() or 2) // 2),
                        help="notebooks run at once, each with its own kernel (default: half the CPU cores)")
    parser.add_argument("--screenshots", type=Path, default=None, help="folder for screenshots (default: a temporary one)")
    parser.add_argument("--slow", action="store_true",
                        help="run the `#| slow` cells too, as a learner who sets PIXELRNN_COURSE_SLOW=1 (keeps PIXELRNN_COURSE_DATA)")
    parser.add_argument("--failed-list", type=Path, default=None, help="write the failing notebooks here, one a line")
    args = parser.parse_args()
    notebooks = args.notebooks or sorted((root / "nbs").glob("*.ipynb"))
    if not args.chromium or not Path(args.chromium).exists():
        print("No Chromium found: install Debian's (apt-get install -y chromium) or pass --chromium PATH.")
        return 2
    from playwright.sync_api import sync_playwright
    workdir = Path(tempfile.mkdtemp(prefix="browser_run_all_"))
    shots = args.screenshots or workdir / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)
    before = digests(notebooks)
    failed, started = [], time.time()
    with open(workdir / "jupyterlab.log", "w") as log:
        try: lab, url, token = start_lab(workdir, log, slow=args.slow)
        except RuntimeError as error: print(error); return 2
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=args.chromium, headless=True)
                print(f"JupyterLab at {url}, {browser.version}; screenshots in {shots}", flush=True)
                pending, active = list(notebooks), []
                while pending or active:   # up to --workers notebooks run at once, each in its own page and kernel
                    while pending and len(active) < args.workers:
                        active.append(start_run(browser, url, token, pending.pop(0)))
                    for run in [run for run in active if run["problems"] or finished(run, args.timeout)]:
                        active.remove(run)
                        finish_run(run, shots, args.slow)
                        print(f"{'FAIL' if run['problems'] else 'ok  '} {run['notebook'].name} "
                              f"({time.time() - run['started']:.0f} s)" + "".join(f"; {note}" for note in run["notes"]), flush=True)
                        for problem in run["problems"]: print(f"     - {problem}", flush=True)
                        if run["problems"]: failed.append(run["notebook"])
                    time.sleep(1)
                browser.close()
        finally:
            lab.terminate()
            try: lab.wait(20)
            except subprocess.TimeoutExpired: lab.kill()
    changed = [nb for nb, content in before.items() if nb.read_bytes() != content]
    for notebook in changed:
        print(f"FAIL {notebook.name}: the file changed on disk while it ran in JupyterLab")
    failed += [nb for nb in changed if nb not in failed]
    if args.failed_list: args.failed_list.write_text("".join(f"{nb.name}\n" for nb in failed))
    print(f"browser Run All: {len(notebooks) - len(failed)} of {len(notebooks)} notebooks passed "
          f"in {time.time() - started:.0f} s")
    if not args.screenshots: shutil.rmtree(workdir, ignore_errors=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
