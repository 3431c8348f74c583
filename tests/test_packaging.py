"""Installable anywhere: a wheel built from the tree, installed in a fresh venv away from the source,
migrates a database and serves the login page with its templates, static files and translations.

Nothing is downloaded: the wheel is built without build isolation from this venv's setuptools and
Babel, installed with --no-index, and the fresh venv borrows this venv's dependencies through a .pth
file (which does not activate this venv's editable install of helpdesk).
"""

import os
import shutil
import subprocess
import sys
import sysconfig
import textwrap
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

CHECK = textwrap.dedent('''
    import sys
    from pathlib import Path

    import helpdesk
    from flask_babel import force_locale, gettext

    assert Path(helpdesk.__file__).resolve().is_relative_to(Path(sys.prefix).resolve()), helpdesk.__file__
    app = helpdesk.create_app()
    assert Path(app.template_folder).resolve().is_relative_to(Path(sys.prefix).resolve()), app.template_folder
    client = app.test_client()
    page = client.get("/login")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Logga in" in html and 'name="password"' in html, page.status_code
    assert client.get("/static/css/app.css").status_code == 200
    assert client.get("/static/js/app.js").status_code == 200
    with app.test_request_context(), force_locale("en"):
        assert gettext("Logga in") == "Log in", gettext("Logga in")
    print("login page served from", app.template_folder)
''')


def run(args, **kwargs):
    result = subprocess.run(args, capture_output=True, text=True, timeout=300, **kwargs)
    assert result.returncode == 0, f"{args}\n{result.stdout}\n{result.stderr}"
    return result


def source_copy(folder: Path) -> Path:
    """What a clone holds for the build, copied so that building leaves nothing in the working tree."""
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "*.mo")
    for name in ("helpdesk", "templates", "static", "migrations"):
        shutil.copytree(ROOT / name, folder / name, ignore=ignore)
    for name in ("pyproject.toml", "setup.py", "MANIFEST.in", "README.md", "babel.cfg"):
        shutil.copy2(ROOT / name, folder / name)
    return folder


def test_a_wheel_installed_in_a_fresh_venv_migrates_and_serves_the_login_page(tmp_path):
    wheels = tmp_path / "wheels"
    source = source_copy(tmp_path / "source")
    run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index",
         "--wheel-dir", str(wheels), str(source)], cwd=tmp_path)
    wheel, = wheels.glob("helpdesk-*.whl")

    fresh = tmp_path / "fresh"
    venv.create(fresh, with_pip=False)
    python = fresh / "bin" / "python"
    fresh_site = Path(run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"]).stdout.strip())
    # The dependencies come from this venv (after the fresh venv's own site-packages).
    (fresh_site / "borrowed-dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    run([sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps", "--no-index", str(wheel)],
        cwd=tmp_path)

    work = tmp_path / "elsewhere"
    work.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("HELPDESK_")}
    env.update(HELPDESK_DATABASE_URL=f"sqlite:///{work / 'desk.sqlite'}", HELPDESK_INSTANCE_PATH=str(work / "instance"),
               PYTHONDONTWRITEBYTECODE="1")
    upgraded = run([str(fresh / "bin" / "helpdesk"), "db", "upgrade"], cwd=work, env=env)
    assert "0001" in upgraded.stderr + upgraded.stdout
    served = run([str(python), "-c", CHECK], cwd=work, env=env)
    assert "login page served from" in served.stdout and str(fresh) in served.stdout


@pytest.fixture(autouse=True)
def session():
    """No database session: this test works in its own processes."""
    yield None
