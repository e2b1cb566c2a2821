"""The Python API for notebooks: build a store from posting files, then ask the query library.

The same library the CLI drives, without click: ``build`` delegates to :func:`nhskg.pipeline.build.build`
and ``query`` to :func:`nhskg.queries.running.run_query` over the store, so a notebook and the command
line always give the same answers.

>>> import nhskg
>>> table = nhskg.query("duties-by-area", store=STORE, role="Chief Nurse")  # doctest: +SKIP
>>> table.python()[0]["area"]  # doctest: +SKIP
'https://w3id.org/nhskg/vocab/duty-area/patient-safety'
>>> nhskg.query("SELECT ?post WHERE { ?post org:role role-type:chief-nurse }", store=STORE)  # doctest: +SKIP
>>> print(nhskg.summary(STORE).coverage.footer())  # doctest: +SKIP
based on 91 postings (82 modelled in full), dated 2015-08-14 to 2025-10-15 (2 undated)
"""

from __future__ import annotations

from pathlib import Path
from typing import Sequence

from .paths import DEFAULT_STORE, given_path, store_dir
from .namespaces import DEFAULT_BASE
from .sparql.sources import Table, Triple

__all__ = ["build", "query", "summary"]


def build(
    paths: Sequence[Path | str] | Path | str,
    store: Path | str = DEFAULT_STORE,
    *,
    base: str = DEFAULT_BASE,
    decisions: Path | str | None = None,
    **options: object,
):  # type: ignore[no-untyped-def]
    """Build (or update) the store at ``store`` from posting files or folders; returns the report.

    ``decisions`` names a curation folder whose reviewers' decisions the build applies (none by
    default, unlike ``nhskg build``, which reads ``curation/`` of the working folder); the report
    then has a ``curation`` attribute saying what they did. Extra keyword options (``fresh``,
    ``strict``, ``validate``, ``full``, ``progress``, ``posting_timeout``) go to
    :func:`nhskg.pipeline.build.build` unchanged.

    Paths go to the reader as given: ``Path("")`` is the working folder, so an empty path made one
    would build whatever is there; the reader names it instead. When no path given can be read
    (empty, missing, a broken link), :class:`~nhskg.errors.InputError` names each before the store
    is touched, as ``nhskg build`` refuses them; a file that is there but unreadable is a problem on
    the report. An empty or blank ``store`` is :class:`~nhskg.errors.StorePathError` (a
    ``ValueError``), not the working folder; an empty or blank ``decisions``
    :class:`~nhskg.errors.EmptyPathError` (a ``ValueError`` too), not the working folder's ``*.csv``.
    """
    from .errors import InputError
    from .pipeline.build import build as run_build
    from .read.files import path_problem

    directory = store_dir(store)
    if decisions is not None:
        decisions = given_path(decisions, "decisions=", "the curation folder, or leave decisions out to apply none")
    paths = [paths] if isinstance(paths, (str, Path)) else list(paths)
    unreadable = [problem for problem in map(path_problem, paths) if problem is not None]
    if paths and len(unreadable) == len(paths):
        first, *others = unreadable
        raise InputError(first.source, "".join([first.problem, *(f"; {other}" for other in others)])
                         + "; nothing to read, so the store was not touched")
    if decisions is None:
        return run_build(paths, directory, base=base, **options)  # type: ignore[arg-type]
    from .curation.apply import applying
    from .curation.folder import load_decisions
    from .pipeline.report import BuildInterrupted, with_curation
    from .vocabulary.vocab import load_vocabulary

    with applying(load_decisions(decisions, load_vocabulary())) as session:
        assert session is not None
        try:
            report = run_build(paths, directory, base=base, **options)  # type: ignore[arg-type]
        except BuildInterrupted as stop:  # Ctrl-C once the build was live: its report says what it did
            stop.report = with_curation(stop.report, session.report())
            raise
        return with_curation(report, session.report())


def query(
    name: str | Path,
    store: Path | str | None = None,
    *,
    timeout: float | None = 60.0,
    base: str = DEFAULT_BASE,
    **params: object,
) -> Table | list[Triple] | bool:
    """Run library query ``name``, a ``.rq`` path, or SPARQL text on the store; parameters as keywords.

    Values are given as the CLI takes them (codes, labels or acronyms of concepts, IRIs, numbers
    as text or numbers): they are bound as RDF terms, never pasted into the query. Text needs no
    header and may leave out the project's PREFIX lines. The query runs in a child process stopped
    after ``timeout`` seconds (``None``: no limit, in this process), raising
    :class:`nhskg.queries.timeout.QueryTimeout`. A SELECT returns a :class:`~nhskg.sparql.sources.Table`.
    An empty or blank ``store`` is :class:`~nhskg.errors.StorePathError` (a ``ValueError``).
    """
    from .queries.library import load_query, query_from_text
    from .queries.running import run_query
    from .graph.store import GraphStore
    from .queries.timeout import TimedSource

    directory = store_dir(DEFAULT_STORE if store is None else store)
    text = str(name)
    if isinstance(name, Path) or text.endswith(".rq") or "{" not in text:
        library_query = load_query(name)
    else:
        library_query = query_from_text(text)
    source = (GraphStore.open(directory).source() if timeout is None
              else TimedSource(directory, timeout, option="timeout=N"))
    values = {key: _text(value) for key, value in params.items()}
    return run_query(source, library_query, values, base=base)


def summary(store: Path | str | None = None):  # type: ignore[no-untyped-def]
    """What the graph rests on: postings read, modelled in full, by role type, organisation type
    and source file, and the dates they span (:class:`nhskg.queries.coverage.Summary`)."""
    from .queries.coverage import summary as graph_summary
    from .graph.store import GraphStore

    return graph_summary(GraphStore.open(store_dir(DEFAULT_STORE if store is None else store)).source())


def _text(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
