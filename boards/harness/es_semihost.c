/*
 * ARM semihosting calls (operation number in r0, argument block in r1,
 * result in r0, trapped by `bkpt 0xAB` on M-profile cores). Operation numbers
 * and argument blocks follow Arm's "Semihosting for AArch32 and AArch64".
 */
#include "es_semihost.h"

#include <string.h>

enum {
    ES_SYS_OPEN = 0x01,
    ES_SYS_CLOSE = 0x02,
    ES_SYS_WRITE0 = 0x04,
    ES_SYS_WRITE = 0x05,
    ES_SYS_READ = 0x06,
    ES_SYS_EXIT = 0x18,
    ES_SYS_EXIT_EXTENDED = 0x20
};

/* Reason code of SYS_EXIT meaning "the application exited". */
#define ES_ADP_STOPPED_APPLICATION_EXIT 0x20026u

static int32_t es_sh_call(int32_t op, const void *arg)
{
    register int32_t r0 __asm__("r0") = op;
    register const void *r1 __asm__("r1") = arg;
    __asm__ volatile("bkpt 0xAB" : "+r"(r0) : "r"(r1) : "memory");
    return r0;
}

int32_t es_sh_open(const char *path, int32_t mode)
{
    const uintptr_t args[3] = {(uintptr_t)path, (uintptr_t)mode, (uintptr_t)strlen(path)};
    return es_sh_call(ES_SYS_OPEN, args);
}

int32_t es_sh_close(int32_t handle)
{
    const uintptr_t args[1] = {(uintptr_t)handle};
    return es_sh_call(ES_SYS_CLOSE, args);
}

/* SYS_READ and SYS_WRITE return the number of bytes NOT transferred. */
int32_t es_sh_read_all(int32_t handle, void *buf, uint32_t bytes)
{
    const uintptr_t args[3] = {(uintptr_t)handle, (uintptr_t)buf, bytes};
    return es_sh_call(ES_SYS_READ, args) == 0 ? 0 : -1;
}

int32_t es_sh_write_all(int32_t handle, const void *buf, uint32_t bytes)
{
    const uintptr_t args[3] = {(uintptr_t)handle, (uintptr_t)buf, bytes};
    return es_sh_call(ES_SYS_WRITE, args) == 0 ? 0 : -1;
}

void es_sh_print(const char *text)
{
    (void)es_sh_call(ES_SYS_WRITE0, text);
}

void es_sh_exit(uint32_t status)
{
    /* SYS_EXIT_EXTENDED carries the status on AArch32; plain SYS_EXIT would not. */
    const uintptr_t args[2] = {ES_ADP_STOPPED_APPLICATION_EXIT, status};
    (void)es_sh_call(ES_SYS_EXIT_EXTENDED, args);
    for (;;) {
    }
}
