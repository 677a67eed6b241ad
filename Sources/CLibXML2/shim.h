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
#include <malloc.h>
/// Hands memory freed with a large document's tree back to the system (glibc keeps it in the
/// arena of the thread that built the tree otherwise). Elsewhere, nothing to do.
static inline void etl_release_freed_memory(void) { malloc_trim(0); }
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
