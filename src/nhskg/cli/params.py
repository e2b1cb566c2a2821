"""Click parameter types for what people type: ``NAME=VALUE`` pairs and concepts by code or label.

Each is checked at the edge, before a store is opened, so a mistake is a usage error (exit 2)
whichever command met it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, cast

import click

__all__ = ["NameValue", "NAME_VALUE", "Concept", "ExportFile", "StoreDir"]


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
            self.fail(f"'{value}' is not NAME=VALUE", param, ctx)
        return name.strip(), text


NAME_VALUE = NameValue()


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


class ExportFile(click.Path):
    """A file to export the graph to, as a :class:`~pathlib.Path`: its extension names one of
    :data:`nhskg.graph.store.EXPORT_FORMATS`, and its folder is one or can be made (no file on the
    way). Checked before a build, which would otherwise run to the end and only then fail.

    >>> ExportFile().convert("graph.xyz", None, None)
    Traceback (most recent call last):
    ...
    click.exceptions.BadParameter: graph.xyz: '.xyz' is not a format nhskg exports; use one of .ttl, .nt, .nq, .trig, .jsonld
    """

    def __init__(self) -> None:
        super().__init__(dir_okay=False, path_type=Path)

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Path:
        from ..graph.store import EXPORT_FORMATS

        path = cast(Path, super().convert(value, param, ctx))  # path_type=Path
        if path.suffix.lower() not in EXPORT_FORMATS:
            what = f"'{path.suffix}' is not a format nhskg exports" if path.suffix else "no extension names its format"
            self.fail(f"{path}: {what}; use one of {', '.join(EXPORT_FORMATS)}", param, ctx)
        folder = next(p for p in (path.parent, *path.parent.parents) if p.exists() or p == Path(p.anchor))
        if not folder.is_dir():
            self.fail(f"{path}: {folder} is a file, not a folder; choose a file in a folder", param, ctx)
        return path


class StoreDir(click.Path):
    """The folder of a graph store (every ``--store``), as a :class:`~pathlib.Path`; an empty or
    blank one is a usage error naming the option (or ``NHSKG_STORE``) before anything is opened.

    ``Path("")`` is the working folder: ``nhskg --store "" build`` wrote the store's CURRENT, LOCK
    and generations among the person's files. The check is :func:`nhskg.paths.store_dir`'s, as
    the notebook API's.

    >>> StoreDir().convert(" ", None, None)
    Traceback (most recent call last):
    ...
    click.exceptions.UsageError: --store ' ' is only white space; give the store's folder (default .nhskg/store)
    """

    def __init__(self) -> None:
        super().__init__(file_okay=False, path_type=Path)

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Path:
        from ..errors import StorePathError
        from ..paths import store_dir

        from_env = (ctx is not None and param is not None and param.name is not None
                    and ctx.get_parameter_source(param.name) is click.core.ParameterSource.ENVIRONMENT)
        envvar = param.envvar if param is not None and isinstance(param.envvar, str) else None
        try:
            store_dir(value, f"{envvar}=" if from_env and envvar else "--store ")
        except StorePathError as error:
            # Not self.fail: its "Invalid value for '--store':" would name the option twice.
            raise click.UsageError(str(error), ctx) from error
        return cast(Path, super().convert(value, param, ctx))
