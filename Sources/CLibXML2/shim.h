// Debian's libxml2, as Swift sees it.
//
// Two workarounds (see /work/shared/TOOLCHAIN.md):
// - Debian builds libxml2 with ICU, so its headers pull in the system ICU headers, which clash with
//   the ICU bundled in the Swift toolchain as soon as a module also imports Foundation. XMLCheck
//   never touches libxml2's ICU API, so the flag is undefined before any other libxml header.
// - `xmlFree` is a global function pointer; Swift 6 refuses to read a mutable global from
//   concurrent code, so it is called through a static inline function instead.
#ifndef SOCKLAB_CLIBXML2_SHIM_H
#define SOCKLAB_CLIBXML2_SHIM_H

#include <libxml/xmlversion.h>
#undef LIBXML_ICU_ENABLED

#include <libxml/parser.h>
#include <libxml/parserInternals.h> // xmlCreateMemoryParserCtxt
#include <libxml/xmlerror.h>
#include <libxml/tree.h>

/// Frees memory that libxml2 allocated, through its configured deallocator.
static inline void socklab_xmlFree(void *pointer) {
    xmlFree(pointer);
}

#endif
