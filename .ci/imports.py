#!/usr/bin/env python3
"""Import circles and layer breaches between the files of app/src and server/src.

Reads every `use` and every path in the code (`crate::…`, `super::…`, `self::…`, a name
brought in by a `use`, a child module), resolves it to the file that defines the item
(following `use`/`pub use` re-exports), and reports:
  - circles: files that import each other, directly or through others;
  - breaches: a file importing from a layer above its own
    (domain → db → services → server functions → pages; the server crate above app).
A module's own file (`mod.rs`, `lib.rs`) declaring or re-exporting its parts is not an
import, and neither is a test module (`#[cfg(test)]`). Exits 1 if it found anything.

    python3 .ci/imports.py            # check
    python3 .ci/imports.py --edges    # also print every edge
"""

import os
import re
import sys
from collections import defaultdict

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CRATES = {"app": "app/src", "server": "server/src"}


def layer(path):
    """The layer of a file; an import may only go to the same layer or one below."""
    if path.startswith("server/"):
        return 5, "server crate"
    rel = path[len("app/src/"):]
    if rel.startswith(("domain/", "dto.rs", "error.rs", "html.rs", "time.rs")):
        return 0, "domain"
    if rel.startswith("server/db/"):
        return 1, "db"
    if rel.startswith("server/"):
        return 2, "services"
    if rel.startswith("api/"):
        return 3, "server functions"
    return 4, "pages"


# ---------------------------------------------------------------------------- lexing

TOKEN = re.compile(r"[A-Za-z_][A-Za-z0-9_]*|::|[{}();,*#\[\]=<>!]|\S")


def strip(text):
    """The code without comments, string and character literals (lifetimes stay)."""
    out, i, n = [], 0, len(text)
    while i < n:
        c = text[i]
        if text.startswith("//", i):
            i = text.find("\n", i)
            i = n if i < 0 else i
        elif text.startswith("/*", i):
            depth, i = 1, i + 2
            while i < n and depth:
                if text.startswith("/*", i):
                    depth, i = depth + 1, i + 2
                elif text.startswith("*/", i):
                    depth, i = depth - 1, i + 2
                else:
                    i += 1
        elif re.match(r'b?r#*"', text[i:i + 8]) and (i == 0 or not (text[i - 1].isalnum() or text[i - 1] == "_")):
            m = re.match(r'b?r(#*)"', text[i:])
            end = text.find('"' + m.group(1), i + m.end())
            out.append('""')
            i = n if end < 0 else end + 1 + len(m.group(1))
        elif c == '"':
            i += 1
            while i < n and text[i] != '"':
                i += 2 if text[i] == "\\" else 1
            out.append('""')
            i += 1
        elif c == "'":
            if text.startswith("\\", i + 1):
                end = text.find("'", i + 3)
                i = end + 1
                out.append("' '")
            elif i + 2 < n and text[i + 2] == "'":
                i += 3
                out.append("' '")
            else:
                out.append(c)
                i += 1
        else:
            out.append(c)
            i += 1
    return "".join(out)


# ----------------------------------------------------------------------- the modules

class File:
    def __init__(self, crate, path, module):
        self.crate, self.path, self.module = crate, path, module  # module: tuple of names
        self.aliases = {}  # (inline module, name) -> absolute path (tuple), from `use`
        self.uses = []  # (inline module, absolute or relative path tuple, from a use?)


def module_of(crate_dir, rel):
    parts = rel[:-3].split("/")
    if parts[-1] in ("mod", "lib", "main"):
        parts = parts[:-1]
    return tuple(parts)


def discover():
    files = {}
    for crate, src in CRATES.items():
        for dirpath, _, names in os.walk(os.path.join(ROOT, src)):
            for name in names:
                if not name.endswith(".rs"):
                    continue
                full = os.path.join(dirpath, name)
                rel = os.path.relpath(full, os.path.join(ROOT, src)).replace(os.sep, "/")
                if rel == "main.rs":
                    continue  # the binary: wires the library together, above everything
                path = f"{src}/{rel}"
                files[path] = File(crate, path, module_of(src, rel))
    return files


def parse_use_tree(tokens, i, prefix, out):
    """Expands a use tree starting at tokens[i]; returns the index after it."""
    path = list(prefix)
    while i < len(tokens):
        t = tokens[i]
        if t == "{":
            i += 1
            while tokens[i] != "}":
                i = parse_use_tree(tokens, i, path, out)
                if tokens[i] == ",":
                    i += 1
            return i + 1
        if t == "*":
            out.append((tuple(path), None))
            return i + 1
        if re.match(r"[A-Za-z_]", t):
            path.append(t)
            i += 1
            if i < len(tokens) and tokens[i] == "::":
                i += 1
                continue
            alias = path[-1]
            if i + 1 < len(tokens) and tokens[i] == "as":
                alias, i = tokens[i + 1], i + 2
            if alias == "self":
                path, alias = path[:-1], path[-2] if len(path) > 1 else None
            out.append((tuple(path), alias))
            return i
        return i + 1
    return i


