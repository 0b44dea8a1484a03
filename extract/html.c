/* HTML input, Word's "Save as HTML" included: libxml2's HTML parser (which
 * recovers from broken nesting and honours the declared charset, such as
 * Word's windows-1252) builds a tree; its text is written one line per block
 * element, a table row per line with its cells joined by " | ". Scripts,
 * styles, the head and comments (Word's conditional comments among them)
 * give no text. */
#include "extract/container.h"

#include <libxml/HTMLparser.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <unicode/ucnv.h>

/* Elements whose start and end end a line. */
static const char *const block_elements[] = {
    "p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "dl", "dt", "dd",
    "table", "caption", "blockquote", "pre", "address", "center", "section", "article",
    "header", "footer", "nav", "aside", "main", "form", "fieldset", "figure", "figcaption",
    "hr", "body", "html",
};

/* Elements whose content is not text of the document. */
static const char *const skipped_elements[] = {
    "head", "script", "style", "title", "noscript", "template", "object", "iframe",
    "select", "textarea", "svg", "math", "xml",
};

static bool name_in(const xmlChar *name, const char *const *names, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!strcasecmp((const char *)name, names[i]))
            return true;
    return false;
}

#define IN(name, list) name_in(name, list, sizeof list / sizeof *list)

static bool is_named(const xmlNode *node, const char *name)
{
    return !strcasecmp((const char *)node->name, name);
}

/* What an element does to the text when the walk enters it; the elements
 * that hold no text (scripts, styles, the head) are left out. */
static bool enter_element(void *ctx, const xmlNode *node)
{
    nqx_text_out *t = ctx;
    if (!node->name || IN(node->name, skipped_elements))
        return false;
    static const char *const groups[] = {"thead", "tbody", "tfoot"};
    if (is_named(node, "tr"))
        nqx_text_tree_row_begin(t, node, groups, sizeof groups / sizeof *groups);
    else if (is_named(node, "td") || is_named(node, "th"))
        nqx_text_cell_begin(t);
    else if (is_named(node, "br"))
        nqx_text_break(t);
    else if (IN(node->name, block_elements))
        nqx_text_break(t);
    return true;
}

static void leave_element(void *ctx, const xmlNode *node)
{
    nqx_text_out *t = ctx;
    if (is_named(node, "tr"))
        nqx_text_tree_row_end(t);
    else if (is_named(node, "td") || is_named(node, "th"))
        nqx_text_space(t);
    else if (IN(node->name, block_elements))
        nqx_text_break(t);
}

/* Adds a text node. Word's downlevel-revealed conditionals
 * ("<![if !supportLists]>1.<![endif]>") reach the tree as text: the
 * markers go, what they enclose stays. */
static void add_text(void *ctx, const char *s)
{
    nqx_text_out *t = ctx;
    for (;;) {
        const char *open = strstr(s, "<![");
        const char *close = open ? strstr(open, "]>") : NULL;
        if (!close) {
            nqx_text_add(t, s, strlen(s));
            return;
        }
        nqx_text_add(t, s, (size_t)(open - s));
        s = close + 2;
    }
}

/* The encoding's name as the record gives it: its MIME name ("utf-8" as
 * declared is "UTF-8"), else as declared. */
static const char *standard_name(const char *declared)
{
    UErrorCode st = U_ZERO_ERROR;
    const char *name = ucnv_getStandardName(declared, "MIME", &st);
    return name && U_SUCCESS(st) ? name : declared;
}

/* libxml2 reports encoding errors through its generic handler, whatever
 * the parse options say; a library stage prints nothing. */
static void quiet(void *ctx, const char *msg, ...)
{
    (void)ctx;
    (void)msg;
}

/* encoding NULL: libxml2 takes the byte-order mark or the charset of a
 * <meta> tag, else UTF-8. NONET: a page never makes the parser fetch
 * anything. */
static htmlDocPtr parse(const char *data, size_t len, const char *encoding)
{
    void *saved_ctx = xmlGenericErrorContext;
    xmlGenericErrorFunc saved = xmlGenericError;
    xmlSetGenericErrorFunc(NULL, quiet);
    htmlDocPtr html = htmlReadMemory(data, (int)len, NULL, encoding,
                                     HTML_PARSE_RECOVER | HTML_PARSE_NOERROR |
                                         HTML_PARSE_NOWARNING | HTML_PARSE_NONET |
                                         HTML_PARSE_NOIMPLIED);
    xmlSetGenericErrorFunc(saved_ctx, saved);
    return html;
}

/* A page declared windows-1252 (as Word saves it) may hold bytes that code
 * leaves undefined (0x81, 0x8D, 0x8F, 0x90, 0x9D): an old Vietnamese font's
 * code typed under the declaration. libxml2 stops at the first of them and
 * drops the rest of the page; ICU keeps each as the control character of
 * its value, so the page is decoded by ICU and parsed as UTF-8, and the
 * font's code can be told later from the bytes. */
static htmlDocPtr parse_windows_1252(const char *data, size_t len)
{
    UErrorCode st = U_ZERO_ERROR;
    int32_t n = ucnv_convert("UTF-8", "windows-1252", NULL, 0, data, (int32_t)len, &st);
    if (st != U_BUFFER_OVERFLOW_ERROR && U_FAILURE(st))
        return NULL;
    char *utf8 = nqx_xmalloc((size_t)n + 1);
    st = U_ZERO_ERROR;
    ucnv_convert("UTF-8", "windows-1252", utf8, n + 1, data, (int32_t)len, &st);
    htmlDocPtr html = U_SUCCESS(st) ? parse(utf8, (size_t)n, "UTF-8") : NULL;
    free(utf8);
    return html;
}

nqx_status nqx_read_html(nqx_doc *doc, const char *data, size_t len, nqx_buf *out,
                         nqx_error *err)
{
    if (len > INT32_MAX / 4)
        return nqx_error_set(err, NQX_E_INPUT, doc->source, 0, 0, -1,
                             "HTML file too large; split it");
    htmlDocPtr html = parse(data, len, NULL);
    if (!html)
        return nqx_error_set(err, NQX_E_INPUT, doc->source, 0, 0, -1,
                             "cannot parse as HTML; give a text, HTML or Word file");
    char declared[sizeof doc->encoding] = "";
    if (html->encoding)
        snprintf(declared, sizeof declared, "%s", standard_name((const char *)html->encoding));
    if (!strcmp(declared, "windows-1252") || !strcmp(declared, "ISO-8859-1")) {
        htmlDocPtr again = parse_windows_1252(data, len);
        if (again) {
            xmlFreeDoc(html);
            html = again;
        }
    }
    if (declared[0])
        snprintf(doc->encoding, sizeof doc->encoding, "%s", declared);
    nqx_text_out t = {0};
    nqx_tree_visitor v = {enter_element, leave_element, add_text, &t};
    for (xmlNode *top = html->children; top; top = top->next)
        if (top->type == XML_ELEMENT_NODE || top->type == XML_TEXT_NODE)
            nqx_walk_tree(top, &v);
    nqx_text_break(&t);
    xmlFreeDoc(html);
    *out = t.buf;
    return NQX_OK;
}
