"""The built wheel ships the JS bundle and works when installed on its own.

Builds the wheel from the source tree (no isolation, so no download; the build hook skips
npm because static/widget.js exists), installs it with --no-deps into a fresh venv, and
imports it there. Third-party dependencies come from the project's venv through a .pth
line, which puts them AFTER the fresh venv's own site-packages and does not run the
editable install's .pth, so `import tpot_widget` must resolve to the wheel's copy.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BUNDLE = ROOT / "src" / "tpot_widget" / "static" / "widget.js"

CHECK = """
import importlib.resources, json, tpot_widget
from tpot_widget import TPOTCompare
js = importlib.resources.files("tpot_widget").joinpath("static/widget.js").read_bytes()
print(json.dumps({"file": tpot_widget.__file__, "widget": TPOTCompare.__name__,
                  "js_bytes": len(js)}))
"""


def _run(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
    result = subprocess.run(
        args, cwd=cwd, env=env, capture_output=True, text=True, timeout=180, check=False
    )
    assert result.returncode == 0, f"{args}\n{result.stdout}\n{result.stderr}"
    return result


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.slow
def test_wheel_ships_bundle_and_imports_from_a_fresh_venv(tmp_path: Path) -> None:
    if not BUNDLE.is_file():
        pytest.fail(f"{BUNDLE} is missing: build the front end first (make js)")
    before = (_digest(BUNDLE), BUNDLE.stat().st_mtime_ns)

    dist = tmp_path / "dist"
    _run(
        [sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(dist)],
        cwd=ROOT,
    )
    # building must neither delete nor rebuild the bundle in the source tree
    assert (_digest(BUNDLE), BUNDLE.stat().st_mtime_ns) == before

    (wheel,) = dist.glob("tpot_widget-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        assert "tpot_widget/static/widget.js" in names
        shipped = archive.read("tpot_widget/static/widget.js")
    assert shipped, "the wheel's widget.js is empty"
    assert shipped == BUNDLE.read_bytes()
    assert b"export" in shipped, "widget.js is not an ES module (a placeholder?)"
    for module in ("__init__.py", "run.py", "widget.py", "loaders/__init__.py"):
        assert f"tpot_widget/{module}" in names
    for built in BUNDLE.parent.iterdir():  # e.g. widget.css beside widget.js
        assert f"tpot_widget/static/{built.name}" in names, built.name
    assert not any(n.startswith(("tests/", "js/", "node_modules/")) for n in names)

    venv = tmp_path / "venv"
    _run([sys.executable, "-m", "venv", "--without-pip", str(venv)], cwd=tmp_path)
    python = venv / "bin" / "python"
    _run(
        [
            sys.executable,
            "-m",
            "pip",
            "--python",
            str(python),
            "install",
            "--no-deps",
            "--no-index",
            "--quiet",
            str(wheel),
        ],
        cwd=tmp_path,
    )
    (site_packages,) = (venv / "lib").glob("python*/site-packages")
    deps = sorted({sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]})
    (site_packages / "zz_project_deps.pth").write_text("\n".join(deps) + "\n")

    out = _run([str(python), "-c", CHECK], cwd=tmp_path).stdout
    info = json.loads(out.strip().splitlines()[-1])
    assert Path(info["file"]).resolve().is_relative_to(venv.resolve()), info["file"]
    assert info["widget"] == "TPOTCompare"
    assert info["js_bytes"] == len(shipped)
    assert (venv / "bin" / "tpot-compare").is_file()
