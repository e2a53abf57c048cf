"""Status rules (RL3xx, and RL108): every item states its status with a known
marker, and writes each marker in one form."""

from __future__ import annotations

from typing import Any, Iterator

from ..binding import Bound, ItemState
from ..document import Item, Section, Span
from ..registry import Context, rule
from ..violations import Edit, Finding, Fix
from ..spec import BUILTIN_STATUSES, PRESETS, Spec, norm_marker
from ..util import majority, text_fix


def _items(bound: Bound) -> Iterator[tuple[Section, Item, ItemState]]:
    """(section, item, what binding says of it) for every item that is work,
    not legend."""

    state_of = bound.item
    for section in bound.doc.root.walk():
        if not section.items:
            continue
        # each item before its sub-items, with a stack instead of a
        # generator per level
        stack = section.items[::-1]
        while stack:
            item = stack.pop()
            state = state_of(item)
            if not state.in_legend:
                yield section, item, state
            if item.children:
                stack.extend(item.children[::-1])


def _policies(bound: Bound) -> dict[int, str]:
    """Each section's items-status policy: its own spec section's, else the
    nearest bound ancestor's, else the spec's."""
    out: dict[int, str] = {}

    def rec(section: Section, inherited: str) -> None:
        spec = bound.section_spec(section)
        own = spec.items_status if spec is not None else None
        policy = own or inherited
        out[id(section)] = policy
        for child in section.children:
            rec(child, policy)

    rec(bound.doc.root, bound.spec.items_status)
    return out


def _lists(section: Section) -> dict[int, int]:
    """id(list item block) -> index of the list it belongs to in the section."""
    out = {}
    for i, block in enumerate(section.blocks):
        if block.type == "list":
            for li in block.children:
                out[id(li)] = i
    return out


def _line_span(item: Item) -> Span:
    return Span(item.span.start, item.marker_span.end)


@rule(code="RL301", name="missing-status", severity="warning", fix="never",
      summary="An item that needs a status has none.")
def missing_status(ctx: Context) -> Iterator[Finding]:
    doc, bound = ctx.doc, ctx.bound
    policies = _policies(bound)
    for section in doc.root.walk():
        policy = policies[id(section)]
        items = [it for it in section.items if not bound.item(it).in_legend]
        if policy == "forbidden":
            for item in items:
                state = bound.item(item)
                if state.marker is not None and state.source == "marker":
                    yield Finding(state.marker.span, "a status marker is not allowed here")
            continue
        if policy != "required":
            continue
        # Sub-items detail their parent's work and need no status of their own.
        # When the preset was only guessed, a list none of whose items has a
        # status (links, notes, credits) is not a list of work.
        lists = _lists(section)
        stated = {lists.get(id(it.block)) for it in items if bound.status(it) is not None}
        for item in items:
            state = bound.item(item)
            if state.status is not None or state.marker is not None:
                continue  # a marker nobody defined is unknown-status's
            if bound.detected and lists.get(id(item.block)) not in stated:
                continue
            yield Finding(_line_span(item), f"item has no status: \"{_short(item.text)}\"")


@rule(code="RL302", name="unknown-status", severity="warning", fix="never",
      summary="An item uses a status marker that neither the spec nor the legend defines.")
def unknown_status(ctx: Context) -> Iterator[Finding]:
    bound = ctx.bound
    legend = bound.legend
    policies = _policies(bound)
    for section, _, state in _items(bound):
        marker = state.marker
        if marker is None or marker.kind == "link":
            continue
        if legend is not None and legend.status_of(marker) is not None:
            continue
        if legend is None and state.source == "marker":
            continue
        if legend is None and marker.kind != "bracket" and policies[id(section)] != "required":
            continue  # a decorative emoji, where nothing asks for markers
        # with a legend, a marker it does not define is reported here, at the
        # item, even when the spec knows it: the reader looks it up there
        defined = " ".join(e.marker.value for e in legend.entries) if legend else ""
        hint = f" (the legend defines {defined})" if defined else ""
        yield Finding(marker.span, f"unknown status marker \"{marker.text}\"{hint}")


@rule(code="RL303", name="status-conflict", fix="never",
      summary="An item's marker contradicts its task box or its section.")
