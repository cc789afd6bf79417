#!/usr/bin/python3
"""damage_snap.py: the oracle and the runs of damage_snap.sh.

damage_snap.py MDUMP TRACE DIR

TRACE is a trace mdtrace wrote (64-byte little-endian lp64 headers) of
one process that took snapshots.  The oracle reads it itself, from
doc/FORMATS.md ("The container", "Snapshots"), not through mdump: every
record's offset, label and payload; for each snapshot its figures (the
mdtsnap record), the offset at which it is complete (its count of
entries met by its mdtsnapent and mdtolder records together; at the
mdtsnap record itself for a count of 0), and the totals of each kind
its entries add up to (the figures that changed, applied in order).

Then it runs MDUMP on damaged copies, written to DIR, and prints one
TAP result per kind of damage ("ok damage_snap/NAME" or "not ok
damage_snap/NAME (why)"), the first failure of each named:

  trace          the trace is what the test needs: a few snapshots,
                 mdtolder records, counts met, kinds adding up
  oracle         mdump -T and -T -o json on the whole trace print the
                 oracle's figures, and nothing else
  cuts-T         mdump -T on the trace cut at each offset chosen (below)
  cuts-json      mdump -T -o json, at fewer offsets
  cuts-report    mdump (the default report), at fewer offsets
  flips-snap     every single-bit flip in the header and label of the
  flips-older    first mdtsnap record, of an mdtolder record and of an
  flips-snapent  mdtsnapent record, each under mdump -T

Every run: exit status 0 or 1, never a signal, never a hang (10 s).
Cuts: every snapshot complete before the cut is listed with exactly its
figures; none other is listed.  The default report, while the report
at exit has not begun, shows the last complete snapshot (mdump.1,
"Snapshots"), its kinds' totals those of its entries.  Flips: every
snapshot listed, for any process, has the figures of the snapshot of
that number (it may be dropped, never changed); those complete before
the flipped record are all listed; the flipped record's own snapshot
is not when the flip was in the record's type, pid, length or label
(its entries cannot all be read), nor is any under another pid (the
entries of this trace's snapshots are all the traced pid's).  The
seconds column counts from the first snapshot listed, as mdump.1 says
of -T.

The offsets cut at: by default every offset within a record's header
and label, the last byte of every record, and every 8th elsewhere for
-T; the start, middle of the header and last byte of every record for
the default report and JSON (its symbols make a default report cost
ten runs of -T).  With DAMAGE_FULL set in the environment, every
offset for all three.
"""
import json
import os
import re
import subprocess
import sys
import time

HDR = 64
LABEL = 20
KTR_USER = 9
KINDS = ('definite', 'indirect', 'possible', 'reachable')
SNAP_LEN = 112
ENT_LEN = 40
OLD_HEAD = 12
OLD_LEN = 24


def le(b, off, n):
    return int.from_bytes(b[off:off + n], 'little')


class Record:
    def __init__(self, off, typ, pid, payload):
        self.off = off
        self.typ = typ
        self.pid = pid
        self.end = off + HDR + len(payload)
        self.label = None
        self.data = None
        if typ == KTR_USER and len(payload) >= LABEL:
            self.label = payload[:LABEL].split(b'\0')[0].decode('latin-1')
            self.data = payload[LABEL:]


def records(b):
    """Every whole record of b, in order (the start record included)."""
    out = []
    off = 0
    while off + HDR <= len(b):
        n = le(b, off + 56, 8)
        if off + HDR + n > len(b):
            break
        out.append(Record(off, le(b, off, 4), le(b, off + 4, 4),
                          b[off + HDR:off + HDR + n]))
        off += HDR + n
    return out, off


class Snap:
    pass


