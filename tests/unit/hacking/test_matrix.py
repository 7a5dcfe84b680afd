# Copyright: netedge.cloudflare contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""hacking/matrix.py: which lanes make test runs, and that a waiting lane starts only once another has ended.

The lanes run a stand-in for hacking/ansible-test-env.sh that records when each lane starts and ends and
writes one result line, so that the order of events and the final count can be checked without ansible-test.
"""

import importlib.util
import json
import os
import re
import shutil

import pytest

HACKING = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))),
                       "hacking")

# Records when each lane starts and ends, and one passed check per step in the lane's results file.
FAKE_HARNESS = r"""
echo "start ${ENV_LABEL:-environment}" >>"$FAKE_EVENTS"
for step in "$@"; do
    printf '{"step": "%s%s", "passed": ["%s"], "failed": [], "skipped": [], "seconds": 0, "rc": 0}\n' \
        "$step" "$STEP_LABEL_SUFFIX" "$step" >>"$RESULTS"
done
echo "end ${ENV_LABEL:-environment}" >>"$FAKE_EVENTS"
"""


@pytest.fixture
def matrix(tmp_path, monkeypatch):
    """matrix.py with its lanes running the stand-in, and its events file."""
    fake = tmp_path / "hacking"
    fake.mkdir()
    (fake / "ansible-test-env.sh").write_text(FAKE_HARNESS, encoding="utf-8")
    shutil.copy(os.path.join(HACKING, "summary.py"), fake / "summary.py")
    spec = importlib.util.spec_from_file_location("netedge_matrix", os.path.join(HACKING, "matrix.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    monkeypatch.setattr(module, "HACKING", str(fake))
    for name in ("MATRIX", "LATEST", "OLDEST_LOCK", "OLDEST_PYTHON", "OLDEST_CORE", "PYTHON", "ANSIBLE_CORE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("LOG_DIR", str(tmp_path / "logs"))
    monkeypatch.setenv("OLDEST_LOCK", "hacking/lock/core-oldest-py3.12.txt")
    monkeypatch.setenv("FAKE_EVENTS", str(tmp_path / "events"))
    return module, tmp_path / "events"


def test_the_oldest_units_get_a_lane_of_their_own_that_waits_for_a_free_core(matrix):
    module, _events = matrix
    _cache, found = module.lanes()
    assert [(name, steps, start) for name, steps, _env, start in found] == [
        ("checks", ["sanity", "units", "ecosystem"], "now"), ("newest", ["integration"], "now"),
        ("oldest", ["integration"], "now"), ("oldest-units", ["units"], "after one")]
    oldest, units = found[2][2], found[3][2]
    # The same ansible-core and labels as the oldest lane, in a working copy of its own.
    assert units["LOCK"] == oldest["LOCK"] == "hacking/lock/core-oldest-py3.12.txt"
    assert (units["LOG_SUFFIX"], units["STEP_LABEL_SUFFIX"]) == (oldest["LOG_SUFFIX"], oldest["STEP_LABEL_SUFFIX"])
    assert units["COPY_ROOT"] != oldest["COPY_ROOT"]
    assert len({env["COPY_ROOT"] for _name, _steps, env, _start in found}) == 4


def test_matrix_0_leaves_out_both_oldest_lanes(matrix, monkeypatch):
    module, _events = matrix
    monkeypatch.setenv("MATRIX", "0")
    assert [name for name, _steps, _env, _start in module.lanes()[1]] == ["checks", "newest"]


def test_the_waiting_lane_starts_after_a_lane_ends_and_every_check_is_counted(matrix, capfd):
    module, events = matrix
    assert module.main() == 0
    lines = events.read_text(encoding="utf-8").splitlines()
    assert sorted(line for line in lines if line.startswith("start")) == sorted(
        "start environment (%s)" % name for name in ("checks", "newest", "oldest", "oldest units"))
    out = capfd.readouterr().out
    # The lane it names had ended (its process reaped) before the units lane started.
    ended = re.search(r"^oldest-units *\| ==> lane oldest-units starts now that lane (checks|newest|oldest) has ended$",
                      out, re.MULTILINE).group(1)
    assert lines.index("end environment (%s)" % ended) < lines.index("start environment (oldest units)")
    # sanity, units, ecosystem, integration, integration (oldest), units (oldest)
    assert out.rstrip().splitlines()[-1] == "6 passed, 0 failed"
    with open(os.path.join(os.environ["LOG_DIR"], "results.jsonl"), encoding="utf-8") as handle:
        merged = [json.loads(line)["step"] for line in handle]
    assert merged == ["sanity", "units", "ecosystem", "integration", "integration (oldest)", "units (oldest)"]


def test_a_lane_that_fails_fails_the_run(matrix, monkeypatch, capfd):
    module, _events = matrix
    fake = os.path.join(module.HACKING, "ansible-test-env.sh")
    with open(fake, "a", encoding="utf-8") as handle:
        handle.write('[ "$ENV_LABEL" = "environment (oldest units)" ] && exit 3\nexit 0\n')
    assert module.main() == 1
    out = capfd.readouterr().out
    assert out.rstrip().splitlines()[-1] == "6 passed, 1 failed"
    with open(os.path.join(os.environ["LOG_DIR"], "results.jsonl"), encoding="utf-8") as handle:
        failed = [record["failed"] for record in map(json.loads, handle) if record["failed"]]
    assert failed == [["lane oldest-units exited 3"]]
