#!/usr/bin/python3
"""The values of sparkdet.train.KEY in a recipe (after its includes and conf/sparkdet-defaults.conf),
one a line, null as an empty line: a reader for the plain `key = value` / `block {` /
`include "file"` HOCON that conf/ uses, for the benchmark scripts.

usage: recipe_values.py DEFAULTS.conf RECIPE.conf KEY...   (KEY relative to sparkdet.train, e.g. augment.jitter;
       KEY=VALUE: VALUE when neither file sets KEY)
"""
import os
import re
import sys


def load(path, out):
    prefix = []
    for raw in open(path, encoding="utf-8"):
        line = re.sub(r'\s+#.*$|^\s*#.*$|\s+//.*$', "", raw).strip()
        m = re.match(r'include\s+"([^"]+)"$', line)
        if m:
            load(os.path.join(os.path.dirname(path), m.group(1)), out)
        elif line == "}":
            prefix.pop()
        elif re.match(r'[\w.-]+\s*[=:]?\s*\{$', line):
            prefix.append(re.match(r'[\w.-]+', line).group(0))
        elif re.match(r'[\w.-]+\s*[=:]', line):
            k, v = re.match(r'([\w.-]+)\s*[=:]\s*(.*)$', line).groups()
            out[".".join(prefix + [k])] = v.strip().strip('"')


def main():
    out = {}
    for f in sys.argv[1:3]:
        load(f, out)
    for arg in sys.argv[3:]:
        k, _, fallback = arg.partition("=")
        v = out.get("sparkdet.train." + k, fallback if "=" in arg else None)
        if v is None:
            raise SystemExit("%s sets no sparkdet.train.%s" % (sys.argv[2], k))
        print("" if v == "null" else v)


if __name__ == "__main__":
    main()
