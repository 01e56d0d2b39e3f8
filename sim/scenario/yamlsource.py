"""YAML that remembers where things were written: loading, ``extends`` merging, ``--set``.

Mappings load as :class:`LDict` and sequences as :class:`LList`; both keep the
:class:`~sim.scenario.errors.Mark` of every key or item, so a problem found after merging a
chain of ``extends`` files and overrides still points at the line that wrote it.
"""

from __future__ import annotations

import errno
import os
import re
import stat
from collections.abc import Collection, Iterable
from pathlib import Path
from typing import Any

import yaml

from sim.scenario.errors import Mark, Problem, ScenarioError, did_you_mean, short

__all__ = [
    "MAX_EXTENDS",
    "MAX_FILE_BYTES",
    "MAX_NODES",
    "MAX_RESULT_BYTES",
    "LDict",
    "LList",
    "UnreadableFile",
    "apply_override",
    "describe_path",
    "load_chain",
    "locate",
    "read_bytes",
    "read_file",
]

MAX_FILE_BYTES = 4 * 1024 * 1024
"""Largest scenario (or tolerance) file read, bytes: the shipped baseline is ~30 KB."""
MAX_RESULT_BYTES = 1024 * 1024 * 1024
"""Largest result file read back (summary.json, sweep.json, a CSV), bytes."""
MAX_EXTENDS = 32
"""Longest ``extends`` chain, files."""
MAX_NODES = 200_000
"""Most YAML nodes in one file, counting each alias as the nodes it stands for (the
shipped baseline has ~3,000): rejects alias bombs before they are expanded."""


class LDict(dict[Any, Any]):
    """A YAML mapping with the mark of the mapping and of each of its keys."""

    def __init__(self, mark: Mark) -> None:
        super().__init__()
        self.mark = mark
        self.key_marks: dict[Any, Mark] = {}
        self.duplicates: list[tuple[Any, Mark]] = []

    def shallow_copy(self) -> LDict:
        """A new mapping with the same items and marks (children are shared)."""
        out = LDict(self.mark)
        out.update(self)
        out.key_marks = dict(self.key_marks)
        return out


class LList(list[Any]):
    """A YAML sequence with the mark of the sequence and of each of its items."""

    def __init__(self, mark: Mark) -> None:
        super().__init__()
        self.mark = mark
        self.item_marks: list[Mark] = []

    def shallow_copy(self) -> LList:
        """A new sequence with the same items and marks (children are shared)."""
        out = LList(self.mark)
        out.extend(self)
        out.item_marks = list(self.item_marks)
        return out


_Base: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml's parser when present


class _Loader(_Base):  # type: ignore[misc]
    file_label = "<string>"


def _mark(loader: _Loader, node: yaml.Node) -> Mark:
    return Mark(loader.file_label, node.start_mark.line + 1, node.start_mark.column + 1)


def _construct_map(loader: _Loader, node: yaml.MappingNode) -> LDict:
    explicit = sum(1 for k, _ in node.value if k.tag != "tag:yaml.org,2002:merge")
    loader.flatten_mapping(node)
    merged = len(node.value) - explicit  # flatten puts pairs from `<<:` merges first
    out = LDict(_mark(loader, node))
    written: set[Any] = set()
    for i, (key_node, value_node) in enumerate(node.value):
        key = loader.construct_object(key_node, deep=True)
        try:
            hash(key)
        except TypeError:
            mark = _mark(loader, key_node)
            raise ScenarioError([Problem(mark, "", "a key must be a scalar")]) from None
        if i >= merged:  # explicit keys override merged ones, but not each other
            if key in written:
                out.duplicates.append((key, _mark(loader, key_node)))
                continue
            written.add(key)
        out[key] = loader.construct_object(value_node, deep=True)
        out.key_marks[key] = _mark(loader, key_node)
    return out


def _construct_seq(loader: _Loader, node: yaml.SequenceNode) -> LList:
    out = LList(_mark(loader, node))
    for item in node.value:
        out.append(loader.construct_object(item, deep=True))
        out.item_marks.append(_mark(loader, item))
    return out


def _construct_timestamp(loader: _Loader, node: yaml.ScalarNode) -> Any:
    try:
        return yaml.SafeLoader.construct_yaml_timestamp(loader, node)
    except ValueError as exc:
        raise yaml.constructor.ConstructorError(
            None, None, f"not a real date: {short(node.value)} ({exc})", node.start_mark
        ) from None


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp)
_Loader.add_constructor("tag:yaml.org,2002:map", _construct_map)
_Loader.add_constructor("tag:yaml.org,2002:seq", _construct_seq)


