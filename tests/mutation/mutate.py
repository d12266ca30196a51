#!/usr/bin/env python3
"""Reads tests/mutation/mutations.txt and writes a copy of include/ in which
every mutation is compiled in behind a run-time switch (a "mutant schema"):

    (TETHER_MUTANT(7) ? (replacement) : (original))          an expression
    if (TETHER_MUTANT(7)) { replacement } else { original }   a statement (ends in ';' or '}')

so one build holds every mutant, and the environment variable TETHER_MUTANT=7
picks which one a run of the test binaries sees (0: none, the original code).

  mutate.py list  MUTATIONS [SOURCE]        id<TAB>file:line<TAB>rule<TAB>survives-reason (SOURCE: the repository)
  mutate.py apply MUTATIONS SOURCE DEST     copy SOURCE's tree to DEST, mutated (files rewritten only when changed)

The format of MUTATIONS is described at the top of that file.
"""
import os
import shutil
import sys


class Mutation:
    def __init__(self, number, fields, where):
        self.id = number
        self.where = where
        for key in ("file", "find", "replace", "rule"):
            if key not in fields:
                sys.exit(f"{where}: mutation without '{key}:'")
        self.file = fields["file"]
        self.find = fields["find"]
        self.replace = fields["replace"]
        self.rule = fields["rule"]
        self.occurrence = int(fields.get("occurrence", "1"))
        self.occurrence_given = "occurrence" in fields
        self.survives = fields.get("survives", "")
        self.start = self.end = self.line = None


def parse(path):
    """Blocks of 'key: value' lines separated by blank lines; '#' starts a comment line."""
    mutations, fields, first_line = [], {}, 0
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    for number, raw in enumerate(lines + [""], start=1):
        if raw.startswith("#"):
            continue
        if not raw.strip():
            if fields:
                mutations.append(Mutation(len(mutations) + 1, fields, f"{path}:{first_line}"))
                fields = {}
            continue
        key, sep, value = raw.partition(":")
        if not sep or key.strip() not in ("file", "find", "replace", "rule", "occurrence", "survives"):
            sys.exit(f"{path}:{number}: expected 'key: value', got: {raw}")
        if not fields:
            first_line = number
        key = key.strip()
        if key in fields:
            sys.exit(f"{path}:{number}: '{key}' twice in one mutation")
        # One space after the colon separates; the rest is taken exactly.
        fields[key] = value[1:] if value.startswith(" ") else value
    return mutations


def locate(mutations, source_root):
    texts = {}
    for m in mutations:
        if m.file not in texts:
            path = os.path.join(source_root, m.file)
            if not os.path.isfile(path):
                sys.exit(f"{m.where}: no file {m.file}")
            with open(path, encoding="utf-8") as f:
                texts[m.file] = f.read()
        text = texts[m.file]
        at = -1
        for _ in range(m.occurrence):
            at = text.find(m.find, at + 1)
            if at < 0:
                sys.exit(f"{m.where}: '{m.find}' not found {m.occurrence} time(s) in {m.file}")
        if not m.occurrence_given and text.find(m.find, at + 1) >= 0:
            sys.exit(f"{m.where}: '{m.find}' occurs more than once in {m.file}: add 'occurrence: N'")
        check_shape(m)
        m.start, m.end = at, at + len(m.find)
        m.line = text.count("\n", 0, at) + 1
    return texts


def is_statement(m):
    text = m.find.strip()
    return text.endswith(";") or (text.endswith("}") and text.startswith(("if ", "{")))


def check_shape(m):
    """Catches a find that cannot be wrapped before the compiler does."""
    text = m.find.strip()
    if "//" in m.find or "//" in m.replace:
        sys.exit(f"{m.where}: leave comments out of find and replace")
    if not is_statement(m) and (
        text.endswith(("&&", "||", "{", "(", ",", "?", ":"))
        or text.startswith(("if ", "return ", ":", "?", "&&", "||"))):
        sys.exit(f"{m.where}: neither a whole expression nor a whole statement: {m.find}")


