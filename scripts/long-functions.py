#!/usr/bin/env python3
"""Lists the Swift functions, initializers, accessors and closure bodies in Sources that run over
80 lines (issue 12: none outside the numeric kernels).

    scripts/long-functions.py [--max N] [PATH ...]      (default: 80, Sources)

The ranges come from the compiler's own parse (`swiftc -dump-parse`), so strings, comments and
nested closures cannot fool the count: a body's length is its last line minus its first plus one,
declaration included. A closure is named after the function around it. Numeric kernels that may
be longer are listed in KERNELS (file:name) and reported apart; exit status 1 when anything else
is over the limit."""
import os
import re
import subprocess
import sys

# Numeric kernels allowed to exceed the limit (file name : declaration name).
KERNELS = {"EngineKernels.swift:depthwise(_:_:_:_:_:_:_:_:_:_:)"}  # the SIMD depthwise convolution

NODE = re.compile(r"^(\s*)\((\w+)")
RANGE = re.compile(r"range=\[(.+?):(\d+):\d+ - line:(\d+):\d+\]")
NAME = re.compile(r'\] "([^"]*)"|<anonymous @ 0x[0-9a-f]+> (\w+) for="([^"]*)"')
FUNCTIONS = {"func_decl", "constructor_decl", "destructor_decl", "accessor_decl", "subscript_decl"}


def bodies(path):
    """(kind, name, first line, last line) of every function-like body in one file."""
    out = subprocess.run(["swiftc", "-dump-parse", path], capture_output=True, text=True)
    found, stack, pending = {}, [], []  # stack: (indent, name) of enclosing functions
    for line in out.stdout.splitlines() + out.stderr.splitlines():
        node = NODE.match(line)
        if not node:
            continue
        indent, kind = len(node.group(1)), node.group(2)
        while stack and stack[-1][0] >= indent:
            stack.pop()
        pending = [p for p in pending if p < indent]
        where = RANGE.search(line)
        if kind in FUNCTIONS and where:
            name = NAME.search(line)
            label = (name.group(1) or f"{name.group(2)} {name.group(3)}") if name else kind
            first, last = int(where.group(2)), int(where.group(3))
            found[(first, last)] = found.get((first, last), (kind, label))
            stack.append((indent, label))
        elif kind == "closure_expr":
            pending.append(indent)
        elif kind == "brace_stmt" and where and pending and pending[-1] < indent:
            pending.pop()
            first, last = int(where.group(2)), int(where.group(3))
            outer = stack[-1][1] if stack else "top level"
            found.setdefault((first, last), ("closure", f"closure in {outer}"))
    return [(kind, name, first, last) for (first, last), (kind, name) in found.items()]


def main(argv):
    limit, roots = 80, []
    args = iter(argv)
    for arg in args:
        if arg == "--max":
            limit = int(next(args))
        else:
            roots.append(arg)
    files = []
    for root in roots or ["Sources"]:
        if root.endswith(".swift"):
            files.append(root)
        for folder, _, names in sorted(os.walk(root)):
            files += [os.path.join(folder, n) for n in sorted(names) if n.endswith(".swift")]
    long, kernels = [], []
    for path in files:
        for kind, name, first, last in bodies(path):
            length = last - first + 1
            if length > limit:
                row = (length, f"{length:4d} lines  {path}:{first}-{last}  {name}")
                (kernels if f"{os.path.basename(path)}:{name}" in KERNELS else long).append(row)
    for title, rows in (("over %d lines" % limit, long), ("numeric kernels over %d lines" % limit, kernels)):
        if rows:
            print(f"{title}:")
            for _, text in sorted(rows, reverse=True):
                print("  " + text)
    if not long:
        print(f"no function over {limit} lines in {len(files)} files" +
              (f" (besides {len(kernels)} numeric kernel(s) above)" if kernels else ""))
    return 1 if long else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
