"""Click parameter types for what people type: ``NAME=VALUE`` pairs, concepts by code or label,
and folders and files that name something (never ``""``, the working folder).

Each is checked at the edge, before a store is opened, so a mistake is a usage error (exit 2)
whichever command met it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, cast

import click

from ..errors import echoed

__all__ = ["NameValue", "NAME_VALUE", "Choice", "IntRange", "FloatRange", "Seconds", "INT", "FLOAT", "Concept", "CURATION_WANTED",
           "GivenPath", "ExportFile", "StoreDir"]


class NameValue(click.ParamType):
    """``NAME=VALUE`` as ``(name, value)``: a query parameter (``--param``). The name is stripped;
    the value is kept as typed (a posting id may end in a space, and must not then name another).

    >>> NAME_VALUE.convert(" role =CMO", None, None)
    ('role', 'CMO')
    """

    name = "NAME=VALUE"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> tuple[str, str]:
        if isinstance(value, tuple):
            return value
        name, sep, text = str(value).partition("=")
        if not sep or not name.strip():
            self.fail(f"'{echoed(str(value))}' is not NAME=VALUE", param, ctx)
        return name.strip(), text


NAME_VALUE = NameValue()


class _Echoes(click.ParamType):
    """Click's own check of a value (a choice, a number), whose message repeats at most the first
    80 characters of it (:func:`~nhskg.errors.echoed`): click repeats the whole value, and a
    10,000-character ``--by`` made the one error line 10 KB. The message is click's otherwise."""

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        try:
            return super().convert(value, param, ctx)
        except click.BadParameter as error:
            if not isinstance(value, str) or repr(value) not in error.message:
                raise
            self.fail(error.message.replace(repr(value), f"'{echoed(value)}'", 1), param, ctx)


class Choice(_Echoes, click.Choice):
    """:class:`click.Choice`, repeating at most 80 characters of a value it refuses.

    >>> Choice(["year", "month"]).convert("y" * 100, None, None)
    Traceback (most recent call last):
    ...
    click.exceptions.BadParameter: 'yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy…' is not one of 'year', 'month'.
    """


class IntRange(_Echoes, click.IntRange):
    """:class:`click.IntRange`, repeating at most 80 characters of a value it refuses."""


class FloatRange(_Echoes, click.FloatRange):
    """:class:`click.FloatRange`, repeating at most 80 characters of a value it refuses."""


class Seconds(FloatRange):
    """A number of seconds between ``min`` and ``max``; click's range lets ``nan`` through.

    >>> Seconds(0.1, 10).convert("nan", None, None)
    Traceback (most recent call last):
    ...
    click.exceptions.BadParameter: 'nan' is not a number of seconds.
    """

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        seconds = super().convert(value, param, ctx)
        if seconds != seconds:  # nan
            self.fail(f"'{echoed(str(value))}' is not a number of seconds.", param, ctx)
        return seconds


class _Int(_Echoes, click.types.IntParamType):
    pass


class _Float(_Echoes, click.types.FloatParamType):
    pass


#: ``type=int`` and ``type=float``, repeating at most 80 characters of a value they refuse.
INT, FLOAT = _Int(), _Float()


class Concept(click.ParamType):
    """A concept of one scheme of ``ontology/vocab`` named by its code, IRI, label or acronym
    (``CMO``, ``"Chief Nurse"``), as its code; anything else fails listing the nearest labels.

    >>> Concept("role-type").convert("CMO", None, None)
    'chief-medical-officer'
    """

    def __init__(self, scheme: str) -> None:
        self.scheme = scheme
        self.name = scheme.replace("-", " ")

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        from ..errors import UnknownValue
        from ..vocabulary.labels import named_concepts, resolve
        from ..vocabulary.vocab import load_vocabulary

        concepts = named_concepts(load_vocabulary().scheme(self.scheme).concepts)
        try:
            return resolve(str(value), concepts, self.name).code
        except UnknownValue as error:
            self.fail(str(error), param, ctx)


#: What to give instead of an empty curation folder (every ``--decisions`` but build's).
CURATION_WANTED = "the curation folder (default curation)"


