#!/usr/bin/env python3
"""dwarfdecl.py: where variables are defined, as llvm-dwarfdump reads
the DWARF, for holder_decl.sh.  Reads `llvm-dwarfdump --debug-info`
output on stdin; for each NAME argument prints "NAME FILE LINE": the
DW_TAG_variable named NAME (itself or through DW_AT_specification or
DW_AT_abstract_origin) that has a DW_AT_location, its DW_AT_decl_file
and DW_AT_decl_line, each from that DIE or the first along those links
that has it.  "NAME ? 0" when none or when two such DIEs disagree."""
import re
import sys

dies = {}
cur = None
die_re = re.compile(r'^(0x[0-9a-f]+):\s+(DW_TAG_\w+)')
attr_re = re.compile(r'^\s+(DW_AT_\w+)\s+\((.*)\)\s*$')
for line in sys.stdin:
    m = die_re.match(line)
    if m:
        cur = {'tag': m.group(2)}
        dies[int(m.group(1), 16)] = cur
        continue
    m = attr_re.match(line)
    if m and cur is not None:
        cur.setdefault(m.group(1), m.group(2))
    elif not line.strip():
        pass


def links(off):
    """The DIE at off and those its links lead to, at most 16."""
    seen = []
    while off in dies and len(seen) < 16 and off not in seen:
        seen.append(off)
        d = dies[off]
        ref = d.get('DW_AT_specification') or d.get('DW_AT_abstract_origin')
        if ref is None:
            break
        off = int(ref.split()[0], 16)
    return [dies[o] for o in seen]


def first(chain, attr):
    for d in chain:
        if attr in d:
            return d[attr]
    return None


def unquote(v):
    return v[1:-1] if v is not None and v.startswith('"') else v


for name in sys.argv[1:]:
    found = set()
    for off, d in dies.items():
        if d['tag'] != 'DW_TAG_variable' or 'DW_AT_location' not in d:
            continue
        chain = links(off)
        if unquote(first(chain, 'DW_AT_name')) != name:
            continue
        f = unquote(first(chain, 'DW_AT_decl_file'))
        ln = first(chain, 'DW_AT_decl_line')
        found.add((f, int(ln, 0) if ln is not None else 0))
    if len(found) == 1:
        f, ln = found.pop()
        print(name, f, ln)
    else:
        print(name, '?', 0)
