# Copyright (c) netedge.cloudflare contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Run every documented example (examples.py finds them) with ansible-playbook against the simulator.

Each example runs as a user would run it after pasting it: the simulator's URL and credentials
come from the environment (CLOUDFLARE_BASE_URL, CLOUDFLARE_API_TOKEN, CLOUDFLARE_ACCOUNT_ID), and
the variables examples use are defined in the inventory (lowest precedence, so an example's own
vars win). Before each example the simulator is reset to the same fixture:

- an IP list ``blocked_ips`` holding 203.0.113.99, and a redirect list ``redirects`` holding
  example.com/old -> https://example.com/new and example.com/promo -> https://example.com/offers;
- a completed bulk operation, whose id is ``operation_id``;
- the simulator's zone ``example.com``, with no rules: the first rule an example adds makes the zone's
  (or the account's) entry point;
- variables ``cloudflare_account_id``, ``cloudflare_api_token``, ``vault_cloudflare_api_token``,
  ``list_id`` (the id of ``blocked_ips``) and ``operation_id``;
- ``blocklist.txt`` next to the playbook: three addresses, one per line, with a comment line and notes.

Examples run on ``--jobs`` simulators at once (one example per simulator at a time, since an
account runs one bulk operation at a time). The report names each failed example by file, line
and heading, with the task that failed; skipped examples are counted and listed with their reason.
Exit status 1 if any example failed, or if a source has none where it must.
"""

import argparse
import concurrent.futures
import json
import os
import queue
import re
import subprocess
import sys
import time
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import examples as found_examples  # noqa: E402  pylint: disable=wrong-import-position

DEAD_PROXY = "http://127.0.0.1:9"
EXAMPLE_TIMEOUT = 180  # seconds; a hanging example fails rather than hangs the target


class Simulator:
    """One simulator on loopback: its state file, and the process if this script started it."""

    def __init__(self, state_file, process=None):
        self.state_file = state_file
        self.process = process
        with open(state_file, encoding="utf-8") as handle:
            self.state = json.load(handle)
        if not self.state["url"].startswith("http://127.0.0.1:"):
            raise SystemExit("not a loopback simulator: %s" % self.state["url"])

    def admin(self, method, path, body=None):
        data = None if body is None else json.dumps(body).encode("utf-8")
        request = urllib.request.Request(self.state["admin_url"] + path, data=data, method=method,
                                         headers={"Content-Type": "application/json"})
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        with opener.open(request, timeout=10) as answer:
            return json.loads(answer.read().decode("utf-8"))

    def fixture(self):
        """Reset, seed the lists and an operation; the variables an example may use."""
        self.admin("POST", "/reset")
        blocked = self.admin("POST", "/lists", {"name": "blocked_ips", "kind": "ip", "items": [{"ip": "203.0.113.99"}]})
        self.admin("POST", "/lists", {"name": "redirects", "kind": "redirect", "items": [
            {"redirect": {"source_url": "example.com/old", "target_url": "https://example.com/new"}},
            {"redirect": {"source_url": "example.com/promo", "target_url": "https://example.com/offers"}}]})
        operation = self.admin("POST", "/operations", {"duration": 0})
        return {"cloudflare_account_id": self.state["account_id"], "cloudflare_api_token": self.state["api_token"],
                "vault_cloudflare_api_token": self.state["api_token"], "list_id": blocked["id"],
                "operation_id": operation["id"]}


def start_simulator(script, work, number, sim_args):
    state_file = os.path.join(work, "sim%d.json" % number)
    log = open(os.path.join(work, "sim%d.log" % number), "w", encoding="utf-8")  # pylint: disable=consider-using-with
    process = subprocess.Popen([sys.executable, script, "--port", "0", "--lifetime", "600", "--state-file", state_file]
                               + sim_args, stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 15
    while not os.path.exists(state_file) or not os.path.getsize(state_file):
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            raise SystemExit("simulator %d did not start (see %s)" % (number, log.name))
        time.sleep(0.05)
    return Simulator(state_file, process)


def run_one(example, sim, work):
    """(passed, seconds, detail) for one example."""
    started = time.monotonic()
    directory = os.path.join(work, example.slug)
    try:
        variables = sim.fixture()
    except OSError as exc:
        return False, 0.0, "the simulator could not be prepared: %s" % exc
    playbook = example.path or found_examples.write_example(example, directory)
    os.makedirs(directory, exist_ok=True)
    inventory = os.path.join(directory, "inventory.json")
    host = dict(variables, ansible_connection="local", ansible_python_interpreter="{{ ansible_playbook_python }}")
    with open(inventory, "w", encoding="utf-8") as handle:
        json.dump({"all": {"hosts": {"localhost": host}}}, handle)
    env = dict(os.environ, CLOUDFLARE_BASE_URL=sim.state["url"], CLOUDFLARE_API_TOKEN=sim.state["api_token"],
               CLOUDFLARE_ACCOUNT_ID=sim.state["account_id"], ANSIBLE_NOCOLOR="1", ANSIBLE_FORCE_COLOR="0")
    # Nothing an example does may leave the machine: any other host goes to a proxy that is not there.
    env.update(HTTPS_PROXY=DEAD_PROXY, HTTP_PROXY=DEAD_PROXY, https_proxy=DEAD_PROXY, http_proxy=DEAD_PROXY,
               NO_PROXY="127.0.0.1,localhost", no_proxy="127.0.0.1,localhost")
    try:
        proc = subprocess.run(["ansible-playbook", "-i", inventory, playbook], cwd=directory, env=env, check=False,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=EXAMPLE_TIMEOUT)
        output, rc = proc.stdout.decode("utf-8", "replace"), proc.returncode
    except subprocess.TimeoutExpired as exc:
        output, rc = (exc.stdout or b"").decode("utf-8", "replace"), "timeout after %ds" % EXAMPLE_TIMEOUT
    with open(os.path.join(directory, "output.log"), "w", encoding="utf-8") as handle:
        handle.write(output)
    seconds = time.monotonic() - started
    recap = re.search(r"localhost\s*:\s*ok=(\d+)\s+changed=(\d+).*?failed=(\d+)", output)
    if rc != 0 or recap is None:
        return False, seconds, "ansible-playbook exited %s\n%s" % (rc, failure_excerpt(output))
    if int(recap.group(1)) == 0:
        return False, seconds, "no task ran (ok=0): the example proves nothing"
    return True, seconds, "ok=%s changed=%s" % (recap.group(1), recap.group(2))


def failure_excerpt(output):
    """The failed task's name and Ansible's message, or the end of the output."""
    lines = output.splitlines()
    for index, line in enumerate(lines):
        if line.startswith(("fatal:", "failed:")) or line.startswith("ERROR!") or line.startswith("[ERROR]"):
            task = next((lines[i] for i in range(index, -1, -1) if lines[i].startswith("TASK [")), "")
            return "\n".join(shorten(line) for line in [task] + lines[index:index + 12])
    return "\n".join(shorten(line) for line in lines[-15:])


def shorten(line, limit=300):
    return line if len(line) <= limit else line[:limit] + " ..."


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--collection", required=True, help="the collection's root (README.md, docs/, plugins/)")
    parser.add_argument("--sim-state", required=True, help="state file of a running simulator (runme.sh's)")
    parser.add_argument("--sim-script", required=True, help="cloudflare_sim.py, to start one more per extra job")
    parser.add_argument("--sim-arg", action="append", default=[], help="option for the extra simulators")
    parser.add_argument("--work", required=True, help="folder for the playbooks and their output")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--only", help="run only examples whose label contains this text")
    args = parser.parse_args(argv)

    examples, problems = found_examples.find_examples(args.collection)
    if args.only:
        examples = [example for example in examples if args.only in example.label]
    skipped = [example for example in examples if example.skip]
    broken = [example for example in examples if not example.skip and example.problem]
    runnable = [example for example in examples if not example.skip and not example.problem]

    sims = queue.Queue()
    started = [Simulator(args.sim_state)]
    results = {}
    try:
        for number in range(1, max(1, min(args.jobs, len(runnable)))):
            started.append(start_simulator(args.sim_script, args.work, number, args.sim_arg))
        for sim in started:
            sims.put(sim)

        def job(example):
            sim = sims.get()
            try:
                return run_one(example, sim, args.work)
            finally:
                sims.put(sim)

        with concurrent.futures.ThreadPoolExecutor(max_workers=len(started)) as pool:
            futures = {pool.submit(job, example): example for example in runnable}
            for future in concurrent.futures.as_completed(futures):
                results[futures[future]] = future.result()
    finally:
        for sim in started:
            if sim.process is not None:
                sim.process.terminate()
                try:
                    sim.process.wait(10)
                except subprocess.TimeoutExpired:
                    sim.process.kill()

    passed = 0
    for example in runnable:
        ok, seconds, detail = results[example]
        print("%-6s %5.1fs  %s" % ("ok" if ok else "FAILED", seconds, example.label))
        if not ok:
            print("\n".join("         | " + line for line in detail.splitlines()))
        passed += ok
    for example in broken:
        print("FAILED         %s\n         | %s" % (example.label, example.problem))
    for example in skipped:
        print("skip           %s: %s" % (example.label, example.skip))
    for problem in problems:
        print("FAILED         %s" % problem)
    failed = len(runnable) - passed + len(broken) + len(problems)
    print("examples: %d found, %d run, %d passed, %d failed, %d skipped (marked 'example: skip')"
          % (len(examples), len(runnable), passed, failed, len(skipped)))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
