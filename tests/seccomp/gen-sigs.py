#!/usr/bin/env python3
# gen-sigs.py: regenerate ir/syscall_sigs.c, the table of syscall
# argument kinds (pointer / 32-bit / 64-bit), from the kernel's own prototypes
# in include/linux/syscalls.h (Debian package linux-headers-*-common).
# Only facts (argument types) are taken; run by hand when the kernel grows:
#   python3 tests/seccomp/gen-sigs.py /usr/src/linux-headers-*-common/include/linux/syscalls.h > ir/syscall_sigs.c
import re, sys

src = open(sys.argv[1]).read()
src = re.sub(r'/\*.*?\*/', ' ', src, flags=re.S)
src = re.sub(r'^\s*#.*$', ' ', src, flags=re.M)
protos = {}
for m in re.finditer(r'asmlinkage\s+long\s+sys_([a-z0-9_]+)\s*\(([^)]*)\)\s*;', src):
    name, params = m.group(1), ' '.join(m.group(2).split())
    if name not in protos:
        protos[name] = params

# Types the kernel passes in 32 bits (compared on the low word).
T32 = {'int', 'unsigned int', 'unsigned', 'u32', '__u32', 's32', '__s32', 'pid_t', 'uid_t',
       'gid_t', 'old_uid_t', 'old_gid_t', 'umode_t', 'mode_t', 'key_serial_t', 'clockid_t',
       'timer_t', 'mqd_t', 'uint32_t', 'int32_t', 'qid_t', 'rwf_t', 'unsigned short', 'short', 'u16', 'unsigned char',
       'uid16_t', 'old_sigset_t_32', 'const int', 'const unsigned int', '__kernel_old_uid_t'}
T64 = {'long', 'unsigned long', 'size_t', 'ssize_t', 'off_t', 'loff_t', 'u64', '__u64', 's64',
       'aio_context_t', 'old_sigset_t', 'unsigned long long', 'long long', 'compat_ulong_t',
       'key_t', '__kernel_old_time_t', 'uint64_t', 'int64_t', 'time_t', '__s64'}
PTR = {'cap_user_header_t', 'cap_user_data_t', '__sighandler_t', 'caddr_t'}

def kind(p):
    p = p.strip()
    if '*' in p or '__user' in p:
        return 'p'
    if re.match(r'\s*enum\b', p): return 'i'
    words = [w for w in re.findall(r'[A-Za-z_][A-Za-z0-9_]*', p) if w not in ('const', 'struct', 'enum', 'volatile')]
    # drop the parameter name (the last word) when the type has more than one word
    for n in (len(words), len(words) - 1):
        t = ' '.join(words[:n])
        if t in T32: return 'i'
        if t in T64: return 'l'
        if t in PTR: return 'p'
    raise SystemExit('unknown type: %r' % p)

# The kernel's function names that differ from libseccomp's syscall names.
RENAME = {'newstat': 'stat', 'newlstat': 'lstat', 'newfstat': 'fstat', 'newuname': 'uname',
          'mmap_pgoff': 'mmap2', 'old_mmap': None, 'ni_syscall': None}
out = {}
for name, params in protos.items():
    name2 = RENAME.get(name, name)
    if name2 is None:
        continue
    sig = '' if params in ('void', '') else ''.join(kind(p) for p in params.split(','))
    out[name2] = sig