def oracle(b):
    """The snapshots of each pid: {pid: {number: Snap}}, and the records."""
    recs, end = records(b)
    if end != len(b):
        raise ValueError('the trace ends inside a record at %d' % end)
    snaps = {}
    state = {}          # pid -> open snapshot, entries still wanted
    live = {}           # pid -> {(stack, kind): (bytes, blocks)}
    for r in recs:
        if r.label is None:
            continue
        d = r.data
        if r.label == 'mdtsnap':
            if len(d) != SNAP_LEN:
                raise ValueError('mdtsnap of %d bytes' % len(d))
            s = Snap()
            s.pid = r.pid
            s.num = le(d, 0, 4)
            s.count = le(d, 4, 4)
            s.mono = le(d, 8, 8)
            s.real = le(d, 16, 8)
            s.bytes = le(d, 24, 8)
            s.blocks = le(d, 32, 8)
            s.kbytes = [le(d, 40 + 16 * k, 8) for k in range(4)]
            s.kblocks = [le(d, 48 + 16 * k, 8) for k in range(4)]
            s.stopped = le(d, 104, 8)
            s.off = r.off
            s.complete = None
            if r.pid in state and state[r.pid][1] > 0:
                raise ValueError('snapshot %d lacks entries' %
                                 state[r.pid][0].num)
            state[r.pid] = [s, s.count]
            snaps.setdefault(r.pid, {})[s.num] = s
            if s.count == 0:
                s.complete = r.end
                s.totals = totals(live.get(r.pid, {}))
            continue
        if r.label == 'mdtsnapent':
            hlen, elen = 4, ENT_LEN
        elif r.label == 'mdtolder':
            hlen, elen = OLD_HEAD, OLD_LEN
        else:
            continue
        if (len(d) - hlen) % elen != 0:
            raise ValueError('%s of %d bytes' % (r.label, len(d)))
        s, want = state[r.pid]
        k = (len(d) - hlen) // elen
        if le(d, 0, 4) != s.num or k > want:
            raise ValueError('%s at %d does not fit' % (r.label, r.off))
        if r.label == 'mdtsnapent':
            lv = live.setdefault(r.pid, {})
            for i in range(k):
                x = hlen + elen * i
                lv[(le(d, x, 4), le(d, x + 4, 4))] = \
                    (le(d, x + 8, 8), le(d, x + 16, 8))
        state[r.pid][1] = want - k
        if want - k == 0:
            s.complete = r.end
            s.totals = totals(live.get(r.pid, {}))
    return snaps, recs


def totals(lv):
    t = [[0, 0] for _ in KINDS]
    for (_, kind), (nb, nk) in lv.items():
        t[kind][0] += nb
        t[kind][1] += nk
    return t


