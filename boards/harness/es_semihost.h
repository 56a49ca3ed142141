/*
 * ARM semihosting: file I/O and exit through the debugger or emulator.
 *
 * Under QEMU (-semihosting-config enable=on,target=native) the files are the
 * host's, relative to QEMU's working directory. On a real board the debug
 * probe serves the calls (pyOCD, OpenOCD with semihosting enabled); without a
 * debugger attached the bkpt instruction faults.
 */
#ifndef ES_SEMIHOST_H
#define ES_SEMIHOST_H

#include <stdint.h>

/* Open modes of SYS_OPEN (ISO C fopen modes, in the order the specification lists them). */
#define ES_SH_MODE_READ_BINARY 1
#define ES_SH_MODE_WRITE_BINARY 5

/* A host file handle, or -1 when the file could not be opened. */
int32_t es_sh_open(const char *path, int32_t mode);
int32_t es_sh_close(int32_t handle);
/* Read or write exactly `bytes` bytes; return 0 on success, -1 otherwise. */
int32_t es_sh_read_all(int32_t handle, void *buf, uint32_t bytes);
int32_t es_sh_write_all(int32_t handle, const void *buf, uint32_t bytes);
/* Print a NUL-terminated string on the host's console (stderr under QEMU). */
void es_sh_print(const char *text);
/* End the program with an exit status the host sees (SYS_EXIT_EXTENDED). */
void es_sh_exit(uint32_t status) __attribute__((noreturn));

#endif /* ES_SEMIHOST_H */
