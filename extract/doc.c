#include "extract/container.h"
nqx_status nqx_read_doc(nqx_doc *doc, const char *data, size_t len, nqx_buf *out,
                        nqx_error *err)
{
    (void)data, (void)len, (void)out;
    return nqx_error_set(err, NQX_E_INPUT, doc->source, 0, 0, -1, "Word 97-2003 files are not read yet");
}