def utc(ns, iso):
    return time.strftime('%Y-%m-%dT%H:%M:%SZ' if iso else
                         '%Y-%m-%d %H:%M:%S', time.gmtime(ns // 10**9))


def secs(s, first, d):
    return '%.*f' % (d, (s.mono - first.mono) / 1e9)


def text_row(s, first):
    """The figures of a line of -T, as strings."""
    return ([str(s.num), utc(s.real, 0), secs(s, first, 1), str(s.bytes),
             str(s.blocks)] + [str(v) for v in s.kbytes] +
            ['%.3f' % (s.stopped / 1e6)])


TEXT_HEAD = ('snapshot time (UTC)             seconds      bytes     blocks'
             '   definite   indirect   possible  reachable stopped_ms')
ROW = re.compile(r'^ *(\d+) (\d{4}-\d\d-\d\d \d\d:\d\d:\d\d) +(-?[\d.]+) +'
                 r'(\d+) +(\d+) +(\d+) +(\d+) +(\d+) +(\d+) +([\d.]+)$')
PROC = re.compile(r'^Process (\d+) \((.*)\)$')


def parse_text(out, pid):
    """-T's lists: {pid: [row fields]}; the pid is the traced one's when
    no process line heads them.  Raises ValueError on any other line."""
    lists = {}
    cur = pid
    for line in out.splitlines():
        m = PROC.match(line)
        if m:
            cur = int(m.group(1))
            continue
        if line == TEXT_HEAD:
            lists.setdefault(cur, [])
            continue
        m = ROW.match(line)
        if m and cur in lists:
            lists[cur].append(list(m.groups()))
            continue
        raise ValueError('line %r' % line)
    return lists


def json_row(s, first):
    return {'number': s.num, 'time': utc(s.real, 1),
            'seconds': secs(s, first, 3), 'bytes': s.bytes,
            'blocks': s.blocks,
            'kinds': {KINDS[k]: {'bytes': s.kbytes[k],
                                 'allocations': s.kblocks[k]}
                      for k in range(4)},
            'stopped_ms': '%.3f' % (s.stopped / 1e6)}


def parse_json(out):
    """-T -o json's lists: {pid: [snapshot objects]}, the numbers with
    fractions kept as written."""
    if out.strip() == '':
        return {}
    doc = json.loads(out, parse_float=str)
    lists = {}
    for p in doc['processes']:
        lists[p['pid']] = p.get('snapshots', [])
    return lists


class Runner:
    def __init__(self, mdump, d):
        self.mdump = mdump
        self.cut = os.path.join(d, 'cut')
        self.runs = 0

    def run(self, data, args):
        """mdump ARGS on data: its output, or raises Bad."""
        with open(self.cut, 'wb') as f:
            f.write(data)
        self.runs += 1
        try:
            p = subprocess.run([self.mdump] + args + ['-f', self.cut],
                               stdin=subprocess.DEVNULL,
                               stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, timeout=10)
        except subprocess.TimeoutExpired:
            raise Bad('no answer in 10 s')
        if p.returncode < 0:
            raise Bad('killed by signal %d' % -p.returncode)
        if p.returncode > 1:
            raise Bad('exit status %d' % p.returncode)
        return p.stdout.decode('utf-8', 'replace')


class Bad(Exception):
    pass


def check_lists(lists, snaps, want, what, gone=None):
    """Each listed snapshot has its original figures; want: the numbers
    of the traced process that must be there (or None); gone: a number
    that no process may list.  A snapshot listed for a process that did
    not take it (its record's pid damaged) can only be one complete by
    its mdtsnap record alone: its entries are the other's."""
    for pid, rows in lists.items():
        orig = snaps.get(pid) or next(iter(snaps.values()))
        if not rows:
            continue
        nums = []
        for row in rows:
            num = int(row['number'] if isinstance(row, dict) else row[0])
            if num not in orig:
                raise Bad('%s: snapshot %d of pid %d is not in the trace'
                          % (what, num, pid))
            if num == gone:
                raise Bad('%s: snapshot %d listed, its record damaged' %
                          (what, num))
            if pid not in snaps and orig[num].count != 0:
                raise Bad('%s: snapshot %d listed for pid %d, its entries'
                          ' are pid %d\'s' % (what, num, pid,
                                              next(iter(snaps))))
            nums.append(num)
        first = orig[nums[0]]
        for num, row in zip(nums, rows):
            s = orig[num]
            exp = json_row(s, first) if isinstance(row, dict) else \
                text_row(s, first)
            if row != exp:
                raise Bad('%s: snapshot %d of pid %d reads %s, not %s' %
                          (what, num, pid, row, exp))
        if sorted(nums) != nums or len(set(nums)) != len(nums):
            raise Bad('%s: snapshots of pid %d out of order: %s' %
                      (what, pid, nums))
    if want is not None:
        for pid, nums in want.items():
            got = [int(r['number'] if isinstance(r, dict) else r[0])
                   for r in lists.get(pid, [])]
            for n in nums:
                if n not in got:
                    raise Bad('%s: snapshot %d of pid %d lost (listed: %s)'
                              % (what, n, pid, got))


def text_lists(out, pid, what):
    try:
        return parse_text(out, pid)
    except ValueError as e:
        raise Bad('%s: -T printed %s' % (what, e))


def json_lists(out, what):
    try:
        return parse_json(out)
    except (ValueError, KeyError, TypeError) as e:
        raise Bad('%s: not the JSON of -T: %s' % (what, e))


SNAPLINE = re.compile(r'^Snapshot (\d+) at (.*) UTC \((.*) s after the '
                      r'first check\)$', re.M)
SUMMARY = re.compile(r'^Summary .* definite=(\d+)/(\d+) indirect=(\d+)/(\d+)'
                     r' possible=(\d+)/(\d+) reachable=(\d+)/(\d+)$', re.M)


def check_report(out, snaps, pid, c, exit_start, what):
    """The default report of a cut: while the report at exit has not
    begun, the last complete snapshot, whose kinds add up to its
    entries; a snapshot shown is always the last complete one."""
    done = [s for s in snaps[pid].values() if s.complete <= c]
    last = max(done, key=lambda s: s.num) if done else None
    m = SNAPLINE.findall(out)
    if len(m) > 1:
        raise Bad('%s: %d snapshot lines' % (what, len(m)))
    if not m:
        if last is not None and c <= exit_start:
            raise Bad('%s: snapshot %d not shown' % (what, last.num))
        return
    first = snaps[pid][min(snaps[pid])]
    exp = (str(last.num), utc(last.real, 0), secs(last, first, 1)) \
        if last is not None else None
    if m[0] != exp:
        raise Bad('%s: shows %s, not %s' % (what, m[0], exp))
    sm = SUMMARY.findall(out)
    want = tuple(str(v) for kt in last.totals for v in kt)
    if len(sm) != 1 or sm[0] != want:
        raise Bad('%s: summary %s, not the entries\' %s' %
                  (what, sm, want))


def result(name, fn):
    try:
        detail = fn()
        print('ok damage_snap/%s%s' % (name, ' (%s)' % detail
                                       if detail else ''))
    except Bad as e:
        print('not ok damage_snap/%s (%s)' % (name, e))
    sys.stdout.flush()


def main():
    mdump, trace, d = sys.argv[1:4]
    full = bool(os.environ.get('DAMAGE_FULL'))
    b = open(trace, 'rb').read()
    try:
        snaps, recs = oracle(b)
    except (ValueError, KeyError) as e:
        for n in ('trace', 'oracle', 'cuts-T', 'cuts-json', 'cuts-report',
                  'flips-snap', 'flips-older', 'flips-snapent'):
            print('not ok damage_snap/%s (the oracle cannot read the '
                  'trace: %s)' % (n, e))
        return
    pid = next(iter(snaps)) if snaps else None
    mine = snaps.get(pid, {})
    lab = [r for r in recs if r.label is not None and r.pid == pid]
    snaprec = [r for r in lab if r.label == 'mdtsnap']
    older = [r for r in lab if r.label == 'mdtolder']
    ents = [r for r in lab if r.label == 'mdtsnapent']
    snapend = max(s.complete or 0 for s in mine.values()) if mine else 0
    # Where the report at exit begins: the first record after the last
    # snapshot's.
    exit_start = min([r.off for r in recs if r.off >= snapend] or [len(b)])
    run = Runner(mdump, d)

    def t_trace():
        if len(snaps) != 1 or len(mine) < 3:
            raise Bad('%d processes, %d snapshots' % (len(snaps), len(mine)))
        if sorted(mine) != list(range(1, len(mine) + 1)):
            raise Bad('snapshots numbered %s' % sorted(mine))
        for s in mine.values():
            if s.complete is None:
                raise Bad('snapshot %d incomplete' % s.num)
            if s.totals != [[s.kbytes[k], s.kblocks[k]] for k in range(4)]:
                raise Bad('snapshot %d: entries add up to %s, its record '
                          'says %s %s' % (s.num, s.totals, s.kbytes,
                                          s.kblocks))
        if len(older) < 2 or not any(r.off > snaprec[1].off for r in older):
            raise Bad('too few mdtolder records')
        if len(b) > 16384:
            raise Bad('%d bytes: too big to cut everywhere' % len(b))
        return '%d bytes, %d records, %d snapshots' % (len(b), len(recs),
                                                       len(mine))

    def t_oracle():
        first = mine[1]
        want = [text_row(s, first) for s in sorted(mine.values(),
                                                   key=lambda s: s.num)]
        got = text_lists(run.run(b, ['-T']), pid, 'whole')
        if got != {pid: want}:
            raise Bad('-T lists %s, the oracle %s' % (got, want))
        want = [json_row(s, first) for s in sorted(mine.values(),
                                                   key=lambda s: s.num)]
        got = json_lists(run.run(b, ['-T', '-o', 'json']), 'whole')
        if got != {pid: want}:
            raise Bad('-T -o json lists %s, the oracle %s' % (got, want))

    def complete_at(c):
        return {pid: [s.num for s in mine.values() if s.complete <= c]}

    def cut_check(c, args, out):
        what = 'cut at %d' % c
        lists = json_lists(out, what) if 'json' in args else \
            text_lists(out, pid, what)
        want = complete_at(c)
        check_lists(lists, snaps, want, what)
        n = sum(len(v) for v in lists.values())
        if n != len(want[pid]):
            raise Bad('%s: %d snapshots listed, %d complete' %
                      (what, n, len(want[pid])))

    # The offsets to cut at.
    heads = set()
    few = set()
    for r in recs:
        heads.update(range(r.off, min(r.off + HDR + LABEL, r.end)))
        heads.add(r.end - 1)
        few.update((r.off, r.off + HDR // 2, r.end - 1))
    if full:
        cuts_t = cuts_few = range(len(b))
    else:
        cuts_t = sorted(heads | set(range(0, len(b), 8)))
        cuts_few = sorted(c for c in few if c < len(b))

    def t_cuts(args, cuts):
        def t():
            for c in cuts:
                out = run.run(b[:c], args)
                if args == []:
                    check_report(out, snaps, pid, c, exit_start,
                                 'cut at %d' % c)
                else:
                    cut_check(c, args, out)
            return '%d traces' % len(cuts)
        return t

    def t_flips(rec):
        def t():
            if rec is None:
                raise Bad('no such record')
            before = {pid: [s.num for s in mine.values()
                            if s.complete <= rec.off]}
            num = le(rec.data, 0, 4)
            n = 0
            for i in range(rec.off, rec.off + HDR + LABEL):
                # Type, pid, length and the label's own bytes: the
                # record is lost to its snapshot, which cannot be
                # complete.  The other bytes may or may not matter.
                j = i - rec.off
                breaks = j < 8 or 56 <= j < HDR + len(rec.label)
                for bit in range(8):
                    f = bytearray(b)
                    f[i] ^= 1 << bit
                    what = 'bit %d of byte %d' % (bit, i)
                    out = run.run(bytes(f), ['-T'])
                    check_lists(text_lists(out, pid, what), snaps, before,
                                what, num if breaks else None)
                    n += 1
            return '%d traces, the record at %d' % (n, rec.off)
        return t

    def pick(rs, num):
        """The first of rs in snapshot num."""
        for r in rs:
            if le(r.data, 0, 4) == num:
                return r
        return None

    t0 = time.time()
    result('trace', t_trace)
    result('oracle', t_oracle)
    result('cuts-T', t_cuts(['-T'], cuts_t))
    result('cuts-json', t_cuts(['-T', '-o', 'json'], cuts_few))
    result('cuts-report', t_cuts([], cuts_few))
    result('flips-snap', t_flips(snaprec[0] if snaprec else None))
    result('flips-older', t_flips(pick(older, 2)))
    result('flips-snapent', t_flips(pick(ents, 3)))
    print('# %d runs of mdump in %.1f s' % (run.runs, time.time() - t0))


if __name__ == '__main__':
    main()
