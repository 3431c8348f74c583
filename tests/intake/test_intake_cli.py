"""`helpdesk intake FILE` with the database down: one line saying what is wrong, exit 75 (issue 8, finding 18)."""

import subprocess

from tests.intake.builders import mail
from tests.intake.processes import HELPDESK, helpdesk_env

UNREACHABLE = "postgresql+psycopg://helpdesk@127.0.0.1:1/helpdesk"


def _run(args, tmp_path, **kwargs):
    return subprocess.run([HELPDESK, "intake", *args], capture_output=True, env=helpdesk_env(UNREACHABLE, tmp_path),
                          timeout=120, **kwargs)


def test_file_intake_with_the_database_down_says_so_in_one_line_and_exits_75(tmp_path):
    path = tmp_path / "fel.eml"
    path.write_bytes(mail(message_id="<down-1@exempelby.se>"))
    done = _run([str(path)], tmp_path)
    err = done.stderr.decode()
    assert done.returncode == 75, err
    assert len(err.strip().splitlines()) == 1, err
    assert "database" in err and "Traceback" not in err and "sqlalche.me" not in err


def test_pipe_intake_with_the_database_down_says_so_in_one_line(tmp_path):
    done = _run(["-"], tmp_path, input=mail(message_id="<down-2@exempelby.se>"))
    err = done.stderr.decode()
    assert done.returncode == 75, err
    assert len(err.strip().splitlines()) == 1 and "temporary failure" in err and "Traceback" not in err, err