def status_conflict(ctx: Context) -> Iterator[Finding]:
    bound, spec = ctx.bound, ctx.spec
    for section, item, state in _items(bound):
        marker, status, source = state.marker, state.status, state.source
        if source == "marker" and item.checkbox is not None:
            if _box_conflict(spec, bool(item.checked), status):
                box = "checked" if item.checked else "unchecked"
                yield Finding(marker.span, f"{box} box next to \"{marker.text}\", {_a(status)} marker")
                continue
        if source not in ("marker", "checkbox"):
            continue
        implied = bound.implied_status(section)
        if implied is None or not _section_conflict(spec, implied, status):
            continue
        if source == "checkbox" and item.checked:
            continue  # a to-do list is ticked off in place
        if source == "marker":
            where, what = marker.span, f"\"{marker.text}\" ({status})"
        else:
            where, what = _box_span(item), f"{'checked' if item.checked else 'unchecked'} box"
        heading = bound.status_heading(section).title  # this one or an ancestor
        yield Finding(where, f"{what} under \"{heading}\", a section of {implied} work")


def _known(spec: Spec, status: str | None) -> bool:
    """A status whose meaning is known: a legend entry that names no status
    word ("🦄 shiny") says nothing about being finished."""
    return status is not None and (status in spec.statuses or status in BUILTIN_STATUSES)


def _box_conflict(spec: Spec, checked: bool, status: str | None) -> bool:
    # a checked box says done; an open box may hold planned, ongoing or dropped work
    if not _known(spec, status):
        return False
    if checked:
        return not spec.finished(status)
    return spec.finished(status) and status != "dropped"


def _section_conflict(spec: Spec, implied: str, status: str | None) -> bool:
    """Finished work under a section of planned work, or unfinished work
    under a section of finished work. Sections of ongoing work hold both."""
    if not (_known(spec, implied) and _known(spec, status)):
        return False
    if implied == "planned":
        return spec.finished(status) and status != "dropped"
    if spec.finished(implied) and implied != "dropped":
        return status in ("planned", "in-progress", "blocked") or not spec.finished(status)
    return False


def _a(word: str | None) -> str:
    word = word or "unknown"
    return f"{'an' if word[0] in 'aeiou' else 'a'} {word}"


def _box_span(item: Item) -> Span:
    return Span(item.span.start, min(item.span.end, item.marker_span.end + 4))


@rule(code="RL304", name="legend-mismatch", severity="warning", fix="never",
      summary="The legend is missing where the spec requires one, or defines markers the spec does not know.")
def legend_mismatch(ctx: Context) -> Iterator[Finding]:
    spec, legend = ctx.spec, ctx.bound.legend
    if legend is None:
        if spec.legend == "required":
            yield Finding(Span(0, 0), "no status legend (a list near the top like \"- ✅ done\")")
        return
    if spec.legend == "forbidden":
        yield Finding(legend.block.span, "a status legend is not allowed by the spec")
        return
    if spec.name not in PRESETS:
        # a user's spec names its markers: the legend must not invent others
        for entry in legend.entries:
            if spec.status_of(entry.marker.value) is None:
                yield Finding(entry.marker.span, f"legend marker \"{entry.marker.text}\" is not a status in the spec")


def _short(text: str, limit: int = 50) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


# -- RL108 status-marker-form ----------------------------------------------------------
# (a status rule; its code is from the time it sat with the encoding rules)


def _identity(marker: str) -> str:
    """What a marker is, whatever its spelling: the emoji without U+FE0F for
    an emoji or a GitHub shortcode, lower case for a bracket word."""
    if marker.startswith(":") and marker.endswith(":"):
        import emoji  # only for shortcodes

        found = emoji.emojize(marker, language="alias")
        if found != marker:
            return found.replace("\ufe0f", "")
    return norm_marker(marker)


def _form(text: str) -> str:
    """How a marker is spelled, as far as this rule cares: exactly, but for
    the case of a bracket word, which is left to the author."""
    return text.casefold() if text.startswith("[") else text


def _most(forms: list[str], exact: bool = False) -> tuple[str, str]:
    """The form written most often (the earliest one breaks a tie), and why."""
    vote = majority(forms, key=None if exact else _form)
    assert vote is not None
    why = "the form this file uses first" if vote.tie else "the form this file uses most"
    return vote.first, why


@rule(code="RL108", name="status-marker-form", severity="warning", fix="always",
      summary="One status marker written in two forms (:white_check_mark: and ✅, [X] and [x]).")
