/*
 * esc.h: the one quoter. Every string that reaches an artifact, a message or
 * a rendered policy goes through esc_put in the style of where it lands, so
 * no byte of a path can end a string, a line or a comment early and inject
 * text after it.
 */
#ifndef SBX_ESC_H
#define SBX_ESC_H

#include "base.h"

typedef enum EscStyle {
	ESC_JSON,        /* "...": \" \\ \n \t, other control bytes \u00XX */
	ESC_SBX,         /* "...": the language's escapes, \xXX for other control bytes */
	ESC_LANDLOCK,    /* "...": as the runtime's reader decodes (the sbx escapes) */
	ESC_SCHEME,      /* "...": \n \t \r; other control bytes have no escape both
	                  * TinyScheme and libsandbox read alike: '?' and false */
	ESC_COMMENT,     /* bare, one line: control bytes become '?' */
	ESC_XML_COMMENT, /* the same, and "--" (not allowed in an XML comment) becomes "-~" */
} EscStyle;

/* Appends s to b in style; false when a byte could not be represented. */
bool esc_put(Buf *b, Str s, EscStyle style);

#endif
