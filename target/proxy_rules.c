/*
 * proxy_rules.c: the egress proxy's rules, in the artifact form the
 * runtime's proxy reads (runtime/proxy.h, px_rule_parse): one line per
 * TCP connect rule and per `net` rule of a platform,
 *
 *   proxy allow|deny HOST PORT "FILE:LINE"
 *
 * Landlock's artifact carries them among its lines; the macOS target
 * writes them as NAME.proxy beside the profile for sbx-seatbelt.
 */
#include "target.h"
#include "../ir/eval.h"
#include "../lib/esc.h"

bool tgt_proxy_needed(const Policy *p, unsigned plat)
{
	int lo, hi;
	ir_right_range(p, R_CONNECT, &lo, &hi);
	for (int i = lo; i < hi; i++) {
		const Rule *r = &p->rules[i];
		if ((r->platforms & plat) && r->effect == EFF_ALLOW && r->net.proto == PROTO_TCP &&
		    eval_host_is_name(&r->net))
			return true;
	}
	return false;
}

static void proxy_line(Buf *b, Arena *ar, const Policy *p, const Rule *r, bool net)
{
	buf_printf(b, "proxy %s ", r->effect == EFF_ALLOW ? "allow" : "deny");
	if (net)
		buf_puts(b, "net *");
	else {
		buf_str(b, r->net.host);
		if (r->net.port_any)
			buf_puts(b, " *");
		else if (r->net.port_lo == r->net.port_hi)
			buf_printf(b, " %u", (unsigned)r->net.port_lo);
		else
			buf_printf(b, " %u-%u", (unsigned)r->net.port_lo, (unsigned)r->net.port_hi);
	}
	Str f = r->loc.file < p->nfiles ? p->files[r->loc.file].id : STR("?");
	buf_putc(b, ' ');
	esc_put(b, arena_printf(ar, "%.*s:%u", STRF(f), (unsigned)r->loc.line), ESC_LANDLOCK);
	buf_putc(b, '\n');
}

/* When the policy names a host, every TCP connect rule (and `net`) goes to
 * the proxy, which decides requests by name and by address (LANGUAGE.md 6). */
void tgt_proxy_rules(Buf *b, Arena *ar, const Policy *p, unsigned plat)
{
	if (!tgt_proxy_needed(p, plat))
		return;
	int lo, hi;
	ir_right_range(p, R_CONNECT, &lo, &hi);
	for (int i = lo; i < hi; i++)
		if ((p->rules[i].platforms & plat) && p->rules[i].net.proto == PROTO_TCP)
			proxy_line(b, ar, p, &p->rules[i], false);
	ir_right_range(p, R_NET, &lo, &hi);
	for (int i = lo; i < hi; i++)
		if (p->rules[i].platforms & plat)
			proxy_line(b, ar, p, &p->rules[i], true);
}
