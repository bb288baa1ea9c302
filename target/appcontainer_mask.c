/*
 * appcontainer_mask.c: the access masks the windows target puts in ACEs,
 * one function so that the compiler, its tests and the docs agree.
 *
 * A grant on a directory is two ACEs (the launcher writes both): one for
 * the directory and its subdirectories (CONTAINER_INHERIT) with the
 * directory mask, one for the files beneath (OBJECT_INHERIT|INHERIT_ONLY)
 * with the file mask. They differ in one bit: 0x20 is FILE_TRAVERSE on a
 * directory but FILE_EXECUTE on a file, so read includes it on directories
 * only (reading a tree means walking it) and a read grant never lets the
 * container run the files it reads.
 *
 *  read   FILE_READ_DATA (FILE_LIST_DIRECTORY) | FILE_READ_EA |
 *         FILE_READ_ATTRIBUTES | READ_CONTROL | SYNCHRONIZE
 *         (FILE_GENERIC_READ, 0x120089), + FILE_TRAVERSE on directories
 *  write  FILE_WRITE_DATA (ADD_FILE) | FILE_APPEND_DATA (ADD_SUBDIRECTORY) |
 *         FILE_WRITE_EA | FILE_WRITE_ATTRIBUTES | DELETE, plus what every
 *         open for writing needs: READ_CONTROL | FILE_READ_ATTRIBUTES |
 *         SYNCHRONIZE. Never FILE_DELETE_CHILD (it lets a parent's grant
 *         delete a child whose own ACL denies DELETE), WRITE_DAC or
 *         WRITE_OWNER.
 *  exec   FILE_EXECUTE (FILE_TRAVERSE) | FILE_READ_ATTRIBUTES | SYNCHRONIZE
 *
 * A deny ACE denies only the right's own bits: never SYNCHRONIZE,
 * READ_CONTROL or FILE_READ_ATTRIBUTES for write and exec (an open of any
 * kind needs them, so denying them would also break the reads the policy
 * allows on the same object), and never FILE_TRAVERSE for read (an allow
 * inside the denied tree must stay reachable).
 */
#include "appcontainer.h"

uint32_t ac_allow_mask(int right, bool dir)
{
	switch (right) {
	case R_READ:
		return AC_FILE_READ_DATA | AC_FILE_READ_EA | AC_FILE_READ_ATTRIBUTES | AC_READ_CONTROL | AC_SYNCHRONIZE |
		       (dir ? AC_FILE_TRAVERSE : 0u);
	case R_WRITE:
		return AC_FILE_WRITE_DATA | AC_FILE_APPEND_DATA | AC_FILE_WRITE_EA | AC_FILE_WRITE_ATTRIBUTES | AC_DELETE |
		       AC_READ_CONTROL | AC_FILE_READ_ATTRIBUTES | AC_SYNCHRONIZE;
	case R_EXEC:
		return AC_FILE_EXECUTE | AC_FILE_READ_ATTRIBUTES | AC_SYNCHRONIZE;
	default:
		return 0;
	}
}

uint32_t ac_deny_mask(int right, bool dir)
{
	(void)dir;
	switch (right) {
	case R_READ:
		return AC_FILE_READ_DATA | AC_FILE_READ_EA | AC_FILE_READ_ATTRIBUTES | AC_READ_CONTROL;
	case R_WRITE:
		return AC_FILE_WRITE_DATA | AC_FILE_APPEND_DATA | AC_FILE_WRITE_EA | AC_FILE_WRITE_ATTRIBUTES | AC_DELETE;
	case R_EXEC:
		return AC_FILE_EXECUTE;
	default:
		return 0;
	}
}