def schema(text, start, end, spans):
    """Rewrites text[start:end] with the mutations in spans (sorted, each inside [start, end))."""
    out, at, i = [], start, 0
    while i < len(spans):
        m = spans[i]
        inner = []
        j = i + 1
        while j < len(spans) and spans[j].start < m.end:
            if spans[j].end > m.end:
                sys.exit(f"{spans[j].where} overlaps {m.where} without nesting")
            inner.append(spans[j])
            j += 1
        out.append(text[at:m.start])
        original = schema(text, m.start, m.end, inner)
        if is_statement(m):
            out.append(f"if (TETHER_MUTANT({m.id})) {{ {m.replace} }} else {{ {original} }}")
        else:
            out.append(f"(TETHER_MUTANT({m.id}) ? ({m.replace}) : ({original}))")
        at = m.end
        i = j
    out.append(text[at:end])
    return "".join(out)


SWITCH = """// Generated by tests/mutation/mutate.py: which mutant this run is (TETHER_MUTANT).
#ifndef TETHER_MUTATION_SWITCH_HPP
#define TETHER_MUTATION_SWITCH_HPP
#include <cstdlib>
inline int tether_mutant_id() noexcept {
  static const int id = [] {
    const char* value = std::getenv("TETHER_MUTANT");
    return value != nullptr ? std::atoi(value) : 0;
  }();
  return id;
}
// Constant evaluation sees the original code (the switch is read at run time).
#define TETHER_MUTANT(n) (!__builtin_is_constant_evaluated() && ::tether_mutant_id() == (n))
#endif
"""


def write_if_changed(path, content):
    """Unchanged files keep their times, so the build of the copy is incremental."""
    if isinstance(content, str):
        content = content.encode("utf-8")
    if os.path.isfile(path):
        with open(path, "rb") as f:
            if f.read() == content:
                return
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(content)


COPIED = ("CMakeLists.txt", "cmake", "include", "tests", "examples")
SKIPPED = ("node_modules", "__pycache__", "build")


def sync(source, dest, mutated):
    """Copies the parts of the tree a build needs, mutated files as mutated, and
    deletes from the copy what the source no longer has."""
    wanted = set()
    for part in COPIED:
        top = os.path.join(source, part)
        walk = [(source, [], [part])] if os.path.isfile(top) else os.walk(top)
        for folder, subfolders, files in walk:
            subfolders[:] = [d for d in subfolders if d not in SKIPPED]
            for name in files:
                relative = os.path.relpath(os.path.join(folder, name), source)
                wanted.add(relative)
                if relative in mutated:
                    content = mutated[relative]
                else:
                    with open(os.path.join(source, relative), "rb") as f:
                        content = f.read()
                write_if_changed(os.path.join(dest, relative), content)
                shutil.copymode(os.path.join(source, relative), os.path.join(dest, relative))
    for relative, content in mutated.items():  # generated files the source does not have
        if relative not in wanted:
            wanted.add(relative)
            write_if_changed(os.path.join(dest, relative), content)
    for part in COPIED:
        for folder, _, files in os.walk(os.path.join(dest, part)):
            for name in files:
                relative = os.path.relpath(os.path.join(folder, name), dest)
                if relative not in wanted:
                    os.remove(os.path.join(dest, relative))


def main():
    if len(sys.argv) < 3 or sys.argv[1] not in ("list", "apply"):
        sys.exit(__doc__)
    mutations = parse(sys.argv[2])
    here = os.path.dirname(os.path.abspath(__file__))
    if sys.argv[1] == "list":
        source_root = sys.argv[3] if len(sys.argv) > 3 else os.path.dirname(os.path.dirname(here))
        locate(mutations, source_root)
        for m in mutations:
            print(f"{m.id}\t{m.file}:{m.line}\t{m.rule}\t{m.survives}")
        return
    source, dest = sys.argv[3], sys.argv[4]
    texts = locate(mutations, source)
    mutated = {os.path.join("include", "tether_mutation_switch.hpp"): SWITCH}
    for name, text in texts.items():
        spans = sorted((m for m in mutations if m.file == name), key=lambda m: (m.start, -m.end))
        mutated[os.path.normpath(name)] = "#include <tether_mutation_switch.hpp>\n" + schema(text, 0, len(text), spans)
    sync(source, dest, mutated)


if __name__ == "__main__":
    main()