def _expanded_size(root: yaml.Node) -> int:
    """Nodes of the document with every alias counted as the nodes it stands for, without
    expanding anything (each node's size is computed once); stops past MAX_NODES."""
    sizes: dict[int, int] = {}
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, children_done = stack.pop()
        if id(node) in sizes:
            continue
        if isinstance(node, yaml.ScalarNode):
            sizes[id(node)] = 1
            continue
        kids: list[yaml.Node] = (
            [n for pair in node.value for n in pair]
            if isinstance(node, yaml.MappingNode)
            else list(node.value)
        )
        if children_done:
            size = 1 + sum(sizes.get(id(k), 0) for k in kids)
            sizes[id(node)] = size
            if size > MAX_NODES:
                return size
            continue
        stack.append((node, True))
        stack.extend((k, False) for k in kids if id(k) not in sizes)
    return sizes.get(id(root), 0)


def parse_yaml(text: str, label: str) -> Any:
    """Parse YAML text into LDict/LList/scalars; syntax errors become a located problem, and
    so does a document of more than MAX_NODES nodes once its aliases are counted."""
    loader = _Loader(text)
    loader.file_label = label
    try:
        node = loader.get_single_node()
        if node is not None and (size := _expanded_size(node)) > MAX_NODES:
            mark = Mark(label, node.start_mark.line + 1, node.start_mark.column + 1)
            raise ScenarioError(
                [
                    Problem(
                        mark,
                        "",
                        f"too large: more than {MAX_NODES:,} YAML nodes once its aliases "
                        f"are expanded ({size:,} so far); is an alias repeated in a loop?",
                    )
                ]
            )
        data = None if node is None else loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        m = exc.problem_mark or exc.context_mark
        mark = Mark(label, m.line + 1, m.column + 1) if m else Mark(label, 1, 1)
        what = exc.problem or exc.context or "invalid YAML"
        text = what if what.startswith("not a real date") else f"not valid YAML: {what}"
        raise ScenarioError([Problem(mark, "", text)]) from None
    except yaml.reader.ReaderError as exc:  # a character YAML does not allow, by position
        line = text.count("\n", 0, exc.position) + 1
        col = exc.position - text.rfind("\n", 0, exc.position)
        char = exc.character
        code = char if isinstance(char, int) else ord(char)
        what = f"unacceptable character #x{code:04x} ({exc.reason})"
        raise ScenarioError(
            [Problem(Mark(label, line, col), "", f"not valid YAML: {what}")]
        ) from None
    except (yaml.YAMLError, ValueError, TypeError, OverflowError) as exc:
        what = " ".join(str(exc).split())  # one line
        raise ScenarioError([Problem(Mark(label, 1, 1), "", f"not valid YAML: {what}")]) from None
    except RecursionError:
        raise ScenarioError(
            [Problem(Mark(label, 1, 1), "", "not valid YAML: nested too deeply")]
        ) from None
    finally:
        loader.dispose()
    duplicates = list(_duplicates(data, (), data, set()))
    if duplicates:
        raise ScenarioError(duplicates)
    return data


def _duplicates(node: Any, path: tuple[Any, ...], root: Any, seen: set[int]) -> Any:
    """Problems for keys written twice in one mapping, with their full key path.

    Nodes shared through YAML aliases are visited once (no alias-bomb blow-up)."""
    if not isinstance(node, (LDict, LList)) or id(node) in seen:
        return
    seen.add(id(node))
    if isinstance(node, LDict):
        for key, mark in node.duplicates:
            yield Problem(mark, describe_path((*path, key), root), "duplicate key in this mapping")
        for key, value in node.items():
            yield from _duplicates(value, (*path, key), root, seen)
    elif isinstance(node, LList):
        for i, value in enumerate(node):
            yield from _duplicates(value, (*path, i), root, seen)


class UnreadableFile(ValueError):
    """A file that cannot be read as asked; ``str()`` is ``REASON: PATH``."""

    def __init__(self, reason: str, path: str) -> None:
        super().__init__(f"{reason}: {path}")
        self.reason = reason
        self.path = path
        """The path, printable (escaped) and at most 200 characters."""


