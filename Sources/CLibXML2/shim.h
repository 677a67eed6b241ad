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

/// `xmlFree` is a global function-pointer variable, which Swift 6 rejects as shared mutable state.
static inline void etl_xml_free(void *pointer) { xmlFree(pointer); }

/// Silences libxml2's generic error printing (it writes to stderr for every recoverable HTML error).
static inline void etl_xml_silence_errors(void) {
    xmlSetGenericErrorFunc(NULL, NULL);
    xmlSetStructuredErrorFunc(NULL, NULL);
}

#endif
