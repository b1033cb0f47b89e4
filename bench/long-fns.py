#!/usr/bin/env python3
"""Lists functions longer than N lines (default 120) and files longer than 700 lines
under the given dirs (default src), skipping test files
(tests.rs, *_tests.rs, files under a tests/ dir) and `#[cfg(test)] mod tests` blocks.
A function runs from its `fn` line to the first line at its indentation that is `}`.

    python3 bench/long-fns.py [--max 120] [DIR...]
"""
import os
import re
import sys

args = sys.argv[1:]
limit = 120
if args[:1] == ["--max"]:
    limit, args = int(args[1]), args[2:]
dirs = args or ["src"]
FN = re.compile(r"^(\s*)(pub(\([^)]*\))?\s+)?(const\s+)?(async\s+)?(unsafe\s+)?fn\s+(\w+)")
found = 0
for top in dirs:
    for root, _, files in os.walk(top):
        for f in sorted(files):
            path = os.path.join(root, f)
            if not f.endswith(".rs") or f == "tests.rs" or f.endswith("_tests.rs") or "/tests/" in path:
                continue
            lines = open(path, encoding="utf-8").read().split("\n")
            # Cut a trailing #[cfg(test)] mod tests { … } block.
            for i, line in enumerate(lines):
                if line.startswith("#[cfg(test)]") and i + 1 < len(lines) and lines[i + 1].startswith("mod tests {"):
                    lines = lines[:i]
                    break
            if len(lines) > 700:
                print(f"FILE {path}: {len(lines)} lines")
                found += 1
            for i, line in enumerate(lines):
                m = FN.match(line)
                if not m or line.rstrip().endswith(";"):
                    continue
                indent = m.group(1)
                for j in range(i + 1, len(lines)):
                    if lines[j] == indent + "}":
                        n = j - i + 1
                        if n > limit:
                            print(f"FN   {path}:{i + 1} {m.group(7)}: {n} lines")
                            found += 1
                        break
print(f"{found} over the limits (functions > {limit} lines, files > 700 lines)")