def read_bytes(path: Path, what: str = "scenario file", limit: int = MAX_FILE_BYTES) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes.

    Raises :class:`UnreadableFile` (a ValueError, one line ``REASON: PATH``): missing, not
    a regular file (a folder, a FIFO, a device), too large, unreadable, or a path that
    cannot name a file (a NUL byte, a symlink loop). Never blocks, never reads more than
    the cap."""
    name = _shown_path(path)
    if "\x00" in str(path):
        raise UnreadableFile("not a usable file name (it holds a NUL byte)", name)
    try:
        info = os.stat(path)
    except FileNotFoundError:
        raise UnreadableFile("file not found", name) from None
    except OSError as exc:
        reason = "a symlink loop" if exc.errno == errno.ELOOP else exc.strerror or str(exc)
        raise UnreadableFile(f"cannot open the {what} ({reason})", name) from None
    if not stat.S_ISREG(info.st_mode):
        kind = "a folder" if stat.S_ISDIR(info.st_mode) else "not a regular file"
        raise UnreadableFile(f"{kind}, but a {what} must be a regular file", name)
    if info.st_size > limit:
        raise UnreadableFile(
            f"{info.st_size:,} bytes, more than the {limit:,} a {what} may have", name
        )
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    try:  # non-blocking: the file may have been swapped for a FIFO since the check
        with os.fdopen(os.open(path, flags), "rb") as fh:
            data = fh.read(limit + 1)
    except OSError as exc:
        raise UnreadableFile(f"cannot read the {what} ({exc.strerror or exc})", name) from None
    if len(data) > limit:
        raise UnreadableFile(f"more than the {limit:,} bytes a {what} may have", name)
    return data


def read_file(path: Path, what: str = "scenario file", limit: int = MAX_FILE_BYTES) -> str:
    """:func:`read_bytes` as UTF-8 text (a BOM is dropped); ValueError if it is not."""
    data = read_bytes(path, what, limit)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UnreadableFile(f"not UTF-8 text (byte {exc.start + 1})", _shown_path(path)) from None


def _shown_path(path: Path) -> str:
    """A path for a message: printable, escaped where it is not, at most 200 characters."""
    text = str(path).encode("unicode_escape", "backslashreplace").decode("ascii")
    return text if len(text) <= 200 else text[:100] + "…" + text[-99:]


def _read_mapping(
    path: Path, label: str, via: Mark | None, top_keys: Collection[str] = ()
) -> LDict:
    key = "extends" if via else ""
    except_where = via or Mark(_shown_path(Path(label)), 1, 1)
    try:
        text = read_file(path)
    except ValueError as exc:
        raise ScenarioError([Problem(except_where, key, str(exc))]) from None
    try:
        data = parse_yaml(text, label)
    except ScenarioError:
        if via is None:
            raise
        # a file reached through extends that is not even YAML: say so, quote nothing
        where = Mark(_shown_path(Path(label)), 1, 1)
        raise ScenarioError([Problem(where, "", "not a scenario file (not valid YAML)")]) from None
    if not isinstance(data, LDict):
        kind = "empty" if data is None else _kind(data)
        raise ScenarioError(
            [Problem(Mark(label, 1, 1), "", f"a scenario must be a YAML mapping, this is {kind}")]
        )
    if top_keys and not any(isinstance(k, str) and k in top_keys for k in data):
        # quote none of its keys or values: it may be any readable file (/etc/shadow)
        expected = ", ".join(sorted(top_keys)[:8])
        raise ScenarioError(
            [
                Problem(
                    Mark(_shown_path(Path(label)), 1, 1),
                    "",
                    f"not a scenario file: none of its top-level keys is a scenario key "
                    f"(expected some of {expected}, ...)",
                )
            ]
        )
    return data


def _kind(value: Any) -> str:
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return "a number"
    return f"a {type(value).__name__}"


def load_chain(path: Path, top_keys: Collection[str] = ()) -> tuple[LDict, list[Path]]:
    """Load ``path`` and every file it ``extends`` (relative to itself), merged child-over-base.

    Returns the merged mapping and the chain of files, the given one first. With
    ``top_keys``, a file none of whose top-level keys is one of them is refused as "not a
    scenario file" without quoting any of its content.
    """
    chain: list[Path] = []
    problems: list[Problem] = []
    data = _load_one(path, str(path), None, chain, problems, top_keys)
    if problems:
        raise ScenarioError(problems)
    return data, chain


def _load_one(
    path: Path,
    label: str,
    via: Mark | None,
    chain: list[Path],
    problems: list[Problem],
    top_keys: Collection[str] = (),
) -> LDict:
    data = _read_mapping(
        path, label, via, top_keys
    )  # checks the path first: resolving is safe then
    chain.append(Path(os.path.realpath(path)))
    if "extends" not in data:
        return data
    ext = data.pop("extends")
    ext_mark = data.key_marks.pop("extends")
    if not isinstance(ext, str) or not ext:
        problems.append(Problem(ext_mark, "extends", "expected the path of a scenario file"))
        return data
    base_path = path.parent / ext
    if "\x00" not in ext and Path(os.path.realpath(base_path)) in chain:
        cycle = " -> ".join(p.name for p in [*chain, Path(os.path.realpath(base_path))])
        problems.append(Problem(ext_mark, "extends", f"extends cycle: {cycle}"))
        return data
    if len(chain) >= MAX_EXTENDS:
        problems.append(
            Problem(ext_mark, "extends", f"extends chain longer than {MAX_EXTENDS} files")
        )
        return data
    base = _load_one(base_path, str(base_path), ext_mark, chain, problems, top_keys)
    merged: LDict = merge(base, data, (), problems)
    return merged


def _is_id_list(value: Any) -> bool:
    return isinstance(value, list) and all(
        isinstance(i, dict) and isinstance(i.get("id"), (str, int, float)) for i in value
    )


def merge(base: Any, over: Any, path: tuple[Any, ...], problems: list[Problem]) -> Any:
    """Deep-merge ``over`` onto ``base``.

    Mappings merge key by key; lists whose items all have an ``id`` merge item by item
    (an item with ``remove: true`` deletes the inherited one); anything else is replaced.
    """
    if isinstance(base, LDict) and isinstance(over, LDict):
        out = LDict(over.mark)
        for key, value in base.items():
            out[key] = value
            out.key_marks[key] = base.key_marks[key]
        for key, value in over.items():
            out[key] = merge(base[key], value, (*path, key), problems) if key in base else value
            out.key_marks[key] = over.key_marks[key]
        return out
    if isinstance(base, LList) and isinstance(over, LList) and _is_id_list(base) and over:
        if not _is_id_list(over):
            return over
        out_list = LList(over.mark)
        index = {item["id"]: i for i, item in enumerate(base)}
        items: list[Any] = list(base)
        marks: list[Mark | None] = list(base.item_marks)
        for item, mark in zip(over, over.item_marks, strict=True):
            i = index.get(item["id"])
            if item.get("remove") is True:
                if i is None:
                    problems.append(
                        Problem(mark, describe_path((*path, item["id"])), _no_item(item, index))
                    )
                else:
                    items[i] = None
                continue
            if i is None:
                index[item["id"]] = len(items)
                items.append(item)
                marks.append(mark)
            else:
                items[i] = merge(items[i], item, (*path, item["id"]), problems)
                marks[i] = mark
        for item, m in zip(items, marks, strict=True):
            if item is not None and m is not None:
                out_list.append(item)
                out_list.item_marks.append(m)
        return out_list
    return over


def _no_item(item: dict[Any, Any], index: dict[Any, int]) -> str:
    return f"remove: nothing inherited has id {short(item['id'])}{did_you_mean(item['id'], index)}"


def _match_segment(node: Any, segs: list[str]) -> tuple[Any, int] | None:
    """The child of ``node`` addressed by the longest prefix of ``segs`` (ids may hold dots)."""
    for n in range(len(segs), 0, -1):
        name = ".".join(segs[:n])
        if isinstance(node, LDict) and name in node:
            return name, n
        if isinstance(node, LList):
            for i, item in enumerate(node):
                if isinstance(item, dict) and str(item.get("id")) == name:
                    return i, n
    if isinstance(node, LList) and re.fullmatch(r"-?[0-9]+", segs[0]):
        i = int(segs[0])
        if -len(node) <= i < len(node):
            return i % len(node), 1
    return None


def apply_override(data: LDict, text: str, ordinal: int) -> None:
    """Apply one ``PATH=VALUE`` override in place; VALUE is parsed as YAML.

    List items are addressed by ``id`` or by index; a missing mapping key is created (the
    schema then judges it). Problems are reported at ``--set:ORDINAL:COL``.
    """
    if "=" not in text:
        raise ScenarioError(
            [Problem(Mark("--set", ordinal, 1), text, "expected PATH=VALUE, e.g. seed=7")]
        )
    path_text, value_text = text.split("=", 1)
    mark = Mark("--set", ordinal, len(path_text) + 2)
    try:
        value = parse_yaml(value_text, "--set")
    except ScenarioError as exc:
        raise ScenarioError([Problem(mark, path_text, p.message) for p in exc.problems]) from None
    _relabel(value, mark)
    segs = path_text.strip().split(".")
    if not path_text.strip() or any(not s for s in segs):
        raise ScenarioError([Problem(Mark("--set", ordinal, 1), path_text, "empty key in path")])
    node: Any = data
    done: list[Any] = []
    while segs:
        found = _match_segment(node, segs)
        if found is None:
            if isinstance(node, LDict):
                if len(segs) == 1:
                    node[segs[0]] = value
                    node.key_marks[segs[0]] = mark
                    return
                child = LDict(mark)
                node[segs[0]] = child
                node.key_marks[segs[0]] = mark
                done.append(segs.pop(0))
                node = child
                continue
            raise ScenarioError([Problem(mark, describe_path(tuple(done)), _no_child(node, segs))])
        key, used = found
        segs = segs[used:]
        done.append(key)
        if segs and isinstance(node[key], (LDict, LList)):
            # copy on write: YAML aliases share nodes, an override must change one place
            node[key] = node[key].shallow_copy()
        if not segs:
            node[key] = value
            if isinstance(node, LDict):
                node.key_marks[key] = mark
            else:
                node.item_marks[key] = mark
            return
        node = node[key]


def value_at(data: Any, path: str) -> tuple[bool, Any]:
    """(found, value) at the dotted ``path`` of ``data`` (mappings by key, list items by
    ``id`` or index, as ``--set`` addresses them); works on plain dicts and lists too."""
    segs = path.strip().split(".")
    node = data
    while segs:
        step = _child(node, segs)
        if step is None:
            return False, None
        node, used = step
        segs = segs[used:]
    return True, node


def _child(node: Any, segs: list[str]) -> tuple[Any, int] | None:
    for n in range(len(segs), 0, -1):
        name = ".".join(segs[:n])
        if isinstance(node, dict) and name in node:
            return node[name], n
        if isinstance(node, list):
            for item in node:
                if isinstance(item, dict) and str(item.get("id")) == name:
                    return item, n
    if isinstance(node, list) and re.fullmatch(r"-?[0-9]+", segs[0]):
        i = int(segs[0])
        if -len(node) <= i < len(node):
            return node[i], 1
    return None


def _no_child(node: Any, segs: list[str]) -> str:
    if isinstance(node, LList):
        ids = [str(i.get("id")) for i in node if isinstance(i, dict) and "id" in i]
        hint = did_you_mean(segs[0], ids)
        known = f" (ids: {', '.join(ids)})" if ids else f" (indexes 0..{len(node) - 1})"
        return f"no item {short(segs[0])}{hint}{known}"
    return f"cannot go into {short(segs[0])}: the value here is not a mapping or a list"


def _relabel(value: Any, mark: Mark) -> None:
    """Give every node of an override value the override's mark."""
    if isinstance(value, LDict):
        value.mark = mark
        for k in value.key_marks:
            value.key_marks[k] = mark
        for v in value.values():
            _relabel(v, mark)
    elif isinstance(value, LList):
        value.mark = mark
        value.item_marks = [mark] * len(value)
        for v in value:
            _relabel(v, mark)