def scan(file, text):
    tokens = TOKEN.findall(strip(text))
    inline = []  # stack of (name, brace depth at which it closes)
    depth, i, cfg_test = 0, 0, False
    while i < len(tokens):
        t = tokens[i]
        if t == "#" and tokens[i + 1: i + 7] == ["[", "cfg", "(", "test", ")", "]"]:
            cfg_test, i = True, i + 7
            continue
        if cfg_test and t in ("mod", "use", "fn", "impl", "struct", "enum", "const", "static"):
            # skip the test-only item
            j = i
            while tokens[j] not in ("{", ";"):
                j += 1
            if tokens[j] == "{":
                level = 0
                while True:
                    level += {"{": 1, "}": -1}.get(tokens[j], 0)
                    j += 1
                    if level == 0:
                        break
            i, cfg_test = j + (1 if tokens[j - 1] != "}" else 0), False
            continue
        if t not in ("pub", "(", "crate", ")", "async", "unsafe") and t != "#":
            cfg_test = cfg_test and t in ("[", "]")
        here = tuple(name for name, _ in inline)
        if t == "{":
            depth += 1
        elif t == "}":
            depth -= 1
            if inline and inline[-1][1] == depth:
                inline.pop()
        elif t == "mod" and i + 2 < len(tokens) and tokens[i + 2] == "{":
            inline.append((tokens[i + 1], depth))
        elif t == "use" and (i == 0 or tokens[i - 1] != "::"):
            out = []
            j = parse_use_tree(tokens, i + 1, (), out)
            for path, alias in out:
                file.uses.append((here, path, True))
                if alias:
                    file.aliases[(here, alias)] = path
            i = j
            continue
        elif re.match(r"[A-Za-z_]", t) and tokens[i + 1: i + 2] == ["::"] and (i == 0 or tokens[i - 1] != "::"):
            path = [t]
            j = i + 1
            while tokens[j: j + 1] == ["::"] and re.match(r"[A-Za-z_]", tokens[j + 1]):
                path.append(tokens[j + 1])
                j += 2
            file.uses.append((here, tuple(path), False))
            i = j
            continue
        i += 1


class Graph:
    def __init__(self, files):
        self.files = files
        self.by_module = {(f.crate, *f.module): f for f in files.values()}

    def absolute(self, file, here, path):
        """The absolute module path (crate, names…) of `path` written in `file`, or None."""
        base = file.module + here
        head, rest = path[0], list(path[1:])
        if head == "crate":
            return (file.crate, *rest)
        if head in ("super", "self"):
            names = list(base)
            for seg in path:
                if seg == "super":
                    names.pop()
                elif seg == "self":
                    pass
                else:
                    break
            rest = [s for s in path if s not in ("super", "self")]
            return (file.crate, *names, *rest)
        if head in CRATES and head != file.crate:
            return None  # another crate: cannot make a circle here
        for scope in range(len(here), -1, -1):
            alias = file.aliases.get((here[:scope], head))
            if alias is not None and alias[0] != head:
                inner = self.absolute(file, here[:scope], alias)
                return None if inner is None else (*inner, *rest)
        if (file.crate, *base, head) in self.by_module:
            return (file.crate, *base, *path)
        return None

    def resolve(self, crate, names, seen=None):
        """The file defining the item at `names` (following re-exports)."""
        seen = seen or set()
        for cut in range(len(names), -1, -1):
            f = self.by_module.get((crate, *names[:cut]))
            if f is None:
                continue
            if cut == len(names):
                return f
            alias = f.aliases.get(((), names[cut]))
            key = (f.path, names[cut])
            if alias is not None and key not in seen:
                seen.add(key)
                target = self.absolute(f, (), alias)
                if target is not None:
                    return self.resolve(target[0], (*target[1:], *names[cut + 1:]), seen)
            return f
        return None

    def edges(self):
        edges = defaultdict(set)
        for f in self.files.values():
            for here, path, _ in f.uses:
                target = self.absolute(f, here, path)
                if target is None or target[0] != f.crate:
                    continue
                t = self.resolve(target[0], target[1:])
                if t is None or t is f:
                    continue
                # A module's own file declaring or re-exporting its parts is not an import.
                if t.module[: len(f.module)] == f.module:
                    continue
                edges[f.path].add(t.path)
        return edges


def circles(edges):
    """Strongly connected components with more than one file (Tarjan)."""
    index, low, stack, on, out, counter = {}, {}, [], set(), [], [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in sorted(edges.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    sys.setrecursionlimit(10000)
    for v in sorted(edges):
        if v not in index:
            visit(v)
    return out


def one_cycle(edges, comp):
    """A shortest circle through the first file of a component, for the report."""
    start, members = comp[0], set(comp)
    prev, queue = {start: None}, [start]
    while queue:
        v = queue.pop(0)
        for w in sorted(edges.get(v, ())):
            if w == start:
                path = [v]
                while prev[path[-1]] is not None:
                    path.append(prev[path[-1]])
                return list(reversed(path)) + [start]
            if w in members and w not in prev:
                prev[w] = v
                queue.append(w)
    return comp


def main():
    files = discover()
    for f in files.values():
        with open(os.path.join(ROOT, f.path), encoding="utf-8") as fh:
            scan(f, fh.read())
    edges = Graph(files).edges()
    if "--edges" in sys.argv:
        for src in sorted(edges):
            for dst in sorted(edges[src]):
                print(f"{src} -> {dst}")
    problems = 0
    for comp in circles(edges):
        problems += 1
        print(f"circle of {len(comp)} files ({', '.join(comp)}), e.g.:")
        print("    " + " -> ".join(one_cycle(edges, comp)))
    for src in sorted(edges):
        for dst in sorted(edges[src]):
            (a, name_a), (b, name_b) = layer(src), layer(dst)
            if b > a:
                problems += 1
                print(f"layer breach: {src} ({name_a}) imports {dst} ({name_b})")
    if problems:
        print(f"{problems} import problem(s)")
        return 1
    print(f"imports: no circles, no layer breaches ({sum(map(len, edges.values()))} edges, {len(files)} files)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
