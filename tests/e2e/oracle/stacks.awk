# stacks.awk: the leaks of valgrind's XML output (--xml=yes) or of
# mdump's JSON output (-o json), one line each, in one shape so that
# tests/e2e/oracle.sh can compare them:
#
#	BYTES BLOCKS <TAB> KEY <TAB> LABEL <TAB> TLS
#
# Either input is recognised by its lines; several files may be given
# (one per process).  Variables: own, the basenames of the objects the
# test built, and srcs, of its source files (space-separated); depth,
# the physical frames compared (default 6).
#
# KEY is the stack as both tools can agree on it:
# - Leading frames of the allocator itself are dropped: those in
#   valgrind's preloaded library (vgpreload_*) or in libmdtrace.so.
# - Then the first `depth' physical frames, " | " between them; a
#   stack that ends before (at _start, or at the thread's clone) ends
#   with " | END".  valgrind walks on past _start into the auxiliary
#   vector; those frames are dropped.
# - A frame is its object's basename (without the version after .so)
#   and its inline locations, the innermost first.  In the test's own
#   objects a location is "function@file:line": names without
#   parameters and without GCC's clone suffixes (.constprop.0, .isra.0,
#   .part.0, .cold), files by basename.  The physical frame's function
#   (the last location) by its qualified name; an inlined one by its
#   bare name without template arguments, as valgrind names those by
#   their DWARF name (allocate) where mdump gives the qualified one
#   (std::__new_allocator<int>::allocate).
# - In other objects (the C library, the C++ runtime) the tools pick
#   different aliases of one C symbol (strdup, __strdup, __GI___strdup),
#   so a location there is "file:line" where there is debug
#   information, else the name if it is a C++ one (with "::"), else
#   "?": the object alone.
# - valgrind runs threads with clone where the C library uses clone3
#   (valgrind lacks it); both count as one function, "clone".
#
# LABEL names the stack for a test result: its first location in the
# test's own source files (srcs, basenames), or "-".  From valgrind,
# only stacks with such a location among the compared frames are
# printed; from mdump, every stack.
#
# TLS is "tls" for a block of the dynamic loader's thread vector (its
# size counts the loaded objects with thread-local storage), else "-".

BEGIN {
	if (depth == 0)
		depth = 6
	n = split(own, o, " ")
	for (i = 1; i <= n; i++)
		isown[o[i]] = 1
	n = split(srcs, o, " ")
	for (i = 1; i <= n; i++)
		issrc[o[i]] = 1
	FS = "\n"
}

function base(s) {
	sub(/.*\//, "", s)
	return s
}

function xml_text(s) {
	sub(/^[^>]*>/, "", s)
	sub(/<.*/, "", s)
	gsub(/&lt;/, "<", s)
	gsub(/&gt;/, ">", s)
	gsub(/&quot;/, "\"", s)
	gsub(/&apos;/, "'", s)
	gsub(/&amp;/, "\\&", s)
	return s
}

# A JSON string value after `key' on the line, or "" for null.
function json_field(s, key,    i, v) {
	i = index(s, "\"" key "\": ")
	if (i == 0)
		return ""
	s = substr(s, i + length(key) + 4)
	if (s ~ /^null/)
		return ""
	if (s ~ /^[0-9]/) {
		match(s, /^[0-9]+/)
		return substr(s, 1, RLENGTH)
	}
	v = ""
	for (i = 2; i <= length(s); i++) {
		c = substr(s, i, 1)
		if (c == "\\") {
			i++
			v = v substr(s, i, 1)
		} else if (c == "\"")
			break
		else
			v = v c
	}
	return v
}

# A function name without parameters, qualifiers or clone suffixes.
function fname(s,    depth_, i, c) {
	sub(/@.*/, "", s)
	gsub(/\.(constprop|isra|part|cold|lto_priv|localalias)(\.[0-9]+)?/, "", s)
	while (s ~ / (const|volatile|&|&&)$/)
		sub(/ (const|volatile|&|&&)$/, "", s)
	if (s ~ /\)$/) {
		depth_ = 0
		for (i = length(s); i > 0; i--) {
			c = substr(s, i, 1)
			if (c == ")")
				depth_++
			else if (c == "(" && --depth_ == 0)
				break
		}
		if (i > 1)
			s = substr(s, 1, i - 1)
	}
	return s
}

# The bare name of an inlined function: valgrind names those by their
# DWARF name (allocate, _M_create_node<...>), mdump by the qualified one
# (std::__new_allocator<int>::allocate): the last component at depth 0,
# template arguments dropped.
function bare(s,    i, c, d, cut) {
	s = fname(s)
	d = 0
	cut = 0
	for (i = 1; i < length(s); i++) {
		c = substr(s, i, 1)
		if (c == "<" || c == "(")
			d++
		else if ((c == ">" || c == ")") && d > 0)
			d--
		else if (d == 0 && substr(s, i, 2) == "::")
			cut = i + 1
	}
	s = substr(s, cut + 1)
	if (s ~ />$/ && s !~ /^operator/)
		sub(/<.*/, "", s)
	return s
}

