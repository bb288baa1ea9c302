/*
 * acsid.c: the windows target's name and SID derivations on the command
 * line, for tests/appcontainer/run.sh.
 *
 *   acsid cap NAME...        capability SIDs (derived from the name)
 *   acsid package NAME...    AppContainer SIDs
 *   acsid container NAME...  the container name sbxc derives from a policy name
 *   acsid table              the capability table: name, manifest prefix, SID
 *   acsid masks              the ACE masks: RIGHT allow|deny file|dir 0xMASK
 */
#include "../../target/appcontainer.h"

#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
	if (argc < 2)
		return fputs("usage: acsid cap|package|container NAME... | acsid table\n", stderr), 64;
	char out[AC_SID_MAX];
	if (strcmp(argv[1], "masks") == 0) {
		static const int rights[] = { R_READ, R_WRITE, R_EXEC };
		static const char *const names[] = { "read", "write", "exec" };
		for (size_t i = 0; i < sizeof rights / sizeof *rights; i++)
			for (int deny = 0; deny < 2; deny++)
				for (int dir = 0; dir < 2; dir++)
					printf("%s %s %s 0x%06lx\n", names[i], deny ? "deny" : "allow", dir ? "dir" : "file",
					       (unsigned long)(deny ? ac_deny_mask(rights[i], dir) : ac_allow_mask(rights[i], dir)));
		return 0;
	}
	if (strcmp(argv[1], "table") == 0) {
		int n;
		const AcCap *t = ac_cap_table(&n);
		for (int i = 0; i < n; i++) {
			ac_cap_sid(&t[i], out);
			const char *pre = ac_kind_prefix[t[i].kind];
			printf("%s %s %s\n", t[i].name, !pre ? "-" : t[i].kind == AC_DEVICE ? "device" : *pre ? pre : "foundation", out);
		}
		return 0;
	}
	for (int i = 2; i < argc; i++) {
		bool ok = true;
		if (strcmp(argv[1], "cap") == 0) {
			ok = ac_capability_sid(str_c(argv[i]), out);
		} else if (strcmp(argv[1], "package") == 0) {
			ok = ac_package_sid(str_c(argv[i]), out);
		} else if (strcmp(argv[1], "container") == 0) {
			char name[AC_NAME_MAX + 1];
			ac_container_name(str_c(argv[i]), name);
			snprintf(out, sizeof out, "%s", name);
		} else {
			return fprintf(stderr, "acsid: unknown mode %s\n", argv[1]), 64;
		}
		printf("%s\n", ok ? out : "(refused)");
	}
	return 0;
}
