"""What `check` and `format` do, apart from their command line.

cli.py reads the arguments with click and calls :func:`check` or
:func:`format_files`. ``roadmaplint check [PATH...]`` and ``roadmaplint
format [PATH...]`` with no option, as pre-commit runs them, have no argument
to read: :func:`plain` recognises them and :func:`run_plain` runs them
without importing click, which is about a seventh of a one-file check's
time. So nothing here imports click but to colour text, and everything
prints with :func:`echo`.
"""

from __future__ import annotations

import gc
import os
import sys
from typing import TYPE_CHECKING, Any, Callable, Iterable, NoReturn

from .lazyre import lazy

if TYPE_CHECKING:
    import datetime as dt

EXIT_CLEAN, EXIT_VIOLATIONS, EXIT_ERROR = 0, 1, 2


class Failure(Exception):
    """An error the user can act on: one line on stderr, exit 2."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


# a control sequence (ECMA-48 CSI), as click 8.5 removes them; not
# click's own pattern, which changed between its versions
_ANSI = lazy(r"\033\[[0-?]*[ -/]*[@-~]")


def echo(message: str | bytes = "", err: bool = False, nl: bool = True, color: bool | None = None) -> None:
    """Print ``message`` and a newline to stdout (``err``: stderr) and flush,
    as click.echo does: bytes go to the binary stream as they are; control
    sequences are removed unless ``color`` (None: unless the stream is a
    terminal); a stream misconfigured as ASCII gets UTF-8. Everything
    `check` and `format` print goes through here, with click or without."""
    stream = sys.stderr if err else sys.stdout
    if stream is None:  # no console (pythonw)
        return
    if isinstance(message, bytes):
        stream.flush()
        binary = getattr(stream, "buffer", stream)
        binary.write(message + b"\n" if nl else message)
        binary.flush()
        return
    out = message + "\n" if nl else message
    if "\x1b" in out and not (_isatty(stream) if color is None else color):
        out = _ANSI.sub("", out)
    if _ascii(stream) and hasattr(stream, "buffer"):
        stream.flush()
        stream.buffer.write(out.encode("utf-8", "replace"))
        stream.buffer.flush()
        return
    stream.write(out)
    stream.flush()


def _isatty(stream: Any) -> bool:
    try:
        return bool(stream.isatty())
    except Exception:  # a closed or odd stream
        return False


def _ascii(stream: Any) -> bool:
    """Whether ``stream`` encodes as ASCII (PYTHONIOENCODING=ascii, a C
    locale without UTF-8 mode): our messages quote text in any script."""
    encoding = getattr(stream, "encoding", None)
    if not encoding:
        return False
    import codecs

    try:
        return codecs.lookup(encoding).name == "ascii"
    except LookupError:
        return False


def say_error(message: str) -> None:
    """``roadmaplint: error: MESSAGE`` on stderr: an error the user can act on."""
    echo(f"roadmaplint: error: {shown(message)}", err=True)


def shown(message: str) -> str:
    """A message with any byte that is not UTF-8 (a path's, say) as ``\\xNN``."""
    from .output import shown

    return shown(message)


def _say_withheld(violations: list) -> None:
    """On stderr, one line per fix `format` withheld: the file is formatted,
    that fix is not (it would lose a word, change code, or never settle)."""
    for v in violations:
        echo(shown(f"{v.path}:{v.line}:{v.column}: {v.code} [{v.name}] {v.message}"), err=True)


def _raw(text: str) -> bytes:
    """A diff as bytes: paths and damaged text keep the bytes they have."""
    return text.encode("utf-8", "surrogateescape")


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
            echo(f"{shown(str(done.path))}: config {self._config.get(done.path) or 'none'}; "
                 f"preset {done.preset or 'none'} ({done.how})", err=True)

    def error(self, message: str) -> None:
        self.errors += 1
        say_error(message)


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


def files_to_check(paths: tuple[str, ...], run: Run) -> list[str]:
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
    echo(_raw(color_diff(diff) if use_color(color) else diff), nl=False)


def color_diff(diff: str) -> str:
    """A unified diff in git's colours."""
    import click  # styling only: a plain check does not import click

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


def check(paths: Iterable[str] = (), *, fix: bool = False, fmt: str | None = None, output_file: str | None = None,
          statistics: bool = False, stdin_filename: str | None = None, exit_zero: bool = False,
          strict: bool = False, quiet: bool = False, check_remote: bool = False, cache: str | None = None,
          select: Iterable[str] = (), ignore: Iterable[str] = (), config_file: str | None = None,
          preset: str | None = None, unsafe_fixes: bool = False, diff: bool = False, verbose: bool = False,
          color: str = "auto", exclude: Iterable[str] = (), force_exclude: bool = False,
          today: dt.date | None = None) -> int:
    """`roadmaplint check`: report what the files break (default: those found
    under the current directory; ``-`` reads stdin), fix them with ``fix``;
    the exit code."""
    from . import output

    run = Run(list(select), list(ignore), config_file, preset, unsafe_fixes, diff, verbose, color, tuple(exclude),
              force_exclude, today)
    paths = tuple(paths)
    stdin = paths == ("-",)
    files = [stdin_filename or "-"] if stdin else files_to_check(paths, run)
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
    colored = use_color(run.color, stream) and output_file is None
    report = _report(reports, fmt, statistics, quiet, colored, run.errors, strict)
    if fmt == "github" and reports and output_file is None:
        echo(output.summary(reports), err=True)  # stdout holds workflow commands only
    if report:
        if output_file is not None:
            write_report(output_file, report)
        else:
            echo(report, err=to_stderr, color=colored)
    if not files:
        echo("roadmaplint: no roadmap files found", err=True)
    for notice in dict.fromkeys(notices):
        echo(f"roadmaplint: {notice}", err=True)
    failing = [v for r in reports for v in r.violations if strict or v.severity == "error"]
    if run.errors:
        return EXIT_ERROR
    return EXIT_VIOLATIONS if failing and not exit_zero else EXIT_CLEAN


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


def write_report(path: str, report: str) -> None:
    try:
        with open(path, "w", encoding="utf-8", errors="surrogateescape", newline="") as f:
            f.write(report + "\n")
    except OSError as exc:
        raise Failure(f"{path}: cannot write the report: {exc.strerror or exc}") from None


def format_files(paths: Iterable[str] = (), *, check_only: bool = False, stdin_filename: str | None = None,
                 select: Iterable[str] = (), ignore: Iterable[str] = (), config_file: str | None = None,
                 preset: str | None = None, unsafe_fixes: bool = False, diff: bool = False, verbose: bool = False,
                 color: str = "auto", exclude: Iterable[str] = (), force_exclude: bool = False) -> int:
    """`roadmaplint format`: apply every safe fix (``-`` reads stdin and
    writes stdout); the exit code."""
    from . import runner
    from .source import SourceError
    from .spec import SpecError

    run = Run(list(select), list(ignore), config_file, preset, unsafe_fixes, diff, verbose, color, tuple(exclude),
              force_exclude)
    paths = tuple(paths)
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
        return EXIT_VIOLATIONS if check_only and result.changed else EXIT_CLEAN

    changed = unchanged = 0
    jobs = [Job(path, run.settings(path), "format", run.unsafe_fixes, run.diff, check_only)
            for path in files_to_check(paths, run)]
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
            echo(f"Would reformat: {shown(str(done.path))}")
        else:  # name it: a pre-commit hook's log says which file changed
            echo(f"Reformatted: {shown(str(done.path))}")
    verb = "would be reformatted" if check_only or run.diff else "reformatted"
    parts = []
    if changed:
        parts.append(f"{changed} file{'s' * (changed != 1)} {verb}")
    if unchanged:
        parts.append(f"{unchanged} file{'s' * (unchanged != 1)} left unchanged")
    if parts:
        echo(", ".join(parts), err=True)
    if run.errors:
        return EXIT_ERROR
    return EXIT_VIOLATIONS if changed and (check_only or run.diff) else EXIT_CLEAN


def plain(args: list[str]) -> bool:
    """Whether ``roadmaplint ARGS`` is `check` or `format` with paths and no
    option (nothing starts with ``-``): what :func:`run_plain` runs."""
    return bool(args) and args[0] in ("check", "format") and not any(a.startswith("-") for a in args[1:])


def run_plain(args: list[str]) -> NoReturn:
    """Run ``roadmaplint check|format PATH...`` without click: the paths as
    the command line's ``click.Path`` gives them, every option at the
    default click gives it (tests hold both to it)."""
    from .paths import clean

    command = check if args[0] == "check" else format_files
    paths = [clean(a) for a in args[1:]]
    sys.exit(guarded(lambda: command(paths), debug=False))


def guarded(command: Callable[[], Any], debug: bool) -> Any:
    """Run a command. An error the user can act on is one line and exit 2;
    a bug is said in one line (``debug``: raised, with its traceback); as
    click does for its commands, Ctrl-C is "Aborted!" and exit 1, and a
    reader that stops reading (``| head``) ends the run with exit 1."""
    try:
        return command()
    except Failure as exc:
        say_error(exc.message)
        sys.exit(EXIT_ERROR)
    except (KeyboardInterrupt, EOFError):
        echo(err=True)
        echo("Aborted!", err=True)
        sys.exit(1)
    except BrokenPipeError:
        _quiet_stdout()
        sys.exit(1)
    except RecursionError:
        if debug:
            raise
        say_error("the document is nested too deeply to process")
        sys.exit(EXIT_ERROR)
    except Exception as exc:  # a bug: say so in one line, never as findings
        if debug:
            raise
        parse = sys.modules.get(f"{__package__}.parser")  # loaded if it raised (importing it may fail)
        if parse is not None and isinstance(exc, parse.ParserMismatch):  # a mistune it is not made for
            say_error(str(exc))
            sys.exit(EXIT_ERROR)
        echo(f"roadmaplint: internal error: {type(exc).__name__}: {exc} (run with --debug for a traceback)",
             err=True)
        sys.exit(EXIT_ERROR)


def _quiet_stdout() -> None:
    """Send what is left of stdout to /dev/null: flushing it at exit would
    fail again on the closed pipe, with a message."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass
