"""The command line: click reads the arguments; what `check` and `format` do
is in commands.py, which also runs them without click when no option is
given.

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

from . import __version__, commands
from .commands import (EXIT_CLEAN, EXIT_ERROR, Failure, Run, files_to_check, guarded, say_error, shown, use_color,
                       write_report)
from .paths import clean


class _Path(click.Path):
    """A path argument as a ``str``, shown as ``str(pathlib.Path(value))``
    would show it (``./a//b.md`` is ``a/b.md``): pathlib is not imported."""

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        return clean(super().convert(value, param, ctx))


# one instance of each kind, shared by the commands: each click.Path looks up
# its translated name (gettext searches the file system) when it is made.
# _PATHS: the files and folders to check, - for stdin; whether they can be
# read is left to reading, which says so in one line, as a plain `check`
# without click does (commands.run_plain)
_PATHS = _Path(allow_dash=True, readable=False)
_FILE = _Path(dir_okay=False)
_ANY = _Path()


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


class _Shown(click.ClickException):
    """A :class:`commands.Failure` raised in a command, as click shows its
    errors: the line :func:`commands.guarded` prints for a plain run, exit 2."""

    exit_code = EXIT_ERROR

    def show(self, file: Any = None) -> None:
        say_error(self.message)


class _Group(click.Group):
    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except Failure as exc:
            raise _Shown(exc.message) from None


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
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
    if options["unsafe_fixes"] and not (fix or options["diff"]):
        raise click.UsageError("--unsafe-fixes applies fixes: add --fix to write them, or --diff to see them")
    if "-" in paths and paths != ("-",):
        raise click.UsageError("`-` (stdin) cannot be mixed with other paths")
    sys.exit(commands.check(paths, fix=fix, fmt=fmt, output_file=output_file, statistics=statistics,
                            stdin_filename=stdin_filename, exit_zero=exit_zero, strict=strict, quiet=quiet,
                            check_remote=check_remote, cache=cache, **options))


@cli.command("format")
@click.argument("paths", nargs=-1, type=_PATHS)
@click.option("--check", "check_only", is_flag=True, help="Exit 1 if a file would change; write nothing.")
@click.option("--stdin-filename", type=_ANY,
              help="The name of the file read from stdin, for config lookup.")
@selection_options
def format_(paths: tuple[str, ...], check_only: bool, stdin_filename: str | None, **options: Any) -> None:
    """Apply every safe fix (`-` reads stdin and writes stdout)."""
    sys.exit(commands.format_files(paths, check_only=check_only, stdin_filename=stdin_filename, **options))


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
        text = shown(config_text(bound, infer(bound)))
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
    click.echo(shown(f"Wrote {target} (preset {bound.spec.preset}) from {found[0]}"), err=True)


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
    click.echo(shown(skeleton(spec)), nl=False)
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
    files = [stdin_filename or "-"] if stdin else files_to_check(paths, run)
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
        report = shown(report)  # a path or a title with bytes that are not UTF-8
        if output_file is not None:
            write_report(output_file, report)
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
        guarded(lambda: cli.main(args, prog_name="roadmaplint"), debug="--debug" in args)
    finally:
        if enabled:
            gc.enable()
