#include <libxml/xmlversion.h>
/* Foundation ships its own ICU; keep the system ICU headers out (no libxml2 API used here touches ICU). */
#undef LIBXML_ICU_ENABLED
#include <libxml/HTMLparser.h>
#include <libxml/tree.h>