# Architecture-specific calls the generic header does not declare.
EXTRA = {'mmap': 'pliiil', 'arch_prctl': 'il', 'modify_ldt': 'ipl', 'rt_sigreturn': '',
         'sigreturn': '', 'iopl': 'i', 'ioperm': 'lli', 'vm86': 'lp', 'vm86old': 'p',
         'set_thread_area': 'p', 'get_thread_area': 'p', 'fork': '', 'vfork': '',
         'pipe': 'p', 'cacheflush': 'lli', 'set_tls': 'l', 'breakpoint': '', 'usr26': '', 'usr32': '',
         'arm_fadvise64_64': 'illi', 'arm_sync_file_range': 'iill', 'sync_file_range2': 'illi',
         'riscv_flush_icache': 'lll', 'swapcontext': 'ppi', 's390_runtime_instr': 'ii',
         's390_pci_mmio_read': 'lpl', 's390_pci_mmio_write': 'lpl', 's390_guarded_storage': 'ip',
         's390_sthyi': 'lppl', 'subpage_prot': 'llp', 'spu_run': 'ipp', 'spu_create': 'pliii',
         'sys_debug_setcontext': 'pip', 'switch_endian': '', 'rtas': 'p', 'multiplexer': '',
         'oldolduname': 'p', 'olduname': 'p', 'stime': 'p', 'time': 'p', 'select': 'ipppp',
         'newfstatat': 'ippi', 'fstatat64': 'ippi', 'oldstat': 'pp', 'oldfstat': 'ip', 'oldlstat': 'pp',
         'readdir': 'ipi', 'mmap2': 'pliiil', 'sysmips': 'iii', 'cachectl': 'pii',
         'set_mempolicy_home_node': 'llll', 'memfd_secret': 'i', 'process_mrelease': 'ii',
         'futex_waitv': 'piip', 'epoll_pwait2': 'ippipl', 'landlock_create_ruleset': 'pli',
         'landlock_add_rule': 'iipi', 'landlock_restrict_self': 'ii', 'map_shadow_stack': 'lli',
         'tuxcall': '', 'security': '', 'afs_syscall': '', 'putpmsg': '', 'getpmsg': '',
         'create_module': 'pl', 'get_kernel_syms': 'p', 'query_module': 'pipli', 'nfsservctl': 'ipp',
         'uselib': 'p', '_sysctl': 'p', 'sysfs': 'ill', 'ustat': 'ip', 'lookup_dcookie': 'lpl',
         'bdflush': 'il', 'idle': '', 'kexec_file_load': 'iilpl', 'pciconfig_read': 'lllpl',
         'pciconfig_write': 'lllpl', 'pciconfig_iobase': 'lll', 'socketcall': 'ip', 'ipc': 'iiilpl',
         'clone': 'llppl', 'clone3': 'pl', 'sigaction': 'ipp', 'signal': 'ip', 'sigpending': 'p',
         'sigprocmask': 'ipp', 'sigsuspend': 'l', 'sgetmask': '', 'ssetmask': 'i', 'nice': 'i',
         'pause': '', 'alarm': 'i', 'getpgrp': '', 'umount': 'pi', 'utime': 'pp', 'utimes': 'pp',
         'futimesat': 'ipp', 'gettimeofday': 'pp', 'settimeofday': 'pp', 'uname': 'p'}
for k, v in EXTRA.items():
    out.setdefault(k, v)
# clone's argument order differs per arch; the kernel header's first variant
# is not x86's. Flags (arg0; arg1 on s390) is what conditions look at.
out['clone'] = 'llppl'

print('/*\n * syscall_sigs.c: the kind of every argument of every system call, so that a\n'
      ' * condition compares 32-bit arguments on their low word and a condition on a\n'
      ' * pointer (which seccomp cannot follow) is refused. GENERATED by\n'
      ' * tests/seccomp/gen-sigs.py from the kernel\'s include/linux/syscalls.h:\n'
      ' * do not edit by hand. Kinds: i = 32-bit integer, l = 64-bit (long, size,\n'
      ' * offset), p = pointer. The string\'s length is the number of arguments.\n */\n'
      '#include "syscalls.h"\n\nconst ScmpSig scmp_sigs[] = {')
for k in sorted(out):
    print('\t{ "%s", "%s" },' % (k, out[k]))
print('};\nconst int scmp_nsigs = (int)(sizeof scmp_sigs / sizeof scmp_sigs[0]);')