class GivenPath(click.Path):
    """A folder or file option (or argument), as a :class:`~pathlib.Path`; an empty or blank one
    is a usage error naming the option and saying what to give (``wanted``), before anything is
    read or written. Every path option but the posting PATHs (which the reader names) is one.

    ``Path("")`` is the working folder: ``docs --out ""`` wrote index.html among the person's
    files, ``review --decisions ""`` read their *.csv as decisions. The check is
    :func:`nhskg.paths.given_path`'s, as the notebook API's. Other keywords go to :class:`click.Path`.

    >>> GivenPath("a folder for the CSV tables", file_okay=False).convert("", click.Option(["--tables"]), None)
    Traceback (most recent call last):
    ...
    click.exceptions.UsageError: --tables '' is empty, which would mean the working folder; give a folder for the CSV tables
    """

    def __init__(self, wanted: str, **options: Any) -> None:
        super().__init__(path_type=Path, **options)
        self.wanted = wanted

    def check(self, value: Any, named: str) -> None:
        """Raise :class:`~nhskg.errors.EmptyPathError` for a value that names no path."""
        from ..paths import given_path

        given_path(value, named, self.wanted)

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Path:
        from ..errors import EmptyPathError

        try:
            self.check(value, _named(param, ctx))
        except EmptyPathError as error:
            # Not self.fail: its "Invalid value for '--out':" would name the option twice.
            raise click.UsageError(str(error), ctx) from error
        return cast(Path, super().convert(value, param, ctx))


def _named(param: click.Parameter | None, ctx: click.Context | None) -> str:
    """How a message names the value of ``param``: ``--out ``, ``FILE ``, or ``NHSKG_STORE=`` when
    it came from the environment."""
    if param is None or param.name is None:
        return ""
    if ctx is not None and isinstance(param.envvar, str) \
            and ctx.get_parameter_source(param.name) is click.core.ParameterSource.ENVIRONMENT:
        return f"{param.envvar}="
    if isinstance(param, click.Option):
        return f"{param.opts[0]} "
    return f"{param.human_readable_name} "


class ExportFile(GivenPath):
    """A file to export the graph to, as a :class:`~pathlib.Path`: its extension names one of
    :data:`nhskg.graph.store.EXPORT_FORMATS`, and its folder is one or can be made (no file on the
    way). Checked before a build, which would otherwise run to the end and only then fail.

    >>> ExportFile().convert("graph.xyz", None, None)
    Traceback (most recent call last):
    ...
    click.exceptions.BadParameter: graph.xyz: '.xyz' is not a format nhskg exports; use one of .ttl, .nt, .nq, .trig, .jsonld
    """

    def __init__(self) -> None:
        super().__init__("a file to export to (e.g. graph.ttl)", dir_okay=False)

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Path:
        from ..graph.store import EXPORT_FORMATS

        path = super().convert(value, param, ctx)
        if path.suffix.lower() not in EXPORT_FORMATS:
            what = f"'{path.suffix}' is not a format nhskg exports" if path.suffix else "no extension names its format"
            self.fail(f"{path}: {what}; use one of {', '.join(EXPORT_FORMATS)}", param, ctx)
        folder = next(p for p in (path.parent, *path.parent.parents) if p.exists() or p == Path(p.anchor))
        if not folder.is_dir():
            self.fail(f"{path}: {folder} is a file, not a folder; choose a file in a folder", param, ctx)
        return path


class StoreDir(GivenPath):
    """The folder of a graph store (every ``--store``), as a :class:`~pathlib.Path`; an empty or
    blank one is a usage error naming the option (or ``NHSKG_STORE``) before anything is opened.

    ``Path("")`` is the working folder: ``nhskg --store "" build`` wrote the store's CURRENT, LOCK
    and generations among the person's files. The check is :func:`nhskg.paths.store_dir`'s, as
    the notebook API's.

    >>> StoreDir().convert(" ", click.Option(["--store"]), None)
    Traceback (most recent call last):
    ...
    click.exceptions.UsageError: --store ' ' is only white space; give the store's folder (default .nhskg/store)
    """

    def __init__(self) -> None:
        from ..paths import STORE_WANTED

        super().__init__(STORE_WANTED, file_okay=False)

    def check(self, value: Any, named: str) -> None:
        from ..paths import store_dir

        store_dir(value, named)
