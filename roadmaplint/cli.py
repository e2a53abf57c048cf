"""The command line; the only place exit codes are decided.

Exit codes: 0 clean, 1 violations remain (or ``--check`` would change a file),
2 usage, config, spec or I/O error, or a refused fix.
"""

from __future__ import annotations

import datetime as dt
import gc
import os
import sys
from typing import Any, Callable

import click

from . import __version__
from .paths import clean

EXIT_CLEAN, EXIT_VIOLATIONS, EXIT_ERROR = 0, 1, 2


class _Path(click.Path):
    """A path argument as a ``str``, shown as ``str(pathlib.Path(value))``
    would show it (``./a//b.md`` is ``a/b.md``): pathlib is not imported."""

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        return clean(super().convert(value, param, ctx))


# one instance of each kind, shared by the commands: each click.Path looks up
# its translated name (gettext searches the file system) when it is made
_PATHS = _Path(allow_dash=True)  # files and folders to check; - is stdin
_FILE = _Path(dir_okay=False)
_ANY = _Path()


class Failure(click.ClickException):
    """An error the user can act on: one line on stderr, exit 2."""

    exit_code = EXIT_ERROR

    def show(self, file: Any = None) -> None:
        click.echo(f"roadmaplint: error: {_shown(self.message)}", err=True)


def _shown(message: str) -> str:
    """A message with any byte that is not UTF-8 (a path's, say) as ``\\xNN``."""
    from .output import shown

    return shown(message)


def _say_withheld(violations: list) -> None:
    """On stderr, one line per fix `format` withheld: the file is formatted,
    that fix is not (it would lose a word, change code, or never settle)."""
    for v in violations:
        click.echo(_shown(f"{v.path}:{v.line}:{v.column}: {v.code} [{v.name}] {v.message}"), err=True)


def _raw(text: str) -> bytes:
    """A diff as bytes: paths and damaged text keep the bytes they have."""
    return text.encode("utf-8", "surrogateescape")


def _split(values: tuple[str, ...]) -> list[str]:
    return [v for value in values for v in value.replace(",", " ").split() if v]


def _selectors(ctx: click.Context, param: click.Parameter, value: tuple[str, ...]) -> list[str]:
    from .registry import is_selector

    values = _split(value)
    for v in values:
        if not is_selector(v):
            raise click.BadParameter(f"unknown rule or prefix {v!r} (see `roadmaplint rules`)")
    return values


