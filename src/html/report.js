/*
 * report.js: draws the leak report that mdump embedded in this page
 * (the element #data, its format described in src/report_html.c):
 * a summary per process, a flame graph of the leaked bytes on a canvas
 * and a table of the leaks.
 *
 * Every name and path is data: it reaches the page through textContent,
 * setAttribute or the canvas's fillText, never as markup.  Nothing is
 * fetched.  The script is ASCII; other characters are written as \u
 * escapes.
 *
 * Parts, in order: errors, the data, formatting, the summary, the
 * flame graph tree, its drawing (all the drawing is in drawFlame and
 * the functions right after it), zoom and keys, search, the table, the
 * snapshots and their timeline, the process selector, start.
 */
'use strict';

/* Errors go where a reader (and the test) sees them. */
var errorBox = document.getElementById('errors');
function reportError(msg) {
	errorBox.textContent += msg + '\n';
}
window.addEventListener('error', function (e) {
	reportError('error: ' + e.message + ' (line ' + e.lineno + ')');
});

(function () {
var t0 = performance.now();
var $ = function (id) { return document.getElementById(id); };

/* ---- The data ---------------------------------------------------- */

var D = JSON.parse($('data').textContent);
var S = D.strings;
function str(i) { return i < 0 ? null : S[i]; }

/*
 * Frames as objects: object path, offset, whether in a system library,
 * and inline chain, innermost first, each location {fn, file, line}
 * (null or 0 when unknown) with the key of its flame graph node: the
 * last location is the frame's own function, the others were inlined
 * into it, each into the next.
 */
var SYSLIB = /^\/(usr\/)?(local\/)?lib(32|64|exec)?\//;
var FRAMES = D.frames.map(function (f) {
	var fr = { object: str(f[0]), offset: f[1], locs: [] }, a = f[2];
	var i, loc;

	fr.sys = fr.object !== null && SYSLIB.test(fr.object);
	for (i = 0; i + 2 < a.length; i += 3) {
		loc = { fn: str(a[i]), file: str(a[i + 1]), line: a[i + 2] };
		loc.inlined = i + 3 < a.length;
		loc.key = locName(loc, fr) + '\u0000' + (loc.file || '') +
		    (loc.inlined ? '\u0001' : '');
		fr.locs.push(loc);
	}
	return fr;
});

/*
 * Leaks as objects.  weight is what widths and shares are made of: the
 * bytes, or with -b the bytes grown since the baseline.
 */
var PROCS = D.processes.map(function (p) {
	var leaks = p.leaks.map(function (l, i) {
		var o = {
			index: i,
			bytes: l[0],
			count: l[1],
			frames: l[2].map(function (k) { return FRAMES[k]; }),
			kind: l[3] >= 0 ? S[l[3]] : null
		};
		o.avg = o.count > 0 ? Math.floor(o.bytes / o.count) : 0;
		if (D.compare) {
			o.gbytes = l[4];
			o.gcount = l[5];
			o.isnew = l[6] === 1;
		}
		/* What holds it, the text report's line, or null. */
		o.holder = l.length > (D.compare ? 7 : 4) ?
		    l[D.compare ? 7 : 4] : null;
		o.weight = D.compare ? o.gbytes : o.bytes;
		o.user = userFrame(o.frames);
		return o;
	});
	return { pid: p.pid, command: p.command, summary: p.summary,
	    leaks: leaks, tree: null, treeUp: null,
	    snaps: p.snaps ? snapsOf(p.snaps) : null };
});
var HAS_KIND = PROCS.some(function (p) {
	return p.leaks.some(function (l) { return l.kind !== null; });
});

/*
 * The innermost frame of the program rather than of a system library,
 * where the table says a leak comes from; the innermost frame when
 * every frame is a library's.
 */
function userFrame(frames) {
	for (var i = 0; i < frames.length; i++)
		if (!frames[i].sys)
			return frames[i];
	return frames.length > 0 ? frames[0] : null;
}

/* ---- Formatting -------------------------------------------------- */

function basename(p) {
	var i = p.lastIndexOf('/');
	return i >= 0 ? p.slice(i + 1) : p;
}

/* A location's name: the function, else object+0xoffset as -o folded. */
function locName(loc, frame) {
	if (loc.fn !== null)
		return loc.fn;
	return (frame.object === null ? '??' : basename(frame.object)) +
	    '+0x' + frame.offset;
}

function fileLine(loc) {
	return (loc.file === null ? '??' : loc.file) + ':' + loc.line;
}

function human(n) {
	var u = ['B', 'KiB', 'MiB', 'GiB', 'TiB'], i = 0;
	while (n >= 1024 && i < u.length - 1) {
		n /= 1024;
		i++;
	}
	return (i === 0 ? String(n) : n.toFixed(1)) + ' ' + u[i];
}

function plural(n, what) {
	return n + ' ' + what + (n === 1 ? '' : 's');
}

function percent(part, whole) {
	if (whole <= 0)
		return '0%';
	var p = 100 * part / whole;
	return (p >= 10 || p === 0 ? p.toFixed(0) : p.toFixed(1)) + '%';
}

/* An element with text; the one way text gets into the page. */
function el(tag, text, cls) {
	var e = document.createElement(tag);
	if (text !== undefined && text !== null)
		e.textContent = text;
	if (cls)
		e.className = cls;
	return e;
}

/* The stack as the text report prints it, innermost first. */
function stackText(leak) {
	var out = [], i, j, f, loc, line;

	for (i = 0; i < leak.frames.length; i++) {
		f = leak.frames[i];
		for (j = 0; j < f.locs.length; j++) {
			loc = f.locs[j];
			line = (j === 0 ? ' ' : '  (inlined by) ') +
			    (loc.fn === null ? '??' : loc.fn) + ' at ' +
			    fileLine(loc);
			if (j === 0 && (loc.fn === null || loc.file === null))
				line += ' (' + (f.object === null ? '??' :
				    f.object) + '+0x' + f.offset + ')';
			out.push(line);
		}
	}
	if (leak.frames.length === 0)
		out.push(' (no frames recorded)');
	return out.join('\n');
}

/* ---- The summary ------------------------------------------------- */

/* The kinds of a summary's "kinds", in the order shown. */
var KINDS = ['definite', 'indirect', 'possible', 'reachable'];

/* Label and value pairs. */
function showSummary(p) {
	var dl = $('summary'), t = p.summary, pairs, div, i, s;

	pairs = [
		['Command', p.command, 'cmd'],
		['PID', String(p.pid)]
	];
	/* A snapshot's leaks: which, and when. */
	s = p.snap !== undefined ? p.snap : baseSnap(p);
	if (s >= 0)
		pairs.push(['Snapshot', snapName(p.snaps, s), 'snap']);
	pairs.push(['Leaks', String(t.leaks)],
	    [D.compare ? 'Bytes grown' : 'Bytes',
		t.bytes + ' (' + human(t.bytes) + ')'],
	    ['Allocations', String(t.allocations)]);
	if (t.suppressed !== undefined)
		pairs.push(['Suppressed', String(t.suppressed)]);
	if (D.hidden)
		pairs.push(['Hidden', String(t.hidden)]);
	if (D.top)
		pairs.push(['Shown', String(t.shown) + ' of ' + t.leaks]);
	/* With kinds: bytes and allocations of each, shown or not. */
	KINDS.forEach(function (k) {
		var v = t.kinds ? t.kinds[k] : null;
		if (v)
			pairs.push([k.charAt(0).toUpperCase() + k.slice(1),
			    v.bytes + ' (' + human(v.bytes) + ') in ' +
			    plural(v.allocations, 'allocation'),
			    'kind-' + k]);
	});
	dl.textContent = '';
	for (i = 0; i < pairs.length; i++) {
		div = dl.appendChild(el('div'));
		div.appendChild(el('dt', pairs[i][0]));
		div.appendChild(el('dd', pairs[i][1], pairs[i][2]));
	}
}

/* ---- The flame graph tree ---------------------------------------- */

/*
 * One node per distinct path of locations from the outermost frame:
 * children of a node are told apart by name, file and whether they
 * were inlined (the location's key).  value is the weight of the leaks
 * under the node.
 */
function newNode(parent, name, loc, frame, inlined) {
	return {
		parent: parent,
		depth: parent ? parent.depth + 1 : 0,
		name: name,
		key: loc ? loc.key : null,
		loc: loc,
		frame: frame,
		inlined: inlined,
		lines: loc ? [loc.line] : [],
		value: 0,
		count: 0,
		leaks: 0,
		newValue: 0,
		kinds: null,		/* kind -> weight, when leaks have kinds */
		children: [],
		byKey: null,		/* key -> child, once there are many */
		match: false,
		height: 0		/* depth of the subtree below */
	};
}

/* The child of n for the location, made if new. */
function child(n, loc, frame) {
	var c, i, kids = n.children;

	if (n.byKey !== null) {
		c = n.byKey.get(loc.key);
	} else {
		for (i = 0; i < kids.length && kids[i].key !== loc.key; i++)
			;
		c = kids[i];
		/* Past a few children a map is faster than a scan. */
		if (kids.length >= 16) {
			n.byKey = new Map();
			for (i = 0; i < kids.length; i++)
				n.byKey.set(kids[i].key, kids[i]);
		}
	}
	if (c === undefined) {
		c = newNode(n, locName(loc, frame), loc, frame, loc.inlined);
		kids.push(c);
		if (n.byKey !== null)
			n.byKey.set(c.key, c);
	} else if (c.lines.indexOf(loc.line) < 0 && c.lines.length < 8) {
		c.lines.push(loc.line);
	}
	return c;
}

function addLeak(n, l) {
	n.value += l.weight;
	n.count += D.compare ? l.gcount : l.count;
	n.leaks++;
	if (l.isnew)
		n.newValue += l.weight;
	if (l.kind !== null) {
		if (n.kinds === null)
			n.kinds = {};
		n.kinds[l.kind] = (n.kinds[l.kind] || 0) + l.weight;
	}
}

/*
 * Top-down: outermost frame first, a frame's inline chain outermost
 * first too.  Bottom-up (up set): the other way, the allocating
 * function at the root's children, its callers below.
 */
function buildTree(p, up) {
	var root = newNode(null, 'all', null, null, false);
	var anon = { fn: '[no frames]', file: null, line: 0, inlined: false,
	    key: '\u0002' };

	root.name = p.command + ' (' + p.pid + ')';
	p.leaks.forEach(function (l) {
		var n = root, i, k, f;

		var leaf = up ? 'leafUp' : 'leafDown', nf = l.frames.length;

		l[leaf] = null;
		if (l.weight <= 0)
			return;
		addLeak(root, l);
		if (nf === 0)
			addLeak(n = child(n, anon, null), l);
		for (i = 0; i < nf; i++) {
			f = l.frames[up ? i : nf - 1 - i];
			for (k = 0; k < f.locs.length; k++) {
				n = child(n, f.locs[up ? k :
				    f.locs.length - 1 - k], f);
				addLeak(n, l);
			}
		}
		l[leaf] = n;
	});
	finishNode(root);
	return root;
}

/* push.apply would pass a node's children as arguments: too many. */
function pushAll(a, b) {
	for (var i = 0; i < b.length; i++)
		a.push(b[i]);
}

/* Largest child first (the left-heavy order), heights, no maps. */
function finishNode(n) {
	var stack = [n], m;
	var order = [];

	while (stack.length > 0) {
		m = stack.pop();
		order.push(m);
		m.byKey = null;
		m.children.sort(function (a, b) { return b.value - a.value; });
		pushAll(stack, m.children);
	}
	for (var i = order.length - 1; i >= 0; i--) {
		m = order[i];
		if (m.parent && m.parent.height < m.height + 1)
			m.parent.height = m.height + 1;
	}
}

/* ---- Drawing ------------------------------------------------------ */

var ROW = 18;			/* CSS pixels per frame row */
var MIN_WIDTH = 0.4;		/* frames narrower are not drawn */
var canvas = $('flame');
var ctx = canvas.getContext('2d');
var view = {
	proc: null,		/* the process shown */
	root: null,		/* its tree */
	zoom: null,		/* the node drawn full width */
	history: [],		/* earlier zooms, for Back */
	up: false,		/* bottom-up */
	cursor: null,		/* the node keys act on */
	hits: [],		/* per row: drawn [x, width, node], by x */
	query: ''
};
var colors = {};

/* The colours of the page's scheme, from report.css's variables. */
function theme() {
	var cs = getComputedStyle(document.documentElement);
	var v = function (n) { return cs.getPropertyValue(n).trim(); };
	colors = {
		muted: v('--muted'), match: v('--match'), focus: v('--focus'),
		l: v('--flame-l'), li: v('--flame-inline-l'),
		text: v('--flame-text'), dim: v('--flame-dim')
	};
}

/* A warm hue from the name, so a function keeps its colour. */
function hue(name) {
	var h = 0, i;
	for (i = 0; i < name.length; i++)
		h = (h * 31 + name.charCodeAt(i)) | 0;
	return Math.abs(h) % 50;
}

function fill(n) {
	if (view.query !== '' && !n.match)
		return colors.dim;
	if (n.match)
		return colors.match;
	var l = n.inlined ? colors.li : colors.l;
	/* With -b, frames whose bytes are all from new stacks are green. */
	if (D.compare && n.newValue === n.value && n.value > 0)
		return 'hsl(' + (150 + hue(n.name) % 20) + ', 45%, ' + l + ')';
	return 'hsl(' + hue(n.name) + ', 80%, ' + l + ')';
}

/*
 * Draw the view: the ancestors of the zoomed node full width on top
 * (dimmer), the zoomed node full width below them, then its subtree,
 * each child as wide as its share of its parent.  Frames under
 * MIN_WIDTH pixels are left out with everything below them, so the
 * work is bounded by the canvas, not by the number of frames.
 */
function drawFlame() {
	var box = $('flamebox'), z = view.zoom;
	var w = box.clientWidth, rows, dpr = window.devicePixelRatio || 1;
	var i, chain = [];

	if (z === null)
		return;
	drawnWidth = w;
	for (var a = z.parent; a !== null; a = a.parent)
		chain.unshift(a);
	/* Browsers draw no canvas much over 32767 pixels high. */
	rows = Math.min(chain.length + z.height + 1,
	    Math.floor(30000 / ROW / dpr));
	canvas.style.height = rows * ROW + 'px';
	canvas.width = Math.round(w * dpr);
	canvas.height = Math.round(rows * ROW * dpr);
	ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
	ctx.clearRect(0, 0, w, rows * ROW);
	ctx.font = '12px ' + getComputedStyle(document.body).fontFamily;
	ctx.textBaseline = 'middle';
	view.hits = [];
	for (i = 0; i < rows; i++)
		view.hits.push([]);
	for (i = 0; i < chain.length && i < rows; i++)
		drawFrame(chain[i], 0, w, i, true);
	if (chain.length < rows)
		drawTree(z, 0, w, chain.length, rows);
	$('zoomline').textContent = zoomText();
	$('back').disabled = view.history.length === 0;
	$('reset').disabled = z === view.root;
}

/* A subtree above row rows, depth first, iteratively (stacks are deep). */
function drawTree(top, x0, w0, row0, rows) {
	var stack = [[top, x0, w0, row0]], it, n, x, w, row, i, c, cw;

	while (stack.length > 0) {
		it = stack.pop();
		n = it[0]; x = it[1]; w = it[2]; row = it[3];
		drawFrame(n, x, w, row, false);
		for (i = 0; i < n.children.length && row + 1 < rows; i++) {
			c = n.children[i];
			cw = n.value > 0 ? w * c.value / n.value : 0;
			if (cw < MIN_WIDTH)
				break;	/* sorted: the rest are narrower */
			stack.push([c, x, cw, row + 1]);
			x += cw;
		}
	}
}

/* One frame: a box, its label if it fits, the cursor's outline. */
function drawFrame(n, x, w, row, above) {
	var y = row * ROW, label, fit;

	ctx.globalAlpha = above ? 0.55 : 1;
	ctx.fillStyle = fill(n);
	ctx.fillRect(x, y, Math.max(w - 1, 0.5), ROW - 1);
	ctx.globalAlpha = 1;
	view.hits[row].push([x, w, n]);
	if (n === view.cursor && document.activeElement === canvas) {
		ctx.strokeStyle = colors.focus;
		ctx.lineWidth = 2;
		ctx.strokeRect(x + 1, y + 1, Math.max(w - 3, 1), ROW - 3);
	}
	if (w < 24)
		return;
	label = n.inlined ? n.name + ' (inlined)' : n.name;
	fit = Math.floor((w - 6) / charWidth());
	if (fit < 2)
		return;
	if (label.length > fit)
		label = label.slice(0, fit - 1) + '\u2026';
	ctx.fillStyle = view.query !== '' && !n.match ? colors.muted :
	    colors.text;
	ctx.fillText(label, x + 3, y + ROW / 2);
}

var charW = 0;
function charWidth() {
	if (charW === 0)
		charW = ctx.measureText('abcdefghijklmnopqrstuvwxyz_').width / 27;
	return charW;
}

/* The node drawn at a point of the canvas, or null. */
function nodeAt(x, y) {
	var row = view.hits[Math.floor(y / ROW)], lo = 0, hi, mid;

	if (row === undefined)
		return null;
	hi = row.length - 1;
	/* Each row was drawn left to right within its parents: sort once. */
	if (!row.sorted) {
		row.sort(function (a, b) { return a[0] - b[0]; });
		row.sorted = true;
	}
	while (lo <= hi) {
		mid = (lo + hi) >> 1;
		if (x < row[mid][0])
			hi = mid - 1;
		else if (x >= row[mid][0] + row[mid][1])
			lo = mid + 1;
		else
			return row[mid][2];
	}
	return null;
}

/* Where the node was drawn, for the keyboard's tooltip. */
function boxOf(n) {
	var r, i, j;
	for (i = 0; i < view.hits.length; i++) {
		r = view.hits[i];
		for (j = 0; j < r.length; j++)
			if (r[j][2] === n)
				return { x: r[j][0], w: r[j][1], y: i * ROW };
	}
	return null;
}

/* ---- Tooltip ------------------------------------------------------ */

function showTip(n, x, y) {
	var tip = $('tip'), total = view.root.value, k, where;

	tip.textContent = '';
	tip.appendChild(el('div', n.name, 'fn'));
	if (n.loc !== null) {
		where = (n.loc.file === null ? '??' : n.loc.file) + ':' +
		    n.lines.join(', ');
		if (n.frame !== null && (n.loc.fn === null || n.loc.file === null))
			where += ' (' + (n.frame.object === null ? '??' :
			    n.frame.object) + '+0x' + n.frame.offset + ')';
		tip.appendChild(el('div', where, 'where'));
	}
	if (n.inlined)
		tip.appendChild(el('div', 'inlined into ' + n.parent.name,
		    'note'));
	tip.appendChild(el('div', (D.compare ? 'Grown: ' : 'Bytes: ') +
	    n.value + ' (' + human(n.value) + ', ' + percent(n.value, total) +
	    ')'));
	tip.appendChild(el('div', 'Allocations: ' + n.count + ' in ' +
	    n.leaks + (n.leaks === 1 ? ' leak' : ' leaks')));
	if (D.compare && n.newValue > 0)
		tip.appendChild(el('div', 'From new stacks: ' + n.newValue +
		    ' (' + percent(n.newValue, n.value) + ')'));
	for (k in n.kinds || {})
		tip.appendChild(el('div', 'Kind ' + k + ': ' + n.kinds[k] +
		    ' bytes'));
	tip.hidden = false;
	/* Beside the point, kept inside the box. */
	var bw = $('flamebox').clientWidth;
	var left = Math.min(x + 14, bw - tip.offsetWidth - 4);
	tip.style.left = Math.max(left, 0) + 'px';
	tip.style.top = (y + 16) + 'px';
}

function hideTip() {
	$('tip').hidden = true;
}

/* ---- Zoom and keys ----------------------------------------------- */

function zoomTo(n, remember) {
	if (n === null || n === view.zoom)
		return;
	if (remember)
		view.history.push(view.zoom);
	view.zoom = n;
	view.cursor = n;
	drawFlame();
	laterTable();
}

function back() {
	if (view.history.length > 0) {
		view.zoom = view.history.pop();
		view.cursor = view.zoom;
		drawFlame();
		laterTable();
	}
}

function zoomText() {
	var z = view.zoom, names = [], n;
	if (z === view.root)
		return 'Showing everything: ' + view.root.value + ' bytes' +
		    (D.compare ? ' grown.' : '.');
	for (n = z; n !== null && n !== view.root; n = n.parent)
		names.unshift(n.name);
	return 'Zoomed into ' + names.join(' \u203a ') + ': ' + z.value +
	    ' bytes, ' + percent(z.value, view.root.value) + ' of all.';
}

canvas.addEventListener('mousemove', function (e) {
	var r = canvas.getBoundingClientRect(), x = e.clientX - r.left;
	var y = e.clientY - r.top, n = nodeAt(x, y);
	if (n === null)
		hideTip();
	else
		showTip(n, x, y);
});
canvas.addEventListener('mouseleave', hideTip);
canvas.addEventListener('click', function (e) {
	var r = canvas.getBoundingClientRect();
	var n = nodeAt(e.clientX - r.left, e.clientY - r.top);
	hideTip();
	zoomTo(n, true);
});

/* Arrows move the cursor; Enter zooms; Backspace and Home zoom out. */
canvas.addEventListener('keydown', function (e) {
	var c = view.cursor || view.zoom, sib, i, b;

	switch (e.key) {
	case 'ArrowUp':
		c = c.parent || c;
		break;
	case 'ArrowDown':
		c = c.children.length > 0 ? c.children[0] : c;
		break;
	case 'ArrowLeft':
	case 'ArrowRight':
		sib = c.parent ? c.parent.children : [c];
		i = sib.indexOf(c) + (e.key === 'ArrowLeft' ? -1 : 1);
		c = sib[Math.max(0, Math.min(i, sib.length - 1))];
		break;
	case 'Enter':
	case ' ':
		zoomTo(c, true);
		break;
	case 'Backspace':
	case 'Escape':
		back();
		break;
	case 'Home':
	case '0':
		zoomTo(view.root, true);
		break;
	default:
		return;
	}
	e.preventDefault();
	/* Zooming out leaves the cursor on the frame it was on. */
	view.cursor = c;
	drawFlame();
	b = boxOf(c);
	if (b !== null)
		showTip(c, b.x + Math.min(b.w / 2, 40), b.y);
	else
		hideTip();
});
canvas.addEventListener('blur', function () {
	hideTip();
	drawFlame();
});
canvas.addEventListener('focus', drawFlame);
$('back').addEventListener('click', back);
$('reset').addEventListener('click', function () {
	zoomTo(view.root, true);
});
document.addEventListener('keydown', function (e) {
	if (e.key === '/' && document.activeElement !== $('search')) {
		e.preventDefault();
		$('search').focus();
	}
});

/*
 * Redraw when the graph's width changes (the window, or a scroll bar
 * coming or going) or the colour scheme does; a canvas drawn for
 * another width would be stretched.
 */
var drawnWidth = 0;
function redrawIfResized() {
	if ($('flamebox').clientWidth !== drawnWidth)
		drawFlame();
}
if (window.ResizeObserver)
	new ResizeObserver(redrawIfResized).observe($('flamebox'));
else
	window.addEventListener('resize', redrawIfResized);
if (window.matchMedia)
	window.matchMedia('(prefers-color-scheme: dark)').addEventListener(
	    'change', function () { theme(); drawFlame(); });

/* ---- Search ------------------------------------------------------- */

/*
 * A frame matches when its function (or, unknown, its object) or its
 * file contains the text, case ignored.  The share is that of the
 * leaks with a matching frame, each counted once.
 */
function locMatches(loc, frame, q) {
	return locName(loc, frame).toLowerCase().indexOf(q) >= 0 ||
	    (loc.file !== null && loc.file.toLowerCase().indexOf(q) >= 0);
}

function leakMatches(l, q) {
	return l.frames.some(function (f) {
		return f.locs.some(function (loc) {
			return locMatches(loc, f, q);
		});
	});
}

function markTree(root, q) {
	var stack = [root], n;
	while (stack.length > 0) {
		n = stack.pop();
		n.match = q !== '' && n.loc !== null &&
		    locMatches(n.loc, n.frame || { object: null, offset: '' }, q);
		pushAll(stack, n.children);
	}
}

function search() {
	var q = $('search').value.trim().toLowerCase(), p = view.proc;
	var bytes = 0, n = 0, total = 0;

	view.query = q;
	markTree(view.root, q);
	table.filter = q === '' ? null : function (l) {
		return leakMatches(l, q);
	};
	if (q === '') {
		$('match').textContent = '';
	} else {
		p.leaks.forEach(function (l) {
			total += Math.max(l.weight, 0);
			if (leakMatches(l, q)) {
				bytes += l.weight;
				n++;
			}
		});
		$('match').textContent = n + (n === 1 ? ' leak matches: ' :
		    ' leaks match: ') + bytes + ' bytes, ' +
		    percent(bytes, total) + ' of ' + total;
	}
	drawFlame();
	showTable();
}

var searchTimer = 0;
$('search').addEventListener('input', function () {
	clearTimeout(searchTimer);
	searchTimer = setTimeout(search, 120);
});
$('search').addEventListener('keydown', function (e) {
	if (e.key === 'Enter') {
		clearTimeout(searchTimer);
		search();
	} else if (e.key === 'Escape') {
		$('search').value = '';
		search();
	}
});

/* ---- The table ---------------------------------------------------- */

var PAGE = 200;			/* rows added at a time */
var table = {
	key: null,		/* column sorted by; null: the report's order */
	dir: -1,		/* -1: largest first */
	filter: null,
	rows: [],		/* the leaks in the order shown */
	shown: 0
};

/* The columns: title, value to sort by, cell maker, numeric. */
function columns() {
	var cols = [
		['#', function (l) { return l.index; },
		    function (l) { return el('td', String(l.index + 1), 'rank'); }],
		['Bytes', function (l) { return l.bytes; },
		    function (l) { return el('td', String(l.bytes), 'num'); },
		    true],
		['Allocations', function (l) { return l.count; },
		    function (l) { return el('td', String(l.count), 'num'); },
		    true],
		['Average', function (l) { return l.avg; },
		    function (l) { return el('td', String(l.avg), 'num'); },
		    true]
	];
	if (D.compare)
		cols.push(['Growth', function (l) { return l.gbytes; },
		    growthCell, true]);
	if (HAS_KIND)
		cols.push(['Kind', function (l) { return l.kind || ''; },
		    function (l) { return el('td', l.kind || ''); }]);
	cols.push(['Function', function (l) { return userLoc(l, 'fn'); },
	    fnCell]);
	cols.push(['Location', function (l) { return userLoc(l, 'where'); },
	    function (l) { return el('td', userLoc(l, 'where'), 'where'); }]);
	return cols;
}

function growthCell(l) {
	var td = el('td', null, 'num');
	if (l.isnew)
		td.appendChild(el('span', 'new', 'badge'));
	td.appendChild(document.createTextNode(' +' + l.gbytes + ' B, +' +
	    l.gcount));
	return td;
}

/* The innermost user function, and in grey the one that called it. */
function fnCell(l) {
	var td = el('td', userLoc(l, 'fn'), 'fn'), c = caller(l);
	if (c !== null)
		td.appendChild(el('span', ' \u2190 ' + c, 'caller'));
	return td;
}

/* The location outside the innermost user one: inlined into, or called by. */
function caller(l) {
	var i = l.frames.indexOf(l.user), f = l.user;
	if (f === null)
		return null;
	if (f.locs.length > 1)
		return locName(f.locs[1], f);
	if (i + 1 < l.frames.length)
		return locName(l.frames[i + 1].locs[0], l.frames[i + 1]);
	return null;
}

/* The innermost user frame's function, or its file:line. */
function userLoc(l, what) {
	var f = l.user, loc;
	if (f === null)
		return what === 'fn' ? '[no frames]' : '';
	loc = f.locs[0];
	return what === 'fn' ? locName(loc, f) : fileLine(loc);
}

function makeHeader() {
	var tr = $('leaks').tHead.rows[0];
	tr.textContent = '';
	columns().forEach(function (c, i) {
		var th = el('th'), b = el('button', c[0]);
		b.type = 'button';
		b.title = 'Sort by ' + c[0].toLowerCase();
		b.addEventListener('click', function () { sortBy(i); });
		th.appendChild(b);
		th.setAttribute('scope', 'col');
		if (c[3])
			th.className = 'num';
		tr.appendChild(th);
	});
}

/* Numbers start largest first, text A to Z; again: the other way. */
function sortBy(i) {
	var t = columns()[i][0];
	/* The report's order, text: first to last; numbers: largest first. */
	var up = t === '#' || t === 'Function' || t === 'Location' ||
	    t === 'Kind';
	if (table.key === i)
		table.dir = -table.dir;
	else
		table.dir = up ? 1 : -1;
	table.key = i;
	showTable();
}

/*
 * The table after a zoom: once the graph is drawn, and once for a burst
 * of zooms, so that the graph answers first.
 */
var tableTimer = 0;
function laterTable() {
	clearTimeout(tableTimer);
	tableTimer = setTimeout(showTable, 50);
}

function showTable() {
	clearTimeout(tableTimer);
	var cols = columns(), p = view.proc, rows = p.leaks, key, dir;
	var ths = $('leaks').tHead.rows[0].cells, i;

	rows = rows.filter(function (l) {
		return (table.filter === null || table.filter(l)) &&
		    underZoom(l);
	});
	if (table.key !== null) {
		key = cols[table.key][1];
		dir = table.dir;
		rows.sort(function (a, b) {
			var x = key(a), y = key(b);
			if (x < y)
				return -dir;
			if (x > y)
				return dir;
			return a.index - b.index;
		});
	}
	for (i = 0; i < ths.length; i++)
		if (i === table.key)
			ths[i].setAttribute('aria-sort',
			    table.dir < 0 ? 'descending' : 'ascending');
		else
			ths[i].removeAttribute('aria-sort');
	table.rows = rows;
	table.shown = 0;
	$('leaks').tBodies[0].textContent = '';
	$('listnote').textContent = listNote(rows.length, p.leaks.length);
	addRows(PAGE);
}

/* Is the leak drawn under the zoomed frame? */
function underZoom(l) {
	if (view.zoom === view.root)
		return true;
	for (var n = view.up ? l.leafUp : l.leafDown; n !== null;
	    n = n.parent)
		if (n === view.zoom)
			return true;
	return false;
}

function listNote(n, all) {
	var why = [], s;

	if (table.filter !== null)
		why.push('match the search');
	if (view.zoom !== view.root)
		why.push('are under ' + view.zoom.name);
	s = why.length > 0 ? n + ' of ' + all + ' leaks ' +
	    why.join(' and ') + '.' : all + (all === 1 ? ' leak.' : ' leaks.');
	if (D.top)
		s += ' -n: only the largest ' + all + ' are in this report.';
	if (D.compare)
		s += ' Only leaks that are new or grew since the baseline.';
	return s + ' Click a row for its stack.';
}

function addRows(n) {
	var body = $('leaks').tBodies[0], cols = columns(), frag, end, i;

	frag = document.createDocumentFragment();
	end = Math.min(table.rows.length, table.shown + n);
	for (i = table.shown; i < end; i++)
		frag.appendChild(leakRow(table.rows[i], cols));
	body.appendChild(frag);
	table.shown = end;
	var left = table.rows.length - end;
	$('more').hidden = $('all').hidden = left <= 0;
	$('more').textContent = 'Show ' + Math.min(PAGE, left) + ' more';
	$('all').textContent = 'Show all ' + left + ' remaining';
}
$('more').addEventListener('click', function () { addRows(PAGE); });
$('all').addEventListener('click', function () { addRows(Infinity); });

function leakRow(l, cols) {
	var tr = el('tr', null, 'leak');
	tr.tabIndex = 0;
	tr.setAttribute('aria-expanded', 'false');
	cols.forEach(function (c) { tr.appendChild(c[2](l)); });
	tr.addEventListener('click', function () { toggleStack(tr, l, cols); });
	tr.addEventListener('keydown', function (e) {
		if (e.key === 'Enter' || e.key === ' ') {
			e.preventDefault();
			toggleStack(tr, l, cols);
		}
	});
	return tr;
}

/* A row opens to the whole stack below it, as the text report has it. */
function toggleStack(tr, l, cols) {
	var next = tr.nextSibling, row, td, head;
	if (next !== null && next.className === 'stack') {
		next.remove();
		tr.setAttribute('aria-expanded', 'false');
		return;
	}
	row = el('tr', null, 'stack');
	td = el('td');
	td.colSpan = cols.length;
	head = 'Leak sum=' + l.bytes + ' count=' + l.count + ' avg=' + l.avg;
	if (l.kind !== null)
		head += ' kind=' + l.kind;
	if (D.compare)
		head += l.isnew ? ' new' : ' grown sum=+' + l.gbytes +
		    ' count=+' + l.gcount;
	td.appendChild(el('pre', head + '\n' + stackText(l) +
	    (l.holder !== null ? '\n  ' + l.holder : '')));
	row.appendChild(td);
	tr.parentNode.insertBefore(row, tr.nextSibling);
	tr.setAttribute('aria-expanded', 'true');
}

/* ---- Snapshots ---------------------------------------------------- */

/*
 * A process's snapshots (report_html.c, "snaps"): the stacks the report
 * would show, the growing ones, and each snapshot's totals and changes.
 * A snapshot's leaks are rebuilt by replaying the changes up to it.
 */
function snapsOf(x) {
	return {
		at: x.at,
		stacks: x.stacks.map(function (s) {
			var frames = s[1].map(function (k) { return FRAMES[k]; });
			return { kind: str(s[0]), frames: frames,
			    user: userFrame(frames) };
		}),
		grow: x.grow,
		list: x.list.map(function (s) {
			return { num: s[0], t: s[1] / 1000, bytes: s[2],
			    blocks: s[3], kbytes: s.slice(4, 8),
			    kblocks: s.slice(8, 12), changes: s[12] };
		}),
		views: []
	};
}

/* The snapshot (an index) a process's own leaks are, or -1. */
function baseSnap(p) {
	var sn = p.snaps, i;
	if (!sn || sn.at === 0)
		return -1;
	for (i = 0; i < sn.list.length; i++)
		if (sn.list[i].num === sn.at)
			return i;
	return -1;
}

function seconds(t) {
	return t.toFixed(1) + ' s';
}

function snapName(sn, i) {
	var s = sn.list[i];
	return s.num + ' of ' + sn.list.length + ', ' + seconds(s.t) +
	    ' after the first';
}

/* Snapshot i of process p as a process of its own, to show. */
function snapProc(p, i) {
	var sn = p.snaps, bytes = [], blocks = [], leaks = [], j, k, c;
	var t = { leaks: 0, bytes: 0, allocations: 0, kinds: {} };

	if (sn.views[i])
		return sn.views[i];
	for (j = 0; j <= i; j++) {
		c = sn.list[j].changes;
		for (k = 0; k + 2 < c.length; k += 3) {
			bytes[c[k]] = c[k + 1];
			blocks[c[k]] = c[k + 2];
		}
	}
	sn.stacks.forEach(function (st, key) {
		var l;
		if (!bytes[key] && !blocks[key])
			return;
		l = { index: leaks.length, key: key, bytes: bytes[key] || 0,
		    count: blocks[key] || 0, frames: st.frames,
		    kind: st.kind, holder: null, user: st.user };
		l.avg = l.count > 0 ? Math.floor(l.bytes / l.count) : 0;
		l.weight = l.bytes;
		leaks.push(l);
		t.leaks++;
		t.bytes += l.bytes;
		t.allocations += l.count;
	});
	/* The kinds of the whole heap, as -T and -t count them. */
	KINDS.forEach(function (name, k) {
		t.kinds[name] = { bytes: sn.list[i].kbytes[k],
		    allocations: sn.list[i].kblocks[k] };
	});
	sn.views[i] = { pid: p.pid, command: p.command, summary: t,
	    leaks: leaks, tree: null, treeUp: null, snaps: sn, snap: i };
	return sn.views[i];
}

function selectSnap(i) {
	var sn = PROCS[current.proc].snaps;
	if (!sn)
		return;
	i = Math.max(0, Math.min(i, sn.list.length - 1));
	current.snap = i === baseSnap(PROCS[current.proc]) ? -1 : i;
	show();
}

/* The shown snapshot (an index), or -1 for the report at exit. */
function shownSnap(p) {
	return current.snap >= 0 ? current.snap : baseSnap(p);
}

var SVGNS = 'http://www.w3.org/2000/svg';
function svgEl(tag, attrs, parent) {
	var e = document.createElementNS(SVGNS, tag), k;
	for (k in attrs)
		e.setAttribute(k, attrs[k]);
	if (parent)
		parent.appendChild(e);
	return e;
}

/*
 * Ticks for 0 to max: a step of 1, 2 or 5 times a power of ten, in a
 * unit; about n of them.
 */
function ticks(max, n, unit) {
	var raw = max / unit / n, p = Math.pow(10, Math.floor(Math.log10(raw)));
	var step = [1, 2, 5, 10].find(function (m) { return m * p >= raw; }) * p;
	var out = [];
	for (var v = 0; v <= max / unit + step * 1e-9; v += step)
		out.push(v * unit);
	return { step: step, list: out };
}

function byteUnit(max) {
	var u = 1, names = ['B', 'KiB', 'MiB', 'GiB', 'TiB'], i = 0;
	while (max / u >= 1024 * 4 && i < names.length - 1) {
		u *= 1024;
		i++;
	}
	return { size: u, name: names[i] };
}

var TL = { width: 0, x: null, pts: [] };

/* The timeline of p's snapshots: lines, points, the marked one. */
function drawTimeline(p) {
	var sn = p.snaps, box = $('tlbox'), sec = $('timeline');
	var W, H = 240, m = { l: 78, r: 18, t: 14, b: 34 };
	var series = [], cur = [], max = 1, tmax, x, y, g, i, u, ty, tx, sel;

	if (!sn || sn.list.length === 0) {
		sec.hidden = true;
		return;
	}
	sec.hidden = false;
	W = Math.max(box.clientWidth, 320);
	TL.width = box.clientWidth;
	series.push({ name: 'Live, all kinds', cls: 'total',
	    v: sn.list.map(function (s) { return s.bytes; }) });
	KINDS.forEach(function (k, j) {
		var v = sn.list.map(function (s) { return s.kbytes[j]; });
		if (v.some(function (b) { return b > 0; }))
			series.push({ name: k.charAt(0).toUpperCase() +
			    k.slice(1), cls: 'kind-' + k, v: v });
	});
	sn.grow.forEach(function (key, j) {
		series.push({ name: null, cls: 'grow grow' + j, key: key, v: [] });
	});
	/* The growing stacks' bytes: the changes replayed once. */
	sn.list.forEach(function (s) {
		var c = s.changes, k;
		for (k = 0; k + 2 < c.length; k += 3)
			cur[c[k]] = c[k + 1];
		series.forEach(function (se) {
			if (se.key !== undefined)
				se.v.push(cur[se.key] || 0);
		});
	});
	series.forEach(function (se) {
		se.v.forEach(function (b) { max = Math.max(max, b); });
	});
	tmax = sn.list[sn.list.length - 1].t;
	x = function (t) {
		return m.l + (tmax > 0 ? t / tmax : 0.5) * (W - m.l - m.r);
	};
	y = function (b) { return H - m.b - b / max * (H - m.t - m.b); };
	TL.x = x;
	box.textContent = '';
	g = svgEl('svg', { width: W, height: H, viewBox: '0 0 ' + W + ' ' + H,
	    role: 'img', tabindex: '0', id: 'tlsvg',
	    'aria-label': 'Live bytes over time; arrow keys choose a snapshot'
	}, box);
	/* Axes: bytes on the left, seconds below. */
	u = byteUnit(max);
	ty = ticks(max, 4, u.size);
	ty.list.forEach(function (v) {
		svgEl('line', { x1: m.l, x2: W - m.r, y1: y(v), y2: y(v),
		    'class': 'gridline' }, g);
		svgEl('text', { x: m.l - 6, y: y(v), 'class': 'ylabel' }, g)
		    .textContent = (v / u.size).toFixed(ty.step < 1 ? 1 : 0) +
		    ' ' + u.name;
	});
	if (tmax > 0) {
		tx = ticks(tmax, Math.max(2, Math.floor((W - m.l) / 110)), 1);
		tx.list.forEach(function (v) {
			svgEl('line', { x1: x(v), x2: x(v), y1: H - m.b,
			    y2: H - m.b + 4, 'class': 'axis' }, g);
			svgEl('text', { x: x(v), y: H - m.b + 16, 'class': 'xlabel'
			}, g).textContent = (tx.step < 1 ? v.toFixed(1) :
			    String(Math.round(v))) + ' s';
		});
	}
	svgEl('line', { x1: m.l, x2: W - m.r, y1: H - m.b, y2: H - m.b,
	    'class': 'axis' }, g);
	/* The marked snapshot, under the lines. */
	sel = shownSnap(p);
	if (sel >= 0)
		svgEl('line', { x1: x(sn.list[sel].t), x2: x(sn.list[sel].t),
		    y1: m.t, y2: H - m.b, 'class': 'selline' }, g);
	series.forEach(function (se) {
		var d = se.v.map(function (b, k) {
			return (k === 0 ? 'M' : 'L') + x(sn.list[k].t).toFixed(1) +
			    ',' + y(b).toFixed(1);
		}).join('');
		svgEl('path', { d: d, 'class': 'series ' + se.cls,
		    'data-series': se.key !== undefined ? 'stack' : se.cls }, g);
	});
	/* One point per snapshot on the line of all live bytes. */
	TL.pts = [];
	sn.list.forEach(function (s, k) {
		var c = svgEl('circle', { cx: x(s.t), cy: y(s.bytes),
		    r: k === sel ? 5.5 : 3, 'class': k === sel ? 'pt sel' : 'pt',
		    'data-snap': String(s.num) }, g);
		svgEl('title', {}, c).textContent = 'Snapshot ' + s.num +
		    ' at ' + seconds(s.t) + ': ' + human(s.bytes) + ' live';
		TL.pts.push(c);
	});
	/* Clicks anywhere choose the snapshot nearest in time. */
	svgEl('rect', { x: m.l - 8, y: 0, width: W - m.l - m.r + 16,
	    height: H, 'class': 'hit' }, g).addEventListener('click',
	    function (e) {
		var r = g.getBoundingClientRect(), px = e.clientX - r.left;
		var best = 0, k;
		for (k = 1; k < sn.list.length; k++)
			if (Math.abs(x(sn.list[k].t) - px) <
			    Math.abs(x(sn.list[best].t) - px))
				best = k;
		selectSnap(best);
	});
	g.addEventListener('keydown', function (e) {
		var s = shownSnap(p);
		if (e.key === 'ArrowLeft' || e.key === 'ArrowRight') {
			e.preventDefault();
			selectSnap(s < 0 ? sn.list.length - 1 :
			    s + (e.key === 'ArrowLeft' ? -1 : 1));
			$('tlsvg').focus();
		} else if (e.key === 'Escape' || e.key === 'Home') {
			e.preventDefault();
			showBase();
			$('tlsvg').focus();
		}
	});
	timelineLegend(series);
	timelineBar(p, sel);
}

function timelineLegend(series) {
	var ul = $('tl-legend'), sn = PROCS[current.proc].snaps;
	ul.textContent = '';
	series.forEach(function (se) {
		var li = ul.appendChild(el('li', null,
		    se.key !== undefined ? 'stack' : null)), st, l;
		li.appendChild(el('span', null, 'swatch ' + se.cls));
		if (se.key === undefined) {
			li.appendChild(document.createTextNode(se.name));
			return;
		}
		st = sn.stacks[se.key];
		l = { user: st.user, frames: st.frames };
		li.appendChild(el('span', userLoc(l, 'fn'), 'fn'));
		if (caller(l) !== null)
			li.appendChild(el('span', ' \u2190 ' + caller(l),
			    'caller'));
		li.appendChild(el('span', st.kind + ', ' +
		    human(se.v[se.v.length - 1]) + ' at the last snapshot',
		    'note'));
	});
}

/* What is shown, and the way back to the process's own report. */
function timelineBar(p, sel) {
	var sn = p.snaps, at = baseSnap(p), b = $('tl-base');
	$('tl-showing').textContent = current.snap >= 0 ?
	    'Showing snapshot ' + snapName(sn, sel) + '.' : at < 0 ?
	    'Showing the report at exit.' : 'Showing snapshot ' +
	    snapName(sn, at) + (at === sn.list.length - 1 ?
	    ', the last (the program left no report at exit).' : '.');
	b.textContent = at < 0 ? 'Report at exit' : at === sn.list.length - 1 ?
	    'Last snapshot' : 'Snapshot ' + sn.at;
	b.title = 'Back to the process\u2019s own report';
	b.disabled = current.snap < 0;
	$('tl-prev').disabled = sel === 0;
	$('tl-next').disabled = sel < 0 || sel === sn.list.length - 1;
}

function showBase() {
	current.snap = -1;
	show();
}
$('tl-base').addEventListener('click', showBase);
$('tl-prev').addEventListener('click', function () {
	var s = shownSnap(PROCS[current.proc]);
	selectSnap(s < 0 ? PROCS[current.proc].snaps.list.length - 1 : s - 1);
});
$('tl-next').addEventListener('click', function () {
	selectSnap(shownSnap(PROCS[current.proc]) + 1);
});
function redrawTimeline() {
	if ($('tlbox').clientWidth !== TL.width && PROCS[current.proc])
		drawTimeline(PROCS[current.proc]);
}
if (window.ResizeObserver)
	new ResizeObserver(redrawTimeline).observe($('tlbox'));
else
	window.addEventListener('resize', redrawTimeline);

/* ---- Processes ---------------------------------------------------- */

/* Show a process's leaks, or a snapshot's (snapProc()). */
function showData(p) {
	if (view.up && p.treeUp === null)
		p.treeUp = buildTree(p, true);
	else if (!view.up && p.tree === null)
		p.tree = buildTree(p, false);
	view.proc = p;
	view.root = view.zoom = view.cursor = view.up ? p.treeUp : p.tree;
	view.history = [];
	showSummary(p);
	hideTip();
	if (view.root.value <= 0) {
		canvas.hidden = true;
		if (!$('noleaks'))
			$('flamebox').appendChild(el('p', 'No leaks to draw.',
			    'empty')).id = 'noleaks';
	} else {
		canvas.hidden = false;
		if ($('noleaks'))
			$('noleaks').remove();
	}
	search();
}

/* What is shown: which process, and which of its snapshots (-1: its own). */
var current = { proc: 0, snap: -1 };

function show() {
	var base = PROCS[current.proc];
	showData(current.snap < 0 ? base : snapProc(base, current.snap));
	drawTimeline(base);
}

function showProc(i) {
	current.proc = i;
	current.snap = -1;
	show();
}

/* The graph's direction: top-down or bottom-up. */
function setDirection(up) {
	view.up = up;
	$('dir-up').setAttribute('aria-pressed', String(up));
	$('dir-down').setAttribute('aria-pressed', String(!up));
	$('hint-dir').textContent = up ? 'Allocating function on top, ' +
	    'its callers below' : 'Outermost frame on top, callees below';
	showData(view.proc);
}
$('dir-up').addEventListener('click', function () { setDirection(true); });
$('dir-down').addEventListener('click', function () { setDirection(false); });

function setupProcs() {
	var sel = $('proc'), t = D.summary;
	if (PROCS.length < 2)
		return;
	PROCS.forEach(function (p, i) {
		var o = el('option', p.pid + ' ' + p.command + ': ' +
		    plural(p.summary.leaks, 'leak') + ', ' +
		    human(p.summary.bytes));
		o.value = String(i);
		sel.appendChild(o);
	});
	sel.addEventListener('change', function () {
		showProc(Number(sel.value));
	});
	$('allprocs').textContent = 'All ' + PROCS.length + ' processes: ' +
	    plural(t.leaks, 'leak') + ', ' + plural(t.bytes, 'byte') + ', ' +
	    plural(t.allocations, 'allocation') + ', ' + t.suppressed +
	    ' suppressed' + (D.hidden ? ', ' + t.hidden + ' hidden' : '');
	$('procbar').hidden = false;
}

/* ---- Start -------------------------------------------------------- */

/*
 * The address may choose: "#pid=N" a process, "#q=TEXT" a search.
 * Else the process that leaked the most bytes comes first (the first
 * of those): in a trace of "sh -c prog", prog, not the shell.
 */
function fromAddress() {
	var h = new URLSearchParams(location.hash.slice(1)), i = 0, k;
	for (k = 1; k < PROCS.length; k++)
		if (PROCS[k].summary.bytes > PROCS[i].summary.bytes)
			i = k;
	for (k = 0; k < PROCS.length; k++)
		if (String(PROCS[k].pid) === h.get('pid'))
			i = k;
	$('proc').value = String(i);
	$('search').value = h.get('q') || '';
	showProc(i);
}

theme();
$('hint-growth').hidden = !D.compare;
if (D.compare)
	$('graph-title').textContent = 'Where the bytes grew since the baseline';
/* The tab names the program (a title is text, whatever it holds). */
if (PROCS.length > 0)
	document.title = 'Leaks of ' + PROCS[0].command + ' - mdump';
makeHeader();
setupProcs();
if (PROCS.length === 0) {
	PROCS.push({ pid: 0, command: '(no process in the trace)',
	    summary: D.summary, leaks: [], tree: null, treeUp: null,
	    snaps: null });
}
fromAddress();
window.addEventListener('hashchange', fromAddress);
var ms = performance.now() - t0;
document.body.setAttribute('data-ready', String(Math.round(performance.now())));
$('status').textContent = 'mdump report: ' +
    plural(FRAMES.length, 'distinct frame') + ', ' +
    plural(PROCS.reduce(function (s, p) { return s + p.leaks.length; }, 0),
    'leak') + '; drawn in ' + Math.round(ms) + ' ms.';
})();