def locate(data: Any, loc: Iterable[Any]) -> tuple[Mark, tuple[Any, ...]]:
    """The mark of the deepest node of ``data`` along ``loc`` and the part of ``loc`` found.

    Segments that are not in the data (such as pydantic's union-branch tags) are skipped.
    """
    mark: Mark = data.mark if isinstance(data, (LDict, LList)) else Mark("<input>", 1, 1)
    node = data
    found: list[Any] = []
    for seg in loc:
        if isinstance(node, LDict) and seg in node:
            mark = node.key_marks.get(seg, mark)
            node = node[seg]
        elif isinstance(node, LList) and isinstance(seg, int) and 0 <= seg < len(node):
            mark = node.item_marks[seg]
            node = node[seg]
        elif isinstance(node, dict) and seg in node:
            node = node[seg]
        else:
            continue
        found.append(seg)
    return mark, tuple(found)


def describe_path(loc: tuple[Any, ...], data: Any = None) -> str:
    """Dotted key path; list items show their ``id`` when they have one (``flights.CRS-35``)."""
    parts: list[str] = []
    node = data
    for seg in loc:
        if isinstance(seg, int) and isinstance(node, list) and 0 <= seg < len(node):
            item = node[seg]
            parts.append(str(item["id"]) if isinstance(item, dict) and "id" in item else str(seg))
            node = item
            continue
        parts.append(str(seg))
        node = node.get(seg) if isinstance(node, dict) else None
    return ".".join(parts)
