"""Issue 19, item 7: no input is skipped in silence, and each path is printed once.

The inputs that fit a table (links, a FIFO, encodings, garbage, nested @graph, a newline in a
name) are cases of ``test_bad_input.py``; these need a monkeypatch or a folder of their own.
"""

from __future__ import annotations

import errno
import json
import os
from pathlib import Path

import pytest

from ._harness import Lines, build_cli, good_posting, posting_ids


def test_bug_an_unreadable_sub_folder_was_skipped_in_silence(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "in"
    (folder / "locked").mkdir(parents=True)
    (folder / "locked" / "cn.txt").write_text(good_posting(), encoding="utf-8")
    (folder / "md.txt").write_text(good_posting("Medical Director"), encoding="utf-8")
    listing = Path.iterdir

    def iterdir(self: Path):  # type: ignore[no-untyped-def]
        if self.name == "locked":  # the tests run as root, whom chmod does not stop
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(self))
        return listing(self)

    monkeypatch.setattr(Path, "iterdir", iterdir)
    result = build_cli(tmp_path / "store", folder)
    assert result.exit_code == 1
    [line] = Lines(result.output).naming("locked")
    assert line == f"  skipped {folder / 'locked'}: cannot read the folder: Permission denied; nothing in it is read"
    assert posting_ids(tmp_path / "store") == ["md"]


def test_bug_two_messages_printed_the_path_twice(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "broken.docx").write_bytes(b"not a zip")  # python-docx: "Package not found at '<path>'"
    (folder / "a.json").write_text(json.dumps({"@type": "JobPosting", "id": "x-1", "title": "Chief Nurse"}), encoding="utf-8")
    (folder / "b.json").write_text(json.dumps({"@type": "JobPosting", "id": "x-1", "title": "Medical Director"}), encoding="utf-8")
    result = build_cli(tmp_path / "store", folder)
    for name in ("broken.docx", "b.json"):
        [line] = Lines(result.output).naming(name)
        assert line.count(str(folder / name)) == 1, line


def test_a_directory_link_back_up_the_tree_is_read_once(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    (folder / "sub").mkdir(parents=True)
    (folder / "sub" / "cn.txt").write_text(good_posting(), encoding="utf-8")
    (folder / "sub" / "up").symlink_to("..")
    result = build_cli(tmp_path / "store", folder)
    assert result.exit_code == 0, result.output
    assert "1 posting(s) read, 1 stored (0 unchanged), 0 skipped" in result.output


def test_a_fifo_listed_as_an_attachment_is_named_once_and_never_opened(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "cmo.txt").write_text(good_posting("Chief Medical Officer"), encoding="utf-8")
    (folder / "attachments.json").write_text(json.dumps({"cmo.txt": ["jd.docx"]}), encoding="utf-8")
    os.mkfifo(folder / "jd.docx")  # opening it to read would wait for a writer forever
    for given in (folder, folder / "cmo.txt"):  # found by the walk, or only through the manifest
        result = build_cli(tmp_path / "store", given)
        assert result.exit_code == 1
        [line] = Lines(result.output).naming("jd.docx")
        assert "not a regular file" in line and "FIFO" in line
    assert posting_ids(tmp_path / "store") == ["cmo"]
