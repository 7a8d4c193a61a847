"""What every benchmark script prints is also its result file: `ResultLog` does both."""
import os, sys

class ResultLog:
    "Print lines as they come, starting with the command that made them, and save them all with `save`."
    def __init__(self, script:str):
        self.lines = []
        self("$ python benchmarks/" + os.path.basename(script) + " " + " ".join(sys.argv[1:]))

    def __call__(self, text:str):
        print(text, flush=True)
        self.lines.append(text)

    def save(self, path):
        "Write the lines to `path` (a committed result file); nothing when `path` is None."
        if path is None: return
        os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
        with open(path, "w") as file: file.write("\n".join(self.lines).rstrip() + "\n")
