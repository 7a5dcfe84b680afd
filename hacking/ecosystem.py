# Copyright: netedge.cloudflare contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The checks a Galaxy user's tools make: build, install, galaxy-importer, ansible-lint, docs, changelog, EE.

Run from the physical ``.../ansible_collections/netedge/cloudflare`` copy, with the tools venv's ``bin`` first
on PATH (hacking/ansible-test-env.sh does both). Each check prints one line; with ``--results`` the outcome is
appended as one JSON line for hacking/summary.py. Exit status 1 if any check failed.

Usage: python hacking/ecosystem.py --work DIR [--results FILE] [--docs-dest DIR] [--only NAME...]
"""

import argparse
import glob
import html
import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import time

import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FQCN = "netedge.cloudflare"
# Every module of the collection: each must be in the tarball, the importer's result and the docs site.
MODULES = sorted(name[:-3] for name in os.listdir(os.path.join(ROOT, "plugins", "modules"))
                 if name.endswith(".py") and not name.startswith("_"))
# The guides of the docs site (docs/docsite/extra-docs.yml), each a page of the built site.
GUIDES = ["getting_started", "guide_feeds", "guide_bulk_redirects", "troubleshooting"]
# Finds the documented examples; the cloudflare_examples integration target runs them, ansible_lint lints them.
EXAMPLES_PY = os.path.join(ROOT, "tests", "integration", "targets", "cloudflare_examples", "files", "examples.py")
# Nothing of these may be in the tarball: test output, venvs, CI, caches, VCS.
FORBIDDEN_IN_TARBALL = re.compile(r"^(tests/output/|\.ci/|\.git/|\.ansible/|\.venv/|venv/|\.hypothesis/|\.pytest_cache/)"
                                  r"|/__pycache__/|\.pyc$")


class CheckFailed(Exception):
    pass


def run(cmd, cwd=ROOT, env=None, timeout=600, check=True):
    """Run a command; return its stdout. Raise CheckFailed with the tails of stderr and stdout on failure.

    stdout alone is returned, so that what a tool prints on stderr (a library's DeprecationWarning, say)
    never mixes into output that is parsed; stderr goes into the failure message instead.
    """
    merged = dict(os.environ, **(env or {}))
    proc = subprocess.run(cmd, cwd=cwd, env=merged, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          timeout=timeout, check=False)
    out = proc.stdout.decode("utf-8", "replace")
    if check and proc.returncode != 0:
        raise CheckFailed("%s exited %d:\n%s" % (" ".join(cmd), proc.returncode,
                                                 both(out, proc.stderr.decode("utf-8", "replace"))))
    return out


def run_parsed(cmd, parse, what, **kwargs):
    """Run a command and parse its stdout with ``parse`` (json.loads, yaml.safe_load); stderr is only reported.

    A parse failure raises CheckFailed naming the command, the parse error and the tails of both streams.
    """
    merged = dict(os.environ, **(kwargs.pop("env", None) or {}))
    proc = subprocess.run(cmd, cwd=kwargs.pop("cwd", ROOT), env=merged, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, timeout=kwargs.pop("timeout", 600), check=False)
    out, err = proc.stdout.decode("utf-8", "replace"), proc.stderr.decode("utf-8", "replace")
    if proc.returncode != 0:
        raise CheckFailed("%s exited %d:\n%s" % (" ".join(cmd), proc.returncode, both(out, err)))
    try:
        return parse(out)
    except (ValueError, yaml.YAMLError) as exc:
        raise CheckFailed("%s printed no valid %s on stdout (%s):\n%s" % (" ".join(cmd), what, exc, both(out, err)))


def both(out, err):
    """The tails of stdout and stderr, labelled, for a failure message."""
    parts = []
    if err.strip():
        parts.append("stderr:\n" + tail(err))
    if out.strip():
        parts.append("stdout:\n" + tail(out))
    return "\n".join(parts) or "(no output)"


def tail(text, lines=25):
    return "\n".join(text.rstrip().splitlines()[-lines:])


class Checks:
    def __init__(self, work, docs_dest):
        self.work = work
        self.docs_dest = docs_dest
        self.tarball = None
        self.installed = os.path.join(work, "installed")

    # 1. Build and install.
    def build(self):
        out_dir = os.path.join(self.work, "build")
        shutil.rmtree(out_dir, ignore_errors=True)
        os.makedirs(out_dir)
        run(["ansible-galaxy", "collection", "build", "--output-path", out_dir])
        self.tarball = glob.glob(os.path.join(out_dir, "netedge-cloudflare-*.tar.gz"))[0]
        with tarfile.open(self.tarball) as tar:
            names = tar.getnames()
        bad = [name for name in names if FORBIDDEN_IN_TARBALL.search(name)]
        if bad:
            raise CheckFailed("the tarball holds files it should not: %s" % ", ".join(bad[:10]))
        for needed in ["plugins/modules/%s.py" % name for name in MODULES] + [
                "meta/runtime.yml", "README.md", "meta/execution-environment.yml", "requirements.txt", "playbooks/demo.yml"]:
            if needed not in names:
                raise CheckFailed("the tarball lacks %s" % needed)
        return "%s, %d files, %d KiB" % (os.path.basename(self.tarball), len(names), os.path.getsize(self.tarball) // 1024)

    def install_and_run(self):
        self._need_tarball()
        shutil.rmtree(self.installed, ignore_errors=True)
        run(["ansible-galaxy", "collection", "install", "--force", "-p", self.installed, self.tarball])
        coll = os.path.join(self.installed, "ansible_collections", "netedge", "cloudflare")
        missing = [name for name in MODULES if not os.path.isfile(os.path.join(coll, "plugins", "modules", name + ".py"))]
        if missing:
            raise CheckFailed("the installed copy at %s lacks %s" % (coll, ", ".join(missing)))
        # The demo playbook, from the installed copy, against the simulator shipped in the installed copy.
        out = with_simulator(
            os.path.join(coll, "tests", "simulator", "cloudflare_sim.py"), self.work,
            ["ansible-playbook", os.path.join(coll, "playbooks", "demo.yml")],
            env={"ANSIBLE_COLLECTIONS_PATH": self.installed}, cwd=self.work)
        if "failed=0" not in out or "netedge_demo_blocklist now blocks: 192.0.2.10" not in out:
            raise CheckFailed("the demo playbook did not succeed from the installed copy:\n" + tail(out))
        return "installed into %s and ran playbooks/demo.yml from it" % self.installed

    # 2. galaxy-importer.
    def galaxy_importer(self):
        self._need_tarball()
        build_dir = os.path.dirname(self.tarball)
        result_file = os.path.join(build_dir, "importer_result.json")
        if os.path.exists(result_file):
            os.remove(result_file)
        # Its log goes to stdout (ERROR/WARNING lines; it exits 0 even then), its result to importer_result.json.
        out = run([sys.executable, "-m", "galaxy_importer.main", self.tarball], cwd=build_dir,
                  env={"GALAXY_IMPORTER_CONFIG": os.path.join(self.work, "galaxy-importer.cfg")})
        problems = [line for line in out.splitlines() if re.search(r"\b(ERROR|WARNING)\b", line)]
        if problems or "Importer processing completed successfully" not in out:
            raise CheckFailed("galaxy-importer reported:\n" + "\n".join(problems[:20] or [tail(out)]))
        try:
            with open(result_file, encoding="utf-8") as handle:
                result = json.load(handle)
        except (OSError, ValueError) as exc:
            raise CheckFailed("galaxy-importer wrote no readable importer_result.json (%s)" % exc)
        found = sorted(item.get("name") for item in result.get("contents") or [] if item.get("content_type") == "module")
        if found != sorted(MODULES):
            raise CheckFailed("galaxy-importer found the modules %s, expected %s" % (found, sorted(MODULES)))
        return "no ERROR or WARNING lines; importer_result.json lists the %d modules" % len(found)

    # 3. ansible-lint, production profile.
    def ansible_lint(self):
        targets = ["playbooks/"] + sorted(glob.glob("tests/integration/targets/*/", root_dir=ROOT))
        # Integration targets use each other as roles (setup_simulator), as ansible-test arranges.
        failures = []
        try:
            run(["ansible-lint", "--offline", "-q"] + targets, timeout=900,
                env={"ANSIBLE_ROLES_PATH": os.path.join(ROOT, "tests", "integration", "targets")})
        except CheckFailed as err:
            failures.append(str(err))
        # Every documented example (module EXAMPLES, README.md, the docs site) as the playbook that the
        # cloudflare_examples target runs, in a folder of its own with the same profile. Linted whatever the
        # lint of the tree found, so that both are reported.
        written, problems = self._write_examples()
        failures += ["documented example that is neither a playbook nor tasks: %s" % problem for problem in problems]
        lint_dir = os.path.dirname(written[0])
        with open(os.path.join(lint_dir, ".ansible-lint"), "w", encoding="utf-8") as handle:
            handle.write("---\nprofile: production\noffline: true\n")
        try:
            run(["ansible-lint", "--offline", "-q", "-c", ".ansible-lint"] + [os.path.basename(p) for p in written],
                cwd=lint_dir, timeout=900)
        except CheckFailed as err:
            failures.append("documented examples (written to %s):\n%s" % (lint_dir, err))
        if failures:
            raise CheckFailed("\n".join(failures))
        return "production profile: playbooks/, %d integration targets and %d documented examples" % (
            len(targets) - 1, len(written))

    def _write_examples(self):
        spec = importlib.util.spec_from_file_location("netedge_examples", EXAMPLES_PY)
        examples = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(examples)
        lint_dir = os.path.join(self.work, "examples-lint")
        shutil.rmtree(lint_dir, ignore_errors=True)
        written, problems = examples.write_all(ROOT, lint_dir)
        if not written:
            raise CheckFailed("no documented example found by %s" % EXAMPLES_PY)
        return written, problems

    # 4. Docs.
    def docs_lint(self):
        run(["antsibull-docs", "lint-collection-docs", "--plugin-docs", "."])
        return "antsibull-docs lint-collection-docs --plugin-docs: clean"

    def docs_site(self):
        page = build_docs_site(self.docs_dest)
        return "built %s" % os.path.relpath(page, self.docs_dest)

    def docs_module_page(self):
        site = os.path.join(self.docs_dest, "build", "html", "collections", "netedge", "cloudflare")
        missing, counts = [], []
        for module in MODULES:
            page = os.path.join(site, module + "_module.html")
            if not os.path.exists(page):
                missing.append("the page of %s (run the docs_site check first)" % module)
                continue
            with open(page, encoding="utf-8") as handle:
                text = html.unescape(handle.read())
            doc = run_parsed(["ansible-doc", "--json", "-t", "module", "%s.%s" % (FQCN, module)], json.loads, "JSON")
            doc = doc["%s.%s" % (FQCN, module)]
            options = sorted(doc["doc"]["options"])
            returns = sorted(return_keys(doc["return"]))
            missing += ["%s option %s" % (module, name) for name in options if 'id="parameter-%s"' % name not in text]
            missing += ["%s return value %s" % (module, name) for name in returns if 'id="return-%s"' % name not in text]
            counts.append("%s %d/%d" % (module, len(options), len(returns)))
        for page_name in GUIDES:
            if not os.path.exists(os.path.join(site, "docsite", page_name + ".html")):
                missing.append("page docsite/%s.html" % page_name)
        if missing:
            raise CheckFailed("the built docs lack: " + ", ".join(missing))
        return "%d module pages (options/return values: %s) and %d guides" % (len(MODULES), ", ".join(counts), len(GUIDES))

    # 5. Changelog.
    def changelog(self):
        run(["antsibull-changelog", "lint"])
        if not os.path.exists(os.path.join(ROOT, "CHANGELOG.rst")):
            raise CheckFailed("CHANGELOG.rst is missing: run antsibull-changelog release")
        with open(os.path.join(ROOT, "changelogs", "changelog.yaml"), encoding="utf-8") as handle:
            releases = yaml.safe_load(handle).get("releases") or {}
        with open(os.path.join(ROOT, "galaxy.yml"), encoding="utf-8") as handle:
            version = yaml.safe_load(handle)["version"]
        if version not in releases:
            raise CheckFailed("changelogs/changelog.yaml has no release %s" % version)
        return "lint clean; CHANGELOG.rst covers %s" % version

    # 6. Execution environment.
    def execution_environment(self):
        self._need_tarball()
        context = os.path.join(self.work, "ee")
        shutil.rmtree(context, ignore_errors=True)
        os.makedirs(context)
        shutil.copy(self.tarball, context)
        with open(os.path.join(context, "requirements.yml"), "w", encoding="utf-8") as handle:
            yaml.safe_dump({"collections": [{"name": os.path.basename(self.tarball), "type": "file"}]}, handle)
        with open(os.path.join(context, "execution-environment.yml"), "w", encoding="utf-8") as handle:
            yaml.safe_dump({"version": 3, "images": {"base_image": {"name": "quay.io/ansible/awx-ee:latest"}},
                            "dependencies": {"galaxy": "requirements.yml"}}, handle)
        run(["ansible-builder", "create", "-f", "execution-environment.yml", "-c", "context", "-v", "1"], cwd=context)
        files = [os.path.join(context, "context", name) for name in ("Containerfile", "Dockerfile")]
        files = [path for path in files if os.path.exists(path)]
        if not files:
            raise CheckFailed("ansible-builder create wrote no Containerfile or Dockerfile")
        with open(files[0], encoding="utf-8") as handle:
            containerfile = handle.read()
        if "introspect" not in containerfile or "requirements.yml" not in containerfile:
            raise CheckFailed("the generated Containerfile does not install the collection and introspect it")
        # What the image build's introspect step will find for this collection.
        found = run_parsed(["ansible-builder", "introspect", "--sanitize", self.installed if os.path.isdir(self.installed)
                            else self._install_for_introspect()], yaml.safe_load, "YAML") or {}
        python_deps = " ".join(found.get("python", []) if isinstance(found.get("python"), list)
                               else (found.get("python") or {}).keys())
        if "requests" not in python_deps:
            raise CheckFailed("ansible-builder introspect did not find requests for %s:\n%s" % (FQCN, tail(yaml.safe_dump(found))))
        return "context generated; introspect finds: %s" % python_deps.strip()

    def _install_for_introspect(self):
        self._need_tarball()
        run(["ansible-galaxy", "collection", "install", "--force", "-p", self.installed, self.tarball])
        return self.installed

    def _need_tarball(self):
        if not self.tarball:
            self.build()


def return_keys(returns, prefix=""):
    for name, spec in returns.items():
        yield prefix + name
        for sub in ("contains",):
            if isinstance(spec.get(sub), dict):
                yield from return_keys(spec[sub], prefix + name + "/")


def build_docs_site(dest):
    """Build the HTML docs site with antsibull-docs and Sphinx; return the path of the collection's index page."""
    os.makedirs(dest, exist_ok=True)
    os.chmod(dest, 0o700)  # antsibull-docs refuses a folder that others can write
    for name in ("rst", "build"):
        shutil.rmtree(os.path.join(dest, name), ignore_errors=True)
    run(["antsibull-docs", "sphinx-init", "--use-current", "--fail-on-error", "--dest-dir", dest, FQCN])
    rst = os.path.join(dest, "rst")
    os.makedirs(rst, exist_ok=True)
    os.chmod(rst, 0o700)
    run(["antsibull-docs", "--config-file", os.path.join(dest, "antsibull-docs.cfg"), "collection", "--use-current",
         "--fail-on-error", "--cleanup", "everything", "--dest-dir", rst, FQCN])
    # intersphinx cannot reach docs.ansible.com offline, hence the explicit extensions and suppressed ref warnings.
    run(["sphinx-build", "-M", "html", rst, os.path.join(dest, "build"), "-c", dest, "-W", "--keep-going",
         "-D", "extensions=sphinx.ext.autodoc,sphinx_antsibull_ext", "-D", "suppress_warnings=ref.ref"], cwd=dest)
    page = os.path.join(dest, "build", "html", "collections", "netedge", "cloudflare", "index.html")
    if not os.path.exists(page):
        raise CheckFailed("Sphinx built no collection index page")
    return page


def with_simulator(sim_script, work, cmd, env, cwd):
    """Run ``cmd`` with CLOUDFLARE_* pointing at a fresh simulator, and stop the simulator whatever happens."""
    state = os.path.join(work, "simulator.json")
    if os.path.exists(state):
        os.remove(state)
    sim = subprocess.Popen([sys.executable, sim_script, "--port", "0", "--lifetime", "300", "--op-duration", "2",
                            "--state-file", state], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 15
        while not os.path.exists(state):
            if time.monotonic() > deadline or sim.poll() is not None:
                raise CheckFailed("the simulator did not start")
            time.sleep(0.05)
        with open(state, encoding="utf-8") as handle:
            info = json.load(handle)
        env = dict(env, CLOUDFLARE_BASE_URL=info["url"], CLOUDFLARE_API_TOKEN=info["api_token"],
                   CLOUDFLARE_ACCOUNT_ID=info["account_id"])
        return run(cmd, cwd=cwd, env=env, check=False)
    finally:
        sim.terminate()
        try:
            sim.wait(10)
        except subprocess.TimeoutExpired:
            sim.kill()


ORDER = ["build", "install_and_run", "galaxy_importer", "ansible_lint", "docs_lint", "docs_site", "docs_module_page",
         "changelog", "execution_environment"]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--work", required=True, help="scratch folder (rebuilt)")
    parser.add_argument("--docs-dest", help="where the docs site is built (default: WORK/docs)")
    parser.add_argument("--results", help="JSON lines file for hacking/summary.py")
    parser.add_argument("--only", nargs="*", choices=ORDER)
    parser.add_argument("--label", default="ecosystem", help="name of the step in the results")
    args = parser.parse_args()
    os.makedirs(args.work, exist_ok=True)
    with open(os.path.join(args.work, "galaxy-importer.cfg"), "w", encoding="utf-8") as handle:
        # The importer's own ansible-test run needs a container engine; everything else runs.
        handle.write("[galaxy-importer]\nrun_ansible_test = False\nrun_ansible_lint = True\nrun_ansible_doc = True\n")
    checks = Checks(args.work, args.docs_dest or os.path.join(args.work, "docs"))
    result = {"step": args.label, "passed": [], "failed": [], "skipped": []}
    started = time.monotonic()
    for name in args.only or ORDER:
        began = time.monotonic()
        try:
            detail = getattr(checks, name)()
            result["passed"].append(name)
            print("    ok     %-22s %5.1fs  %s" % (name, time.monotonic() - began, detail))
        except (CheckFailed, subprocess.TimeoutExpired, OSError, ValueError, KeyError, IndexError) as err:
            result["failed"].append(name)
            print("    FAILED %-22s %5.1fs" % (name, time.monotonic() - began))
            print("\n".join("      | " + line for line in str(err).splitlines()))
    seconds = int(time.monotonic() - started)
    print("    %s: %d passed, %d failed in %ds" % (args.label, len(result["passed"]), len(result["failed"]), seconds))
    if args.results:
        with open(args.results, "a", encoding="utf-8") as handle:
            handle.write(json.dumps(dict(result, seconds=seconds, rc=0)) + "\n")
    return 1 if result["failed"] else 0


if __name__ == "__main__":
    sys.exit(main())
