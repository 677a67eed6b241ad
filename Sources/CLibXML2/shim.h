#ifndef ETL_CLIBXML2_SHIM_H
#define ETL_CLIBXML2_SHIM_H

// xmlversion.h first, then switch ICU off: with ICU visible, Foundation and libxml2 clash
// ("'UErrorCode' has different definitions") in any module that imports both.
#include <libxml/xmlversion.h>
#undef LIBXML_ICU_ENABLED

#include <libxml/HTMLparser.h>
#include <libxml/HTMLtree.h>
#include <libxml/tree.h>
#include <libxml/parser.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>
#include <libxml/xmlerror.h>

#if defined(__GLIBC__) || defined(__linux__)
#include <dlfcn.h>
#include <malloc.h>
#include <stddef.h>
/// Hands memory freed with a large document's tree back to the system at once. Under jemalloc (the
/// `etl` program links it: Package.swift) by purging every arena's dirty pages, which it would
/// otherwise keep for seconds; under glibc's malloc (tests, programs of users) by `malloc_trim`, since
/// glibc keeps the memory in the arena of the thread that built the tree. Elsewhere, nothing to do.
static inline void etl_release_freed_memory(void) {
    typedef int (*etl_mallctl)(const char *, void *, size_t *, void *, size_t);
    // Looked up each time (pages of 4 MB or more only): no shared state between threads.
    etl_mallctl mallctl_function = (etl_mallctl)dlsym(RTLD_DEFAULT, "mallctl");
    if (mallctl_function != NULL) {
        // "arena.<MALLCTL_ARENAS_ALL>.purge": MALLCTL_ARENAS_ALL is 4096 in jemalloc 5.
        mallctl_function("arena.4096.purge", NULL, NULL, NULL, 0);
    } else {
        malloc_trim(0);
    }
}
#else
static inline void etl_release_freed_memory(void) {}
#endif

/// `xmlFree` is a global function-pointer variable, which Swift 6 rejects as shared mutable state.
static inline void etl_xml_free(void *pointer) { xmlFree(pointer); }

/// Silences libxml2's generic error printing (it writes to stderr for every recoverable HTML error).
static inline void etl_xml_silence_errors(void) {
    xmlSetGenericErrorFunc(NULL, NULL);
    xmlSetStructuredErrorFunc(NULL, NULL);
}

#endif
