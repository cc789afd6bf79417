/*
 * fuzz_report.h: the reports the trace harnesses (fuzz_trace.c,
 * fuzz_mdt.c) make of what they decoded, into /dev/null: -D, or text,
 * JSON or folded stacks with the leak order, demangling, -n and a
 * stripped prefix as the option bits say.  Included by each harness,
 * after the headers it names.
 */
#ifndef FUZZ_REPORT_H
#define FUZZ_REPORT_H

static FILE	*devnull;

static void
fuzz_report_setup(void)
{
	if (devnull == NULL && (devnull = fopen("/dev/null", "w")) == NULL) {
		perror("/dev/null");
		abort();
	}
}

static void
fuzz_report(struct mrec *st, struct symbolizer *sym, unsigned opt)
{
	static const char *keys[] = { NULL, "sum", "count", "avg" };
	static const enum report_format fmts[] = {
		REPORT_TEXT, REPORT_JSON, REPORT_FOLDED, REPORT_TEXT
	};
	struct report_opts ro;
	struct sel_opts so;
	struct sel_view v;
	struct report *rep;
	struct names *nm;
	struct mproc *p;
	size_t i, n = mrec_nprocs(st);

	if (opt & 1) {
		memset(&ro, 0, sizeof(ro));
		ro.format = REPORT_DUMP;
		rep = report_open(devnull, &ro);
		for (i = 0; i < n; i++)
			report_dump(rep, mrec_proc(st, i), n > 1);
		report_close(rep);
		return;
	}
	nm = names_open();
	names_demangle(nm, (opt >> 8) & 1);
	names_strip(nm, "/usr/");
	memset(&so, 0, sizeof(so));
	so.top = (opt >> 9) & 3;
	/* Leaks with kinds are shown when their kind is chosen (-a). */
	so.kinds = (opt >> 11) & 1 ? ~0U : 0;
	so.sym = sym;
	so.names = nm;
	memset(&ro, 0, sizeof(ro));
	ro.format = fmts[(opt >> 2) & 3];
	ro.sym = sym;
	ro.names = nm;
	ro.top = so.top != 0;
	rep = report_open(devnull, &ro);
	for (i = 0; i < n; i++) {
		p = mrec_proc(st, i);
		if (keys[(opt >> 4) & 3] != NULL)
			leak_sort(p->leaks, keys[(opt >> 4) & 3]);
		sel_proc(&so, p, &v);
		report_proc(rep, p, &v, n > 1);
		sel_free(&v);
	}
	report_close(rep);
	names_close(nm);
}

#endif /* FUZZ_REPORT_H */