def status_marker_form(ctx: Context) -> Iterator[Finding]:
    doc, bound = ctx.doc, ctx.bound
    items = [(it, state) for it in doc.items() if not (state := bound.item(it)).in_legend]
    # GitHub's shortcodes come from the emoji package (slow to import): only
    # when the document writes one, or the user's spec prefers one
    user = bound.spec.name != bound.spec.preset
    shortcodes = any(state.marker is not None and state.marker.kind == "shortcode" for _, state in items)
    legend: dict[str, str] = {}
    if bound.legend is not None:
        for entry in bound.legend.entries:
            if entry.marker.kind != "mojibake":
                legend.setdefault(_identity(entry.marker.text), entry.marker.text)
    # the user's spec names a form: the first marker it lists for the status
    spec: dict[str, str] = {}
    if user:
        for status in bound.spec.statuses.values():
            for m in status.markers:
                if shortcodes or status.markers[0].startswith(":") or not m.startswith(":"):
                    spec.setdefault(_identity(m), m)
    text = doc.text
    # every marker as written, by what it is; and every task box
    written: dict[str, list[Any]] = {}
    boxes: list[tuple[Any, int]] = []
    for item, state in items:
        marker = state.marker
        if marker is not None and marker.kind in ("emoji", "shortcode", "bracket"):
            written.setdefault(_identity(marker.text), []).append(marker)
        if item.checkbox in ("x", "X") and item.block is not None:
            first = next((c for c in item.block.children if c.type == "paragraph"), None)
            if first is not None and text.startswith(f"[{item.checkbox}]", first.span.start):
                boxes.append((item, first.span.start))
    for key, markers in written.items():
        named = legend.get(key) or spec.get(key)
        if named is not None and _identity(named) != key:
            named = None
        if named is None and len({_form(m.text) for m in markers}) < 2:
            continue  # one form throughout: the file's own spelling
        want, why = (named, "the legend's form" if key in legend else "your spec's form") if named else _most([m.text for m in markers])
        for marker in markers:
            if _form(marker.text) != _form(want):
                yield Finding(marker.span, f"status marker \"{marker.text}\"; write it as \"{want}\", {why}",
                              text_fix(doc.source, Edit(marker.span.start, marker.span.end, want)))
    if boxes:
        named = next((f for f in (legend.get("[x]"), spec.get("[x]")) if f in ("[x]", "[X]")), None)
        if named:
            want, why = named, "the legend's form" if legend.get("[x]") == named else "your spec's form"
        else:
            want, why = _most([f"[{item.checkbox}]" for item, _ in boxes], exact=True)
        for item, at in boxes:
            if f"[{item.checkbox}]" != want:
                yield Finding(Span(at, at + 3), f"task box \"[{item.checkbox}]\"; write it as \"{want}\", {why}",
                              Fix.safe(Edit(at + 1, at + 2, want[1]), rewrites=True))


# -- RL305 status-drift (network: only with --check-remote) ---------------------------


@rule(code="RL305", name="status-drift", fix="sometimes", severity="warning", default=False, remote=True,
      summary="An item's status disagrees with its linked issues (only with --check-remote).",
      options={
          "github_api": {"type": "string", "default": "https://api.github.com",
                         "description": "The GitHub API's base URL (GitHub Enterprise: `https://HOST/api/v3`); "
                                        "the environment variable ROADMAPLINT_GITHUB_API overrides it."},
          "github_host": {"type": "string", "default": "github.com",
                          "description": "The host of the GitHub links that API answers for."},
          "gitlab_api": {"type": "string", "default": "https://gitlab.com/api/v4",
                         "description": "The GitLab API's base URL (self-hosted: `https://HOST/api/v4`); "
                                        "the environment variable ROADMAPLINT_GITLAB_API overrides it."},
          "gitlab_host": {"type": "string", "default": "gitlab.com",
                          "description": "The host of the GitLab links that API answers for."},
          "timeout": {"type": "number", "exclusiveMinimum": 0, "default": 10, "description": "Seconds to wait for each request."},
          "concurrency": {"type": "integer", "minimum": 1, "maximum": 16, "default": 4, "description": "Requests in flight at once."},
          "retries": {"type": "integer", "minimum": 0, "maximum": 10, "default": 2, "description": "Retries on 5xx and network errors."},
          "backoff": {"type": "number", "minimum": 0, "maximum": 60, "default": 0.5, "description": "Seconds before the first retry; doubled for each further one."},
          "max_age": {"type": "number", "minimum": 0, "default": 3600, "description": "Seconds a cached state is used without asking; older ones are asked again with their ETag."},
      })
