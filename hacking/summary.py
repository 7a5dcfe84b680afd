# Copyright: netedge.cloudflare contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Count the checks of one ansible-test step, and add up all steps.

Used by hacking/ansible-test-env.sh and hacking/matrix.py. Each step appends
one JSON line to a results file; ``time`` records a timing with no checks (the
environment's preparation); ``total`` prints a table with each step's time
and, as its very last line, ``N passed, M failed``.

What one check is:

* sanity: one sanity test (one JUnit file ``ansible-test-sanity-*.xml``
  written by ``ansible-test sanity --junit``). A test named by
  ``--list-tests`` that wrote no result counts as failed.
* units: one pytest test case in the JUnit XML that ansible-test writes
  under ``tests/output/junit/``.
* integration: one integration target named by ``--list-targets``. It passed
  when ansible-test recorded it in ``tests/output/data/integration-*.json``.

A step whose ansible-test exited non-zero without any failed check counted
gets one extra failed check, so that a crash is never reported as a pass.
"""

import argparse
import glob
import json
import os
import sys
import xml.etree.ElementTree as ET


def read_names(path):
    """Return the non-empty, stripped lines of a file (or [] if it is missing)."""
    if not path or not os.path.exists(path):
        return []
    with open(path, encoding='utf-8', errors='replace') as handle:
        return [line.strip() for line in handle if line.strip()]


def junit_cases(paths):
    """Yield (classname, name, outcome) for every test case in the given JUnit XML files.

    outcome is 'passed', 'failed' or 'skipped'. A file that cannot be parsed
    yields one failed case named after the file.
    """
    for path in paths:
        try:
            root = ET.parse(path).getroot()
        except (ET.ParseError, OSError) as ex:
            yield ('', '%s (unreadable JUnit: %s)' % (os.path.basename(path), ex), 'failed')
            continue

        for case in root.iter('testcase'):
            if case.find('failure') is not None or case.find('error') is not None:
                outcome = 'failed'
            elif case.find('skipped') is not None:
                outcome = 'skipped'
            else:
                outcome = 'passed'
            yield (case.get('classname') or '', case.get('name') or '?', outcome)


def new_result(step):
    """Return an empty result record for a step."""
    return {'step': step, 'passed': [], 'failed': [], 'skipped': []}


def count_sanity(args):
    """Count sanity tests."""
    result = new_result('sanity')
    seen = set()
    paths = sorted(glob.glob(os.path.join(args.junit_dir, 'ansible-test-sanity-*.xml')))
    for _classname, name, outcome in junit_cases(paths):
        result[outcome].append(name)
        seen.add(name)

    for test in read_names(args.expected):
        if test in seen or any(name.startswith(test + '-python-') for name in seen):
            continue
        result['failed'].append('%s (no result recorded)' % test)

    return result


def count_units(args):
    """Count unit test cases."""
    result = new_result('units')
    paths = sorted(path for path in glob.glob(os.path.join(args.junit_dir, '*.xml'))
                   if not os.path.basename(path).startswith('ansible-test-'))
    for classname, name, outcome in junit_cases(paths):
        result[outcome].append('%s::%s' % (classname, name) if classname else name)
    return result


def count_integration(args):
    """Count integration targets."""
    result = new_result('integration')
    passed = set()
    times = {}
    for path in sorted(glob.glob(os.path.join(args.data_dir, 'integration-*.json'))):
        try:
            with open(path, encoding='utf-8') as handle:
                targets = json.load(handle).get('targets') or {}
        except (OSError, ValueError):
            continue
        passed.update(targets.keys())
        for target, data in targets.items():
            if isinstance(data, dict) and isinstance(data.get('run_time_seconds'), (int, float)):
                times[target] = int(data['run_time_seconds'])
    # The slowest targets, to tell which one a long step waits on.
    result['slowest'] = ['%s %ds' % (target, seconds) for target, seconds in
                         sorted(times.items(), key=lambda item: -item[1])[:4]]

    expected = read_names(args.expected)
    for target in expected:
        if target in passed:
            result['passed'].append(target)
        else:
            result['failed'].append(target)

    for target in sorted(passed - set(expected)):
        result['passed'].append(target)

    return result


COUNTERS = {
    'sanity': count_sanity,
    'units': count_units,
    'integration': count_integration,
}


def print_step(result, seconds, cpu=None):
    """Print one step's counts and the names of its failures."""
    timing = ' in %ds' % seconds if seconds is not None else ''
    if cpu is not None:
        timing += ' (CPU %ds)' % cpu
    print('    %s: %d passed, %d failed, %d skipped%s' % (
        result['step'], len(result['passed']), len(result['failed']), len(result['skipped']), timing))
    if result.get('slowest'):
        print('      slowest: %s' % ', '.join(result['slowest']))
    for name in result['failed']:
        print('      FAILED %s' % name)


def cmd_step(args):
    """Count one step, print it and append it to the results file."""
    result = COUNTERS[args.step](args)
    if args.label:
        result['step'] = args.label

    if args.rc != 0 and not result['failed']:
        result['failed'].append('%s (ansible-test exited %d)' % (args.step, args.rc))

    for error in args.error or []:
        result['failed'].append('%s (%s)' % (args.step, error))

    print_step(result, args.seconds, args.cpu)

    if args.results:
        record = dict(result, seconds=args.seconds, cpu=args.cpu, rc=args.rc)
        with open(args.results, 'a', encoding='utf-8') as handle:
            handle.write(json.dumps(record) + '\n')

    return 1 if result['failed'] else 0


def cmd_fail(args):
    """Record a step that could not run at all as one failed check."""
    result = new_result(args.label or args.step)
    result['failed'].append('%s (%s)' % (args.label or args.step, args.error or 'could not run'))
    print_step(result, None)
    if args.results:
        with open(args.results, 'a', encoding='utf-8') as handle:
            handle.write(json.dumps(dict(result, seconds=None, rc=None)) + '\n')
    return 1


def cmd_time(args):
    """Record how long something that holds no checks took (preparing a lane's environment)."""
    if args.results:
        record = dict(new_result(args.label), seconds=args.seconds, rc=0, timing_only=True)
        with open(args.results, 'a', encoding='utf-8') as handle:
            handle.write(json.dumps(record) + '\n')
    return 0


def read_records(paths):
    """Return the records of the results files, in order; an unreadable line is one failed check."""
    records = []
    for path in paths:
        for line in read_names(path):
            try:
                records.append(json.loads(line))
            except ValueError:
                records.append(dict(new_result('?'), failed=['unreadable result line in %s' % path]))
    return records


def cmd_total(args):
    """Print the per-step table with times and the final ``N passed, M failed`` line."""
    records = read_records(args.results)
    checks = [r for r in records if not r.get('timing_only')]
    passed = sum(len(r['passed']) for r in checks)
    failed = sum(len(r['failed']) for r in checks)

    print('==> summary')
    width = max([24] + [len(record['step']) for record in records])
    for record in records:
        seconds = record.get('seconds')
        timing = '%5ds' % seconds if seconds is not None else '     -'
        timing += ' (CPU %4ds)' % record['cpu'] if record.get('cpu') is not None else ' ' * 11
        if record.get('timing_only'):
            print('    %-*s %s' % (width, record['step'], timing))
            continue
        print('    %-*s %s  %4d passed, %4d failed, %4d skipped' % (
            width, record['step'], timing, len(record['passed']), len(record['failed']), len(record['skipped'])))
        if record.get('slowest'):
            print('    %-*s        slowest: %s' % (width, '', ', '.join(record['slowest'])))
    if not checks:
        print('    no step ran')
    for note in args.note or []:
        print('    %s' % note)

    print('%d passed, %d failed' % (passed, failed))
    return 1 if failed or not checks else 0


def main():
    """Parse the command line and run a sub-command."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest='command')
    sub.required = True

    step = sub.add_parser('step', help='count one step')
    step.add_argument('step', choices=sorted(COUNTERS))
    step.add_argument('--rc', type=int, default=0, help='exit status of ansible-test')
    step.add_argument('--seconds', type=int, default=None)
    step.add_argument('--cpu', type=int, default=None, help='CPU seconds the step used (user + system)')
    step.add_argument('--junit-dir', default='tests/output/junit')
    step.add_argument('--data-dir', default='tests/output/data')
    step.add_argument('--expected', help='file with the names of the tests or targets that should have run')
    step.add_argument('--error', action='append', help='add one failed check with this reason (repeatable)')
    step.add_argument('--results', help='JSON lines file to append to')
    step.add_argument('--label', help='name shown for the step (default: the step)')
    step.set_defaults(func=cmd_step)

    fail = sub.add_parser('fail', help='record a step that could not run')
    fail.add_argument('step')
    fail.add_argument('--error')
    fail.add_argument('--results')
    fail.add_argument('--label')
    fail.set_defaults(func=cmd_fail)

    timing = sub.add_parser('time', help='record a time that holds no checks')
    timing.add_argument('label')
    timing.add_argument('--seconds', type=int, required=True)
    timing.add_argument('--results')
    timing.set_defaults(func=cmd_time)

    total = sub.add_parser('total', help='add up all steps')
    total.add_argument('--results', required=True, action='append', help='results file (repeatable, read in order)')
    total.add_argument('--note', action='append', help='a line printed under the table (repeatable)')
    total.set_defaults(func=cmd_total)

    args = parser.parse_args()
    return args.func(args)


if __name__ == '__main__':
    sys.exit(main())