# A location; inl: it is inlined into another in the same frame.
function loc(obj, fn, file, line, inl) {
	file = base(file)
	if (file ~ /^clone3?\.S$/ || (file == "" && fn ~ /^_*clone3?$/))
		return "clone"
	if (obj in isown)
		return (inl ? bare(fn) : fname(fn)) "@" file ":" line
	if (file != "")
		return file ":" line
	return fn ~ /::/ ? fname(fn) : "?"
}

# An object by its basename, without the version after ".so"
# (valgrind names the file, libstdc++.so.6.0.30; mdump the name it was
# loaded by, libstdc++.so.6).
function objname(s) {
	s = base(s)
	sub(/\.so(\.[0-9]+)+$/, ".so", s)
	return s
}

# Start a new stack.
function reset() {
	nphys = 0
	label = ""
	dropping = 1
	ended = 0
	lastip = ""
	firstloc = ""
	tls = 0
}

# Close the last physical frame: its last location is the function the
# code belongs to, the ones before are inlined into it.
function close_frame() {
	if (nphys == 0 || closed[nphys])
		return
	if (phys[nphys] == "")
		phys[nphys] = pobj "[" plast "]"
	else
		phys[nphys] = phys[nphys] " ; " plast "]"
	closed[nphys] = 1
}

# One location; newphys: it opens a new physical frame.
function add(obj, fn, file, line, newphys) {
	obj = objname(obj)
	if (ended)
		return
	if (dropping && (obj ~ /^vgpreload_/ || obj == "libmdtrace.so"))
		return
	dropping = 0
	if (newphys || nphys == 0) {
		close_frame()
		nphys++
		phys[nphys] = ""
		closed[nphys] = 0
		pobj = obj
		firstloc = loc(obj, fn, file, line, 0)
	} else
		phys[nphys] = (phys[nphys] == "" ? obj "[" : \
		    phys[nphys] " ; ") pinl
	plast = loc(obj, fn, file, line, 0)
	pinl = loc(obj, fn, file, line, 1)
	if (label == "" && (obj in isown) && nphys <= depth)
		label = (base(file) in issrc) ? fname(fn) "@" base(file) ":" line : ""
	if (nphys <= depth && (base(file) == "dl-tls.c" ||
	    fname(fn) ~ /^(allocate_dtv|_dl_allocate_tls|_dl_resize_dtv)$/))
		tls = 1
	if (fname(fn) == "_start")
		ended = 1
}

# mustown: print only a stack whose compared frames reach the test's
# own objects.
function emit(bytes, blocks, mustown,    k, i) {
	close_frame()
	if (nphys == 0 || (mustown && label == ""))
		return
	k = ""
	for (i = 1; i <= nphys && i <= depth; i++)
		k = k (i > 1 ? " | " : "") phys[i]
	if (nphys < depth)
		k = k " | END"
	print bytes " " blocks "\t" k "\t" (label == "" ? "-" : label) "\t" \
	    (tls ? "tls" : "-")
}

# valgrind's XML.
/^ *<error>/ { reset(); kind = ""; inframe = 0 }
/^ *<kind>/ { kind = xml_text($0) }
/^ *<leakedbytes>/ { vbytes = xml_text($0) }
/^ *<leakedblocks>/ { vblocks = xml_text($0) }
/^ *<frame>/ { ip = obj = fn = file = line = ""; inframe = 1 }
inframe && /^ *<ip>/ { ip = xml_text($0) }
inframe && /^ *<obj>/ { obj = xml_text($0) }
inframe && /^ *<fn>/ { fn = xml_text($0) }
inframe && /^ *<file>/ { file = xml_text($0) }
inframe && /^ *<line>/ { line = xml_text($0) }
/^ *<\/frame>/ {
	inframe = 0
	# Inlined calls repeat the ip; so does recursion, where the
	# location repeats the physical frame's first one.
	l = loc(objname(obj), fn, file, line, 0)
	add(obj, fn, file, line, ip != lastip || l == firstloc)
	lastip = ip
}
/^ *<\/error>/ {
	if (kind ~ /^Leak_/)
		emit(vbytes, vblocks, 1)
}

# mdump's JSON.  What holds a leak ("held_by", the leak's first key
# after its counts, closed at the leak's own depth) names frames of
# other blocks: not the leak's own.
/^ *"held_by": \[/ { inheld = 1; next }
inheld && /^          \],?$/ { inheld = 0; next }
inheld { next }
/^ *"bytes": [0-9]+,$/ {
	if (injson)
		emit(mbytes, mblocks, 0)
	reset()
	injson = 1
	mbytes = json_field($0, "bytes")
}
/^ *"count": [0-9]+,$/ { mblocks = json_field($0, "count") }
/^ *"object": / { mobj = json_field($0, "object"); newframe = 1 }
/^ *\{"function": / {
	add(mobj, json_field($0, "function"), json_field($0, "file"),
	    json_field($0, "line"), newframe)
	newframe = 0
}
/^ *"summary": / {
	if (injson)
		emit(mbytes, mblocks, 0)
	injson = 0
}
END {
	if (injson)
		emit(mbytes, mblocks, 0)
}