def status_drift(ctx: Context) -> Iterator[Finding]:
    if not ctx.run.check_remote:
        return  # never in a plain run
    from pathlib import Path

    from ..remote import NOTICES
    from ..trackers import PROVIDERS
    from ..trackers.client import fetch

    opts = ctx.options
    # each provider's API and host: the options named after its forge, when
    # the rule has them (a new provider works with its defaults)
    providers = [cls(getattr(opts, f"{cls.forge}_api", None), getattr(opts, f"{cls.forge}_host", None))
                 for cls in PROVIDERS]
    repo = ctx.repository
    home = next((p for p in providers if repo is not None and repo.host == p.host), None)
    work: list[tuple[Item, ItemState, list[Any]]] = []  # (item, state, [(provider, ref)])
    for _, item, state in _items(ctx.bound):
        if not _known(ctx.spec, state.status) or state.status == "dropped":
            continue  # nothing an issue could contradict: not asked about
        refs = _issue_refs(ctx.doc, item, providers, repo if home is not None else None, home)
        if refs:
            work.append((item, state, refs))
    if not work:
        return
    cache = ctx.run.cache
    outcomes, exhausted = fetch([pr for _, _, refs in work for pr in refs], cache=Path(cache) if cache else None,
                                max_age=opts.max_age, timeout=opts.timeout, retries=opts.retries,
                                backoff=opts.backoff, concurrency=opts.concurrency)
    asked = [o for o in outcomes.values() if o.problem != "limited"]
    if asked and all(o.problem == "offline" for o in asked):
        NOTICES.append(f"status-drift skipped: no issue tracker could be reached; {_n(len(work), 'item')} "
                       "not checked (is the network up?)")
        return
    limited = [w for w in work if any(outcomes[r].problem == "limited" for _, r in w[2])]
    if limited:
        for provider, reset in sorted(exhausted.items(), key=lambda pr: pr[0].label):
            mine = [w for w in limited if any(p is provider and outcomes[r].problem == "limited" for p, r in w[2])]
            when = ""
            if reset is not None:
                import datetime as dt

                when = "; it resets at " + dt.datetime.fromtimestamp(reset, dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
            hint = "" if provider.token else f" (a token in {provider.token_env[0]} allows more)"
            NOTICES.append(f"status-drift: the {provider.label} API rate limit is exhausted; "
                           f"{_n(len(mine), 'item')} not checked{when}{hint}")
    unread = {r: o for r, o in outcomes.items() if o.problem in ("missing", "error", "offline")}
    if unread:
        names = sorted({_ref_name(r, repo) for r in unread})
        details = sorted({o.detail or o.problem for o in unread.values()})
        NOTICES.append(f"status-drift: {_n(len(unread), 'issue')} could not be read ({', '.join(details)}), "
                       f"not checked: {', '.join(names[:3])}" + (" …" if len(names) > 3 else ""))
    done_marker = None
    for item, state, refs in work:
        states = [outcomes[r].state for _, r in refs]
        if any(s is None for s in states):
            continue
        found = _drift(ctx, item, state, [(r, s) for (_, r), s in zip(refs, states)], repo)
        if found is None:
            continue
        message, fixable = found
        fix = None
        if fixable:
            if done_marker is None:
                done_marker = (_done_form(ctx.bound),)
            fix = _done_fix(ctx.doc, item, state, done_marker[0])
        yield Finding(_item_span(ctx.doc, item, state), message, fix)


from ..lazyre import lazy  # noqa: E402

# #123, owner/name#123, and on GitLab !123 (a merge request): as GitHub
# links them in text
_ISSUE_SHORTHAND = lazy(r"(?<![\w/#&!])((?:[\w.-]+/)+[\w.-]+)?([#!])(\d+)\b")


def _issue_refs(doc: Any, item: Item, providers: list[Any], repo: Any, home: Any) -> list[tuple[Any, Any]]:
    """(provider, IssueRef) of each issue or pull request the item's own
    text links: URLs, and the shorthand when the roadmap's repository is on
    a provider's host."""
    from html import unescape

    out: dict[Any, Any] = {}
    for link in item.links:
        if link.kind in ("image", "definition") or doc.in_code(link.span.start):
            continue
        url = unescape(link.url)
        for provider in providers:
            ref = provider.ref(url)
            if ref is not None:
                out.setdefault(ref, provider)
                break
    first = next((c for c in item.block.children if c.type == "paragraph"), None) if item.block else None
    if repo is not None and first is not None:
        text = doc.text
        inside = [lk.span for lk in item.links]
        for m in _ISSUE_SHORTHAND.finditer(text, first.span.start, first.span.end):
            if doc.in_code(m.start()) or any(s.start <= m.start() < s.end for s in inside):
                continue
            if m.group(2) == "!" and home.forge != "gitlab":
                continue
            ref = repo.shorthand(m.group(0))
            if ref is not None:
                out.setdefault(ref, home)
    return [(provider, ref) for ref, provider in out.items()]


def _ref_name(ref: Any, repo: Any) -> str:
    sign = "!" if ref.forge == "gitlab" and ref.kind == "pull" else "#"
    own = repo is not None and (ref.host, ref.repo) == (repo.host, repo.path)
    return f"{'' if own else ref.repo}{sign}{ref.number}"


def _said(ref: Any, state: Any, repo: Any) -> str:
    """``#1806 was closed as completed on 2022-11-03``."""
    name = _ref_name(ref, repo)
    on = f" on {state.date}" if state.date else ""
    if state.state == "open":
        if state.reopened:
            return f"{name} was reopened and is still open"
        return f"{name} is still open" + (f" (opened{on})" if on else "")
    if state.state == "merged":
        return f"{name} was merged{on}"
    if state.state == "not_planned":
        return f"{name} was closed as not planned{on}"
    if state.state == "completed" and ref.forge != "gitlab":  # GitLab keeps no reason
        return f"{name} was closed as completed{on}"
    return f"{name} was closed{on}"


def _drift(ctx: Context, item: Item, state: ItemState, known: list[tuple[Any, Any]],
           repo: Any) -> tuple[str, bool] | None:
    """(message, whether the done marker fixes it), or None."""
    spec = ctx.spec
    status = state.status
    if not _known(spec, status) or status == "dropped":
        return None
    said = "; ".join(_said(r, s, repo) for r, s in known)
    dropped = [(r, s) for r, s in known if s.state == "not_planned"]
    if dropped:
        return f"item is marked {status}, but " + "; ".join(_said(r, s, repo) for r, s in dropped), False
    if spec.finished(status):
        if all(s.state == "open" for _, s in known):
            return f"item is marked {status}, but {said}", False
        return None
    if all(s.state in ("completed", "merged") for _, s in known):
        return f"item is marked {status}, but {said}", True
    return None


def _item_span(doc: Any, item: Item, state: ItemState) -> Span:
    if state.marker is not None and state.source == "marker":
        return state.marker.span
    first = next((c for c in item.block.children if c.type == "paragraph"), None) if item.block else None
    if item.checkbox is not None and first is not None and doc.text.startswith("[", first.span.start):
        return Span(first.span.start, first.span.start + 3)  # the box
    line_end = doc.source.line_end(doc.source.line_of(item.span.start))
    return Span(item.span.start, min(line_end, item.span.end))


def _done_form(bound: Bound) -> str | None:
    """The done marker the document uses: the legend's, else the form its
    done items are marked with most."""
    if bound.legend is not None:
        for entry in bound.legend.entries:
            if entry.status == "done" and entry.marker.kind in ("emoji", "shortcode", "bracket"):
                return entry.marker.text
    forms = [st.marker.text for _, _, st in _items(bound)
             if st.status == "done" and st.source == "marker" and st.marker is not None
             and st.marker.kind in ("emoji", "shortcode", "bracket")]
    vote = majority(forms, key=None)
    return vote.first if vote is not None else None


def _done_fix(doc: Any, item: Item, state: ItemState, marker: str | None) -> Fix | None:
    """Mark the item done the document's way: its marker replaced by the
    done marker, its task box checked."""
    from ..violations import Applicability

    edits = []
    if state.source == "marker":
        if marker is None or state.marker is None or state.marker.kind not in ("emoji", "shortcode", "bracket"):
            return None
        edits.append(Edit(state.marker.span.start, state.marker.span.end, marker))
    elif state.source != "checkbox":
        return None  # the section says it: moving the item is the author's call
    if item.checkbox == " " and item.block is not None:
        first = next((c for c in item.block.children if c.type == "paragraph"), None)
        if first is not None and doc.text.startswith("[ ]", first.span.start):
            boxes = [it.checkbox for it in doc.items() if it.checkbox in ("x", "X")]
            edits.append(Edit(first.span.start + 1, first.span.start + 2,
                              "X" if boxes.count("X") > boxes.count("x") else "x"))
    if not edits:
        return None
    fix = text_fix(doc.source, *edits, applicability=Applicability.UNSAFE)
    if edits[-1].replacement in ("x", "X"):
        # a checked box renders as another element, not as other text
        from ..violations import Rendering

        fix = fix.replace(effect=Rendering.RESTRUCTURED)
    return fix


def _n(count: int, word: str) -> str:
    return f"{count} {word}{'s' * (count != 1)}"
