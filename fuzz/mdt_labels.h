/*
 * mdt_labels.h: the labels of the records in fuzz_mdt's inputs, by
 * index (fuzz/fuzz_mdt.c says the inputs' shape).  fuzz/mdtseed.c
 * writes the index of a record's label that fuzz_mdt.c reads back, so
 * both take the table from here.
 */
#ifndef MDT_LABELS_H
#define MDT_LABELS_H

static const char *const labels[] = {
	"mdtstart", "mdtkinds", "mdtracestacks", "mallocbuildid",
	"mallocobjectrecord", "mallocleakrecord", "mallocdumpline", "malloc",
	"mdtuntraced", "mdtholder", "mdtversion", "mdtsnap", "mdtstack",
	"mdtsnapent", "mdtolder",
};
#define NLABELS		(sizeof(labels) / sizeof(labels[0]))

#endif