def _date(ctx: click.Context, param: click.Parameter, value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date like 2026-01-31") from None


def selection_options(f: Callable) -> Callable:
    for option in reversed(
        [
            click.option("--select", multiple=True, callback=_selectors, metavar="RULES",
                         help="Only these rules: codes, prefixes (RL5) or names; comma-separated."),
            click.option("--ignore", multiple=True, callback=_selectors, metavar="RULES",
                         help="Skip these rules (added to the config's ignore list)."),
            click.option("--config", "config_file", type=_FILE,
                         help="Use this config file instead of searching for one."),
            click.option("--preset", help="Check against this preset instead of detecting one."),
            click.option("--unsafe-fixes", is_flag=True, help="Also apply fixes marked unsafe."),
            click.option("--diff", is_flag=True, help="Show a unified diff of what fixes would change; write nothing."),
            click.option("-v", "--verbose", is_flag=True, help="Say which config and preset each file used."),
            click.option("--exclude", multiple=True, metavar="PATTERN",
                         help="Skip files matching this gitignore-style pattern when a directory is searched "
                              "(repeatable; added to the config's exclude)."),
            click.option("--force-exclude", is_flag=True,
                         help="Apply the exclusions to files named on the command line too."),
            click.option("--color", type=click.Choice(["auto", "always", "never"]), default="auto",
                         show_default=True, help="Colour the output (auto: on a terminal, unless NO_COLOR is set; "
                         "FORCE_COLOR forces it)."),
        ]
    ):
        f = option(f)
    return f


class Run:
    """Options shared by `check` and `format`, and what a run found."""

    def __init__(self, select: list[str], ignore: list[str], config_file: str | None, preset: str | None,
                 unsafe_fixes: bool, diff: bool, verbose: bool, color: str = "auto", exclude: tuple[str, ...] = (),
                 force_exclude: bool = False, today: dt.date | None = None) -> None:
        self.select = select
        self.ignore = ignore
        self.config_file = config_file
        self.preset = preset
        self.unsafe_fixes = unsafe_fixes
        self.diff = diff
        self.verbose = verbose
        self.color = color
        self.exclude = exclude
        self.force_exclude = force_exclude
        self.today = today
        self.errors = 0
        self.cache: dict = {}
        self._config: dict = {}

    def settings(self, path: str):
        from .config import ConfigError, resolve

        try:
            settings = resolve(path, self.config_file, self.cache)
        except ConfigError as exc:
            raise Failure(str(exc)) from None
        if self.select:
            settings.select = list(self.select)
            settings.extend_select = []
        settings.ignore = [*settings.ignore, *self.ignore]
        if self.preset:
            settings.preset = self.preset
        if self.today:
            settings.today = self.today
        self._config[path] = settings.config_path
        return settings

    def say_preset(self, done: Done) -> None:
        """With -v, say which config and preset a file was checked with."""
        if self.verbose:
            click.echo(f"{_shown(str(done.path))}: config {self._config.get(done.path) or 'none'}; "
                       f"preset {done.preset or 'none'} ({done.how})", err=True)

    def error(self, message: str) -> None:
        self.errors += 1
        click.echo(f"roadmaplint: error: {_shown(message)}", err=True)


class Job:
    """One file to check, fix or format; runs in this process or a worker."""

    def __init__(self, path: str, settings: Any, mode: str, unsafe: bool = False, diff: bool = False,
                 check_only: bool = False, data: bytes | None = None) -> None:
        self.path = path
        self.settings = settings
        self.mode = mode  # check | fix | format
        self.unsafe = unsafe
        self.diff = diff
        self.check_only = check_only
        self.data = data  # read from stdin: fixed text goes to Done.output


class Done:
    """What one job found; sent back from a worker."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.violations: list = []
        self.preset: str | None = None
        self.how = ""  # detected | configured | user spec
        self.source: Any = None
        self.changed = False
        self.diff = ""
        self.error: str | None = None
        self.output: bytes | None = None  # the fixed text of stdin
        self.withheld: list = []  # fixes the guard kept back
        self.notices: list = []  # what remote checks could not settle


def _work(job: Job) -> Done:
    from . import runner
    from .files import FileError
    from .source import SourceError
    from .spec import SpecError

    done = Done(job.path)
    mode = (runner.Mode.LINT if job.mode == "check" and not job.diff
            else runner.Mode.FIX_UNSAFE if job.unsafe else runner.Mode.FIX)
    try:
        if job.data is None:  # written unless --diff or --check says not to
            result = runner.run_file(job.path, job.settings, mode, write=not (job.diff or job.check_only))
        else:
            try:
                result = runner.run_text(job.data, job.settings, mode, path=str(job.path))
            except SourceError as exc:
                raise FileError(f"{job.path}: {exc}") from None
        bound, done.violations = result.bound, result.violations
        done.withheld, done.changed, done.notices = result.withheld, result.changed, result.notices
        if job.diff:
            done.diff = _diff(str(job.path), result.source, result.fixed)
            if done.changed and job.mode != "format":  # nothing was written
                before = runner.run_source(result.source, job.settings)
                bound, done.violations = before.bound, before.violations
                done.notices += before.notices
        elif job.data is not None and result.fixed is not None:
            done.output = result.fixed.to_bytes()
    except (FileError, SpecError) as exc:
        done.error = str(exc)
        if isinstance(exc, runner.WriteError):
            done.notices = exc.result.notices
        return done
    spec = bound.spec
    done.preset = spec.preset
    done.how = "user spec" if spec.name != spec.preset else "detected" if bound.detected else "configured"
    done.source = bound.doc.source
    return done


# Below this many files a worker pool costs more than it saves.
POOL_MIN_FILES = 8


def _run_jobs(jobs: list[Job]):
    """Each job's outcome, in order; many files are shared among processes."""
    workers = min(os.cpu_count() or 1, len(jobs) // (POOL_MIN_FILES // 2) or 1)
    if len(jobs) < POOL_MIN_FILES or workers < 2 or any(j.settings.check_remote for j in jobs):
        for i, job in enumerate(jobs):
            if i:  # the cyclic GC is off (see main): clear what the last file left
                gc.collect()
                if i == 1:
                    # what is left now lives for the run (modules, caches):
                    # later collections look only at what came after
                    gc.freeze()
            yield _work(job)
        return
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    from . import document, registry

    registry.all_rules()  # import once here; forked workers inherit it
    del document
    try:
        context = multiprocessing.get_context("fork")
    except ValueError:  # no fork on this platform
        context = multiprocessing.get_context()
    # each worker checks many files: the cyclic GC back on there, and
    # blind to what the workers inherit (gc.freeze: nor do its passes copy
    # those pages)
    gc.freeze()
    with ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=gc.enable) as pool:
        yield from pool.map(_work, jobs, chunksize=max(1, len(jobs) // (workers * 4)))


def _paths(paths: tuple[str, ...], run: Run) -> list[str]:
    """The files to check: directories searched, then what ``--exclude`` and
    the config's ``exclude`` name left out (from files named on the command
    line too with ``--force-exclude``)."""
    from .files import FileError, discover, excluded

    try:
        found = discover(list(paths) or ["."])
    except FileError as exc:
        raise Failure(str(exc)) from None
    named = {p for p in paths if not os.path.isdir(p)}
    cli = [(os.getcwd(), pattern) for pattern in run.exclude]
    return [
        p for p in found
        if (p in named and not run.force_exclude) or not excluded(p, [*cli, *run.settings(p).exclude])
    ]


def _diff(path: str, before: Any, after: Any) -> str:
    """A unified diff of two Sources, with a note for what text cannot show:
    a byte-order mark removed, a file rewritten as UTF-8."""
    import difflib

    notes = []
    if before.bom != after.bom:
        notes.append(f"# {path}: {'remove' if before.bom else 'add'} the UTF-8 byte-order mark\n")
    if before.encoding != after.encoding:
        notes.append(f"# {path}: rewrite as {after.encoding.upper()} (was {before.encoding})\n")
    body = []
    for line in difflib.unified_diff(
        before.text.splitlines(keepends=True), after.text.splitlines(keepends=True), f"a/{path}", f"b/{path}"
    ):
        body.append(line)
        if not line.endswith(("\n", "\r")):  # as git and diff(1) mark it
            body.append("\n\\ No newline at end of file\n")
    return "".join(notes) + "".join(body)


def use_color(choice: str, stream: Any = None) -> bool:
    """``--color``: ``always``, ``never``, or ``auto``: a terminal, unless
    ``NO_COLOR`` says no (it wins) or ``FORCE_COLOR`` says yes."""
    if choice != "auto":
        return choice == "always"
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    stream = sys.stdout if stream is None else stream
    return bool(getattr(stream, "isatty", lambda: False)())


def _echo_diff(diff: str, color: str) -> None:
    """Print a diff, coloured as ``--color`` says, with its bytes kept."""
    click.echo(_raw(color_diff(diff) if use_color(color) else diff), nl=False)


def color_diff(diff: str) -> str:
    """A unified diff in git's colours."""
    out = []
    for line in diff.splitlines(keepends=True):
        body, end = (line[:-1], "\n") if line.endswith("\n") else (line, "")
        if line.startswith(("+++", "---")):
            body = click.style(body, bold=True)
        elif line.startswith("+"):
            body = click.style(body, fg="green")
        elif line.startswith("-"):
            body = click.style(body, fg="red")
        elif line.startswith("@@"):
            body = click.style(body, fg="cyan")
        elif line.startswith("#"):
            body = click.style(body, fg="yellow")
        out.append(body + end)
    return "".join(out)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="roadmaplint")
@click.option("--debug", is_flag=True, help="Show a traceback on internal errors.")
def cli(debug: bool) -> None:
    """Lint and format ROADMAP.md files."""


@cli.command()
@click.argument("paths", nargs=-1, type=_PATHS)
@click.option("--fix", is_flag=True, help="Apply safe fixes and write them.")
@selection_options
@click.option("--format", "fmt", type=click.Choice(["text", "json", "github", "sarif", "junit"]),
              help="Output format [default: text; github when GITHUB_ACTIONS=true].")
@click.option("-o", "--output-file", type=_FILE, metavar="FILE",
              help="Write the report to FILE instead of standard output.")
@click.option("--statistics", is_flag=True, help="Print one line per rule (count, code, name, fixable) "
              "instead of each problem.")
@click.option("--stdin-filename", type=_ANY,
              help="With `-`: the name of the file read from stdin, for config lookup and output.")
@click.option("--today", callback=_date, metavar="YYYY-MM-DD", help="The date to judge due dates by.")
@click.option("--check-remote", is_flag=True, help="Check that http(s) links answer and items agree with their issues (uses the network).")
@click.option("--cache", type=_FILE, metavar="FILE",
              help="Keep --check-remote results in this file.")
@click.option("--exit-zero", is_flag=True, help="Exit 0 even when violations remain.")
@click.option("--strict", is_flag=True, help="Warnings fail the run too.")
@click.option("-q", "--quiet", is_flag=True, help="Print only the summary.")
def check(paths: tuple[str, ...], fix: bool, fmt: str | None, output_file: str | None, statistics: bool,
          stdin_filename: str | None, exit_zero: bool, strict: bool, quiet: bool,
          check_remote: bool, cache: str | None, **options: Any) -> None:
    """Check roadmap files (default: those found under the current directory;
    `-` reads stdin)."""
    from . import output

    run = Run(**options)
    if run.unsafe_fixes and not (fix or run.diff):
        raise click.UsageError("--unsafe-fixes applies fixes: add --fix to write them, or --diff to see them")
    stdin = paths == ("-",)
    if "-" in paths and not stdin:
        raise click.UsageError("`-` (stdin) cannot be mixed with other paths")
    files = [stdin_filename or "-"] if stdin else _paths(paths, run)
    data = sys.stdin.buffer.read() if stdin else None
    jobs = []
    for path in files:
        # stdin is configured like a ROADMAP.md in the working directory
        settings = run.settings(stdin_filename or "ROADMAP.md" if stdin else path)
        settings.formatting = False  # formatting rules only when selected
        if check_remote:
            settings.check_remote = True
        if settings.check_remote:
            settings.cache = cache
            if settings.select is None:  # the network's rules, unless a selection names the rules
                from .registry import all_rules

                settings.extend_select = [*settings.extend_select, *(r.name for r in all_rules() if r.remote)]
        jobs.append(Job(path, settings, "fix" if fix else "check", run.unsafe_fixes, run.diff, data=data))
    reports = []
    notices = []  # what this run's remote checks could not settle
    for done in _run_jobs(jobs):
        notices += done.notices
        if done.diff:
            _echo_diff(done.diff, run.color)
        if done.error is not None:
            run.error(done.error)
            continue
        if done.output is not None and not run.diff:  # `check --fix -`: the text to stdout
            sys.stdout.buffer.write(done.output)
            sys.stdout.flush()
        run.say_preset(done)
        reports.append(output.FileReport(str(done.path), done.violations, done.preset, done.source))
    if fmt is None:  # in GitHub Actions, annotate the pull request
        fmt = "github" if os.environ.get("GITHUB_ACTIONS") == "true" and not output_file else "text"
    # the report goes to stderr when stdout carries the fixed text
    to_stderr = stdin and fix and not run.diff
    stream = sys.stderr if to_stderr else sys.stdout
    color = use_color(run.color, stream) and output_file is None
    report = _report(reports, fmt, statistics, quiet, color, run.errors, strict)
    if fmt == "github" and reports and output_file is None:
        click.echo(output.summary(reports), err=True)  # stdout holds workflow commands only
    if report:
        if output_file is not None:
            _write_report(output_file, report)
        else:
            click.echo(report, err=to_stderr, color=color)
    if not files:
        click.echo("roadmaplint: no roadmap files found", err=True)
    for notice in dict.fromkeys(notices):
        click.echo(f"roadmaplint: {notice}", err=True)
    failing = [v for r in reports for v in r.violations if strict or v.severity == "error"]
    if run.errors:
        sys.exit(EXIT_ERROR)
    sys.exit(EXIT_VIOLATIONS if failing and not exit_zero else EXIT_CLEAN)


def _report(reports: list, fmt: str, statistics: bool, quiet: bool, color: bool, errors: int,
            strict: bool = False) -> str:
    """The report of a `check` run in ``fmt``."""
    from . import output

    if statistics and fmt in ("text", "json"):
        if fmt == "json":
            return output.statistics(reports, as_json=True)
        lines = [output.statistics(reports), output.summary(reports)] if reports else []
        return "\n".join(line for line in lines if line)
    if fmt == "json":
        return output.as_json(reports)
    if fmt == "sarif":
        from .registry import all_rules

        return output.sarif(reports, all_rules(), successful=not errors)
    if fmt == "junit":
        return output.junit(reports, strict)
    if fmt == "github":
        return output.github(reports)
    # after an error with no report, no "All checks passed"
    return output.text(reports, color, quiet) if reports else ""


def _write_report(path: str, report: str) -> None:
    try:
        with open(path, "w", encoding="utf-8", errors="surrogateescape", newline="") as f:
            f.write(report + "\n")
    except OSError as exc:
        raise Failure(f"{path}: cannot write the report: {exc.strerror or exc}") from None


@cli.command("format")
@click.argument("paths", nargs=-1, type=_PATHS)
@click.option("--check", "check_only", is_flag=True, help="Exit 1 if a file would change; write nothing.")
@click.option("--stdin-filename", type=_ANY,
              help="The name of the file read from stdin, for config lookup.")
@selection_options
def format_(paths: tuple[str, ...], check_only: bool, stdin_filename: str | None, **options: Any) -> None:
    """Apply every safe fix (`-` reads stdin and writes stdout)."""
    from . import runner
    from .source import SourceError
    from .spec import SpecError

    run = Run(**options)
    if paths == ("-",):
        mode = runner.Mode.FIX_UNSAFE if run.unsafe_fixes else runner.Mode.FIX
        name = stdin_filename or "<stdin>"
        settings = run.settings(stdin_filename or "ROADMAP.md")
        try:
            result = runner.run_text(sys.stdin.buffer.read(), settings, mode, path=str(name))
        except (SourceError, SpecError) as exc:
            raise Failure(f"{name}: {exc}") from None
        _say_withheld(result.withheld)
        if run.diff:
            diff = _diff(str(name), result.source, result.fixed)
            _echo_diff(diff, run.color)
        elif not check_only:
            sys.stdout.buffer.write(result.to_bytes())
            sys.stdout.flush()
        sys.exit(EXIT_VIOLATIONS if check_only and result.changed else EXIT_CLEAN)

    changed = unchanged = 0
    jobs = [Job(path, run.settings(path), "format", run.unsafe_fixes, run.diff, check_only)
            for path in _paths(paths, run)]
    for done in _run_jobs(jobs):
        if done.error is not None:
            run.error(done.error)
            continue
        run.say_preset(done)
        _say_withheld(done.withheld)
        if not done.changed:
            unchanged += 1
            continue
        changed += 1
        if done.diff:
            _echo_diff(done.diff, run.color)
        elif check_only:
            click.echo(f"Would reformat: {_shown(str(done.path))}")
        else:  # name it: a pre-commit hook's log says which file changed
            click.echo(f"Reformatted: {_shown(str(done.path))}")
    verb = "would be reformatted" if check_only or run.diff else "reformatted"
    parts = []
    if changed:
        parts.append(f"{changed} file{'s' * (changed != 1)} {verb}")
    if unchanged:
        parts.append(f"{unchanged} file{'s' * (unchanged != 1)} left unchanged")
    if parts:
        click.echo(", ".join(parts), err=True)
    if run.errors:
        sys.exit(EXIT_ERROR)
    sys.exit(EXIT_VIOLATIONS if changed and (check_only or run.diff) else EXIT_CLEAN)


@cli.command()
@click.argument("rule", required=False)
def rules(rule: str | None) -> None:
    """List every rule, or print one rule's documentation."""
    from .registry import all_rules, find_rule
    from .resources import data_text

    if rule is None:
        for r in all_rules():
            fix = {"always": "fix", "sometimes": "fix?", "never": ""}[r.fix.value]
            kind = "format" if r.formatting else r.severity.value
            state = "" if r.default else " (off by default)"
            click.echo(f"{r.code}  {r.name:<24} {kind:<8} {fix:<5} {r.summary}{state}")
        click.echo(
            "\nerror: fails `check`; warning: fails it only with --strict; format: a formatting rule,\n"
            "applied by `roadmaplint format` and reported by `check` only when selected.\n"
            "fix: a fix always exists; fix?: in some cases (`roadmaplint rules CODE` says how safe)."
        )
        return
    found = find_rule(rule)
    if found is None:
        raise Failure(f"no rule {rule!r} (see `roadmaplint rules`)")
    try:
        click.echo(data_text("rules", f"{found.code}-{found.name}.md"), nl=False)
    except OSError:
        click.echo(f"{found.code} {found.name}: {found.summary}")


@cli.command()
@click.argument("path", type=_PATHS)
def export(path: str) -> None:
    """Print the document model of a roadmap as JSON."""
    from .document import load
    from .model import model_data as to_dict
    from .files import FileError, read
    from .source import Source, SourceError

    from .config import ConfigError, resolve
    from .linter import bind
    from .spec import SpecError

    try:
        source = Source.from_bytes(sys.stdin.buffer.read()) if path == "-" else read(path)
        doc = load(source)
        bound = bind(doc, resolve("ROADMAP.md" if path == "-" else path))
    except (FileError, SourceError, ConfigError, SpecError) as exc:
        raise Failure(str(exc)) from None
    from .output import shown_all

    # bytes that are not UTF-8 (a damaged file) are shown as \xNN
    import json

    click.echo(json.dumps(shown_all(to_dict(bound)), indent=2, ensure_ascii=False))


@cli.command()
@click.argument("path", required=False, type=_ANY)
@click.option("--stdout", "to_stdout", is_flag=True, help="Print the config instead of writing it.")
@click.option("--force", is_flag=True, help="Overwrite an existing .roadmaplint.toml.")
@click.option("--template", is_flag=True,
              help="Print a new roadmap that follows the config's spec (or --preset's) instead.")
@click.option("--preset", "preset_name", metavar="NAME", help="With --template: the preset to follow.")
def init(path: str | None, to_stdout: bool, force: bool, template: bool, preset_name: str | None) -> None:
    """Infer a spec from a roadmap and write .roadmaplint.toml beside it;
    with --template, print a new roadmap skeleton from a spec."""
    if template:
        _template(path, preset_name)
        return
    if preset_name is not None:
        raise Failure("--preset goes with --template")
    from .document import load
    from .linter import bind
    from .settings import Settings
    from .files import FileError, discover, read
    from .init import config_text, infer

    try:
        found = discover([path or "."])
        if not found:
            raise Failure(f"no roadmap file found in {path or '.'}")
        source = read(found[0])
    except FileError as exc:
        raise Failure(str(exc)) from None
    from .spec import SpecError

    doc = load(source)
    try:
        bound = bind(doc, Settings())
        text = _shown(config_text(bound, infer(bound)))
    except SpecError as exc:
        raise Failure(str(exc)) from None
    if to_stdout:
        click.echo(text, nl=False)
        return
    from pathlib import Path

    target = Path(found[0]).parent / ".roadmaplint.toml"
    if target.exists() and not force:
        raise Failure(f"{target} exists (use --force to overwrite, or --stdout)")
    target.write_text(text, encoding="utf-8")
    click.echo(_shown(f"Wrote {target} (preset {bound.spec.preset}) from {found[0]}"), err=True)


def _template(path: str | None, preset_name: str | None) -> None:
    """`init --template`: the skeleton of a roadmap that follows the preset
    named, else the spec of the config that applies to PATH (a roadmap to
    be, or its folder)."""
    from .config import ConfigError, resolve
    from .init import skeleton
    from .spec import PRESETS, SpecError, preset, user_spec

    try:
        if preset_name is not None:
            if preset_name not in PRESETS:
                raise Failure(f"unknown preset {preset_name!r} (one of {', '.join(PRESETS)})")
            spec = preset(preset_name)
        else:
            target = path or "."
            settings = resolve(os.path.join(target, "ROADMAP.md") if os.path.isdir(target) else target)
            if settings.spec is not None:
                spec = user_spec(settings.spec, settings.config_path or "config")
            elif settings.preset and settings.preset != "auto":
                spec = preset(settings.preset)
            else:
                raise Failure("no spec or preset in the configuration: name one with --preset "
                              f"({', '.join(PRESETS)})")
    except (ConfigError, SpecError) as exc:
        raise Failure(str(exc)) from None
    click.echo(_shown(skeleton(spec)), nl=False)
    if spec.title_pattern is not None and not spec.title_pattern.search("Roadmap"):
        click.echo(f"roadmaplint: the title must match /{spec.title_pattern.pattern}/: edit it", err=True)


@cli.command()
@click.argument("which", type=click.Choice(["spec", "config", "roadmap", "summary"]))
def schema(which: str) -> None:
    """Print a JSON Schema: the spec, the config file, the exported model, or
    `summary --format json`'s output."""
    if which == "config":
        import json

        from .config import config_schema

        click.echo(json.dumps(config_schema(), indent=2, ensure_ascii=False))
        return
    from .resources import data_text

    click.echo(data_text("schemas", f"{which}.schema.json"), nl=False)


@cli.command()
@click.argument("paths", nargs=-1, type=_PATHS)
@click.option("--format", "fmt", type=click.Choice(["text", "markdown", "json", "svg"]), default="text",
              show_default=True, help="text: a table with progress bars; markdown: for a pull request or a job "
              "summary; json: see `schemas/summary.schema.json`; svg: a badge for a README.")
@click.option("-o", "--output-file", type=_FILE, metavar="FILE",
              help="Write the summary to FILE instead of standard output.")
@click.option("--depth", type=click.IntRange(1, 6), default=2, show_default=True,
              help="How many levels of sections the text and markdown tables show.")
@click.option("--label", default="roadmap", show_default=True, help="The badge's label (svg).")
@click.option("--today", callback=_date, metavar="YYYY-MM-DD", help="The date to judge due dates by.")
@click.option("--stdin-filename", type=_ANY,
              help="With `-`: the name of the file read from stdin, for config lookup and output.")
@click.option("--config", "config_file", type=_FILE,
              help="Use this config file instead of searching for one.")
@click.option("--preset", help="Read the roadmaps with this preset instead of detecting one.")
@click.option("--exclude", multiple=True, metavar="PATTERN",
              help="Skip files matching this gitignore-style pattern when a directory is searched.")
@click.option("--force-exclude", is_flag=True, help="Apply the exclusions to files named on the command line too.")
@click.option("--color", type=click.Choice(["auto", "always", "never"]), default="auto", show_default=True,
              help="Colour the text table (auto: on a terminal, unless NO_COLOR is set; FORCE_COLOR forces it).")
def summary(paths: tuple[str, ...], fmt: str, output_file: str | None, depth: int, label: str,
            today: dt.date | None, stdin_filename: str | None, **options: Any) -> None:
    """Show how far each roadmap has got: work by status per section,
    percent done, overdue work and the next milestone due."""
    from . import progress
    from .document import load
    from .files import FileError, read
    from .linter import bind
    from .source import Source, SourceError
    from .spec import SpecError

    run = Run(select=[], ignore=[], unsafe_fixes=False, diff=False, verbose=False, today=today, **options)
    stdin = paths == ("-",)
    if "-" in paths and not stdin:
        raise click.UsageError("`-` (stdin) cannot be mixed with other paths")
    files = [stdin_filename or "-"] if stdin else _paths(paths, run)
    results = []
    when = today or dt.date.today()
    for path in files:
        settings = run.settings(stdin_filename or "ROADMAP.md" if stdin else path)
        try:
            source = Source.from_bytes(sys.stdin.buffer.read(), str(path)) if stdin else read(path)
            bound = bind(load(source), settings)
        except (FileError, SourceError, SpecError) as exc:
            run.error(f"{path}: {exc}" if isinstance(exc, SourceError) else str(exc))
            continue
        results.append(progress.progress(bound, str(path), settings.today or when))
    if not files:
        click.echo("roadmaplint: no roadmap files found", err=True)
    if fmt == "json":
        report = progress.as_json(results, when)
    elif fmt == "svg":
        report = progress.svg(results, label).rstrip("\n")
    elif fmt == "markdown":
        report = progress.markdown(results, depth).rstrip("\n") if results else ""
    else:
        color = use_color(run.color) and output_file is None
        encoding = None if output_file is not None else getattr(sys.stdout, "encoding", None)
        report = progress.text(results, depth, color, encoding or "utf-8")
    if report:
        report = _shown(report)  # a path or a title with bytes that are not UTF-8
        if output_file is not None:
            _write_report(output_file, report)
        else:
            click.echo(report, color=fmt == "text" and use_color(run.color))
    sys.exit(EXIT_ERROR if run.errors else EXIT_CLEAN)


@cli.command()
def lsp() -> None:
    """Run the language server over stdio (needs `pip install 'roadmaplint[lsp]'`)."""
    try:
        from .lsp import serve
    except ImportError as exc:  # pygls is an optional extra
        raise Failure(f"the language server needs pygls: pip install 'roadmaplint[lsp]' ({exc})") from None
    gc.enable()  # main() turns it off for a run; a server runs for hours and must free its garbage
    serve()


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    # a run builds many objects and frees few: the cyclic GC would only
    # spend time scanning them (a multi-file run collects between files)
    enabled = gc.isenabled()
    gc.disable()
    try:
        _main(args)
    finally:
        if enabled:
            gc.enable()


def _main(args: list[str]) -> None:
    try:
        cli.main(args, prog_name="roadmaplint")
    except SystemExit:
        raise
    except RecursionError:
        if "--debug" in args:
            raise
        click.echo("roadmaplint: error: the document is nested too deeply to process", err=True)
        sys.exit(EXIT_ERROR)
    except Exception as exc:  # a bug: say so in one line, never as findings
        if "--debug" in args:
            raise
        parse = sys.modules.get(f"{__package__}.parser")  # loaded if it raised (importing it may fail)
        if parse is not None and isinstance(exc, parse.ParserMismatch):  # a mistune it is not made for
            click.echo(f"roadmaplint: error: {exc}", err=True)
            sys.exit(EXIT_ERROR)
        click.echo(f"roadmaplint: internal error: {type(exc).__name__}: {exc} (run with --debug for a traceback)",
                   err=True)
        sys.exit(EXIT_ERROR)
