/*
 * bpf.h: a classic-BPF interpreter and disassembler for seccomp filters,
 * independent of the generator: it reads the serialized bytes in a given
 * byte order and presents seccomp_data in that same order, as the kernel of
 * that architecture would, so a blob for a big-endian arch is checked as a
 * big-endian kernel would run it.
 */
#ifndef SBX_TEST_BPF_H
#define SBX_TEST_BPF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

typedef struct BpfInput {
	uint32_t nr, arch;
	uint64_t ip;
	uint64_t args[6];
} BpfInput;

/* Check the program as the kernel's seccomp verifier would (known opcodes,
 * aligned in-range loads, jumps in range, ends in a return); NULL if fine,
 * else a message. */
const char *bpf_validate(const uint8_t *blob, size_t len, bool big_endian);
/* Run; *steps counts executed instructions. Returns the action value. */
uint32_t bpf_run(const uint8_t *blob, size_t len, bool big_endian, const BpfInput *in, int *steps);
/* One line per instruction. */
void bpf_disasm(FILE *out, const uint8_t *blob, size_t len, bool big_endian);

#endif
