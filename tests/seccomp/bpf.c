/*
 * bpf.c: see bpf.h. Written from the kernel's documented cBPF semantics
 * (Documentation/networking/filter.rst, seccomp_filter.rst), sharing no
 * code with the generator it checks.
 */
#include "bpf.h"

#include <linux/filter.h>
#include <string.h>

typedef struct Ins {
	uint16_t code;
	uint8_t jt, jf;
	uint32_t k;
} Ins;

static Ins decode(const uint8_t *p, bool be)
{
	Ins i;
	if (be) {
		i.code = (uint16_t)(p[0] << 8 | p[1]);
		i.k = (uint32_t)p[4] << 24 | (uint32_t)p[5] << 16 | (uint32_t)p[6] << 8 | p[7];
	} else {
		i.code = (uint16_t)(p[1] << 8 | p[0]);
		i.k = (uint32_t)p[7] << 24 | (uint32_t)p[6] << 16 | (uint32_t)p[5] << 8 | p[4];
	}
	i.jt = p[2];
	i.jf = p[3];
	return i;
}

static void put32(uint8_t *p, uint32_t v, bool be)
{
	for (int i = 0; i < 4; i++)
		p[be ? 3 - i : i] = (uint8_t)(v >> (8 * i));
}

static void put64(uint8_t *p, uint64_t v, bool be)
{
	for (int i = 0; i < 8; i++)
		p[be ? 7 - i : i] = (uint8_t)(v >> (8 * i));
}

static uint32_t get32(const uint8_t *p, bool be)
{
	uint32_t v = 0;
	for (int i = 0; i < 4; i++)
		v |= (uint32_t)p[be ? 3 - i : i] << (8 * i);
	return v;
}

enum { DATA_LEN = 64 };

const char *bpf_validate(const uint8_t *blob, size_t len, bool be)
{
	if (len % 8 || len == 0)
		return "length is not a positive multiple of 8";
	size_t n = len / 8;
	if (n > 4096)
		return "longer than 4096 instructions";
	for (size_t pc = 0; pc < n; pc++) {
		Ins i = decode(blob + 8 * pc, be);
		switch (i.code) {
		case BPF_LD | BPF_W | BPF_ABS:
			if (i.k % 4 || i.k + 4 > DATA_LEN)
				return "load outside seccomp_data or unaligned";
			break;
		case BPF_ALU | BPF_AND | BPF_K:
		case BPF_RET | BPF_K:
			break;
		case BPF_JMP | BPF_JA:
			if (i.k >= n - pc - 1)
				return "ja out of range";
			break;
		case BPF_JMP | BPF_JEQ | BPF_K:
		case BPF_JMP | BPF_JGT | BPF_K:
		case BPF_JMP | BPF_JGE | BPF_K:
		case BPF_JMP | BPF_JSET | BPF_K:
			if (pc + 1 + i.jt >= n || pc + 1 + i.jf >= n)
				return "conditional jump out of range";
			break;
		default:
			return "opcode the generator never emits";
		}
	}
	Ins last = decode(blob + 8 * (n - 1), be);
	if (BPF_CLASS(last.code) != BPF_RET)
		return "does not end in a return";
	return NULL;
}

uint32_t bpf_run(const uint8_t *blob, size_t len, bool be, const BpfInput *in, int *steps)
{
	uint8_t data[DATA_LEN];
	put32(data + 0, in->nr, be);
	put32(data + 4, in->arch, be);
	put64(data + 8, in->ip, be);
	for (int i = 0; i < 6; i++)
		put64(data + 16 + 8 * i, in->args[i], be);
	size_t n = len / 8, pc = 0;
	uint32_t A = 0;
	*steps = 0;
	while (pc < n) {
		Ins i = decode(blob + 8 * pc, be);
		++*steps;
		pc++;
		switch (i.code) {
		case BPF_LD | BPF_W | BPF_ABS:
			if (i.k % 4 || i.k + 4 > DATA_LEN)
				return 0; /* the verifier refuses it; run as kill */
			A = get32(data + i.k, be);
			break;
		case BPF_ALU | BPF_AND | BPF_K: A &= i.k; break;
		case BPF_RET | BPF_K: return i.k;
		case BPF_JMP | BPF_JA: pc += i.k; break;
		case BPF_JMP | BPF_JEQ | BPF_K: pc += A == i.k ? i.jt : i.jf; break;
		case BPF_JMP | BPF_JGT | BPF_K: pc += A > i.k ? i.jt : i.jf; break;
		case BPF_JMP | BPF_JGE | BPF_K: pc += A >= i.k ? i.jt : i.jf; break;
		case BPF_JMP | BPF_JSET | BPF_K: pc += (A & i.k) ? i.jt : i.jf; break;
		default: return 0;
		}
	}
	return 0; /* fell off the end: refused by the verifier */
}

static void put_ret(FILE *out, uint32_t k)
{
	switch (k & 0xffff0000u) {
	case 0x7fff0000u: fprintf(out, "ALLOW"); break;
	case 0x7ffc0000u: fprintf(out, "LOG"); break;
	case 0x80000000u: fprintf(out, "KILL_PROCESS"); break;
	case 0x00000000u: fprintf(out, "KILL_THREAD"); break;
	case 0x00030000u: fprintf(out, "TRAP"); break;
	case 0x00050000u: fprintf(out, "ERRNO(%u)", k & 0xffff); break;
	default: fprintf(out, "0x%08x", k); break;
	}
}

static const char *data_name(uint32_t k, bool be)
{
	static char buf[32];
	if (k == 0)
		return "nr";
	if (k == 4)
		return "arch";
	if (k >= 16 && k < 64) {
		unsigned arg = (k - 16) / 8, word = (k - 16) % 8 / 4;
		bool hi = be ? word == 0 : word == 1;
		snprintf(buf, sizeof buf, "arg%u.%s", arg, hi ? "hi" : "lo");
		return buf;
	}
	snprintf(buf, sizeof buf, "[%u]", k);
	return buf;
}

void bpf_disasm(FILE *out, const uint8_t *blob, size_t len, bool be)
{
	size_t n = len / 8;
	for (size_t pc = 0; pc < n; pc++) {
		Ins i = decode(blob + 8 * pc, be);
		fprintf(out, "%04zu: ", pc);
		const char *op = NULL;
		switch (i.code) {
		case BPF_LD | BPF_W | BPF_ABS: fprintf(out, "ld %s\n", data_name(i.k, be)); continue;
		case BPF_ALU | BPF_AND | BPF_K: fprintf(out, "and 0x%x\n", i.k); continue;
		case BPF_RET | BPF_K: fprintf(out, "ret "); put_ret(out, i.k); fprintf(out, "\n"); continue;
		case BPF_JMP | BPF_JA: fprintf(out, "ja %04zu\n", pc + 1 + i.k); continue;
		case BPF_JMP | BPF_JEQ | BPF_K: op = "jeq"; break;
		case BPF_JMP | BPF_JGT | BPF_K: op = "jgt"; break;
		case BPF_JMP | BPF_JGE | BPF_K: op = "jge"; break;
		case BPF_JMP | BPF_JSET | BPF_K: op = "jset"; break;
		default: fprintf(out, "??? code=0x%04x jt=%u jf=%u k=0x%x\n", i.code, i.jt, i.jf, i.k); continue;
		}
		fprintf(out, "%s 0x%x, %04zu, %04zu\n", op, i.k, pc + 1 + i.jt, pc + 1 + i.jf);
	}
}
