"""What the notebooks share: where sparkdet is, where they write, running it, and showing pictures.

The notebooks import this from their own folder (Jupyter and nbconvert run a notebook with its
folder as the working directory). Debian's python3 with pandas and matplotlib is enough: sparkdet
writes JSON, CSV and PNG for them (Parquet would need pyarrow).
"""
import os
import shlex
import subprocess
import time
from pathlib import Path

import matplotlib.image
import matplotlib.pyplot as plt

ROOT = Path(__file__).resolve().parent.parent
SPARKDET = ROOT / "bin" / "sparkdet"


def scratch(name):
    """The notebook's own output folder: $SPARKDET_NOTEBOOK_OUT/name, by default out/notebooks/name."""
    base = Path(os.environ.get("SPARKDET_NOTEBOOK_OUT", ROOT / "out" / "notebooks"))
    folder = base / name
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def sparkdet(*args):
    """Runs `bin/sparkdet ARGS` from the repository root and prints what it printed.

    The command's result lines (stdout) are shown; its log (stderr) only when it fails, in the
    exception, so that a failed step stops the notebook with the reason.
    """
    argv = [str(SPARKDET)] + [str(a) for a in args]
    print("$ bin/sparkdet " + " ".join(shlex.quote(str(a)) for a in args), flush=True)
    started = time.monotonic()
    done = subprocess.run(argv, cwd=ROOT, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"bin/sparkdet {args[0]} exited with {done.returncode}:\n"
                           f"{done.stderr[-4000:]}\n{done.stdout[-2000:]}")
    print(done.stdout.rstrip())
    print(f"({time.monotonic() - started:.0f} s)")
    return done.stdout


def require(path, what="a file the notebook reads"):
    """The path, after checking that it exists and is not empty: a missing output fails the notebook."""
    path = Path(path)
    assert path.exists(), f"{what} is missing: {path}"
    assert path.is_dir() or path.stat().st_size > 0, f"{what} is empty: {path}"
    return path


def gallery(paths, titles=None, columns=4, size=3.2):
    """Pictures side by side, `columns` a row, each with its title."""
    paths = [require(p, "a picture") for p in paths]
    assert paths, "no pictures to show"
    rows = (len(paths) + columns - 1) // columns
    fig, axes = plt.subplots(rows, columns, figsize=(columns * size, rows * size), squeeze=False)
    for ax in axes.flat:
        ax.axis("off")
    for i, (ax, path) in enumerate(zip(axes.flat, paths)):
        ax.imshow(matplotlib.image.imread(path), interpolation="nearest")
        ax.set_title(titles[i] if titles else path.name, fontsize=9)
    fig.tight_layout()
    plt.show()
