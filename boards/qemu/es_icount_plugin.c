/*
 * edgesmith instruction counter: a QEMU TCG plugin (host code, not firmware).
 *
 * Counts every guest instruction executed, exactly: an inline add of 1 is
 * attached to each instruction when QEMU translates it. When the guest
 * reaches one of the marker addresses it was given (the first instruction of
 * es_mark_begin, es_mark_end, ...), the plugin appends "<address> <count>"
 * to the output file, <count> being the instructions executed before it.
 * The host subtracts counts of consecutive markers. Single core, no
 * interrupts: the count is deterministic.
 *
 * Arguments: out=<file>, marks=<hex address>:<hex address>:... (up to 8).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "es_qemu_plugin_api.h"

ES_QEMU_PLUGIN_EXPORT int qemu_plugin_version = 1;

#define ES_MAX_MARKS 8

static uint64_t es_executed;
static uint64_t es_marks[ES_MAX_MARKS];
static size_t es_mark_count;
static FILE *es_out;

static void es_on_mark(unsigned int vcpu_index, void *userdata)
{
    (void)vcpu_index;
    fprintf(es_out, "%" PRIx64 " %" PRIu64 "\n", (uint64_t)(uintptr_t)userdata, es_executed);
}

static void es_on_translate(qemu_plugin_id_t id, struct qemu_plugin_tb *tb)
{
    (void)id;
    size_t n = qemu_plugin_tb_n_insns(tb);
    for (size_t i = 0; i < n; ++i) {
        struct qemu_plugin_insn *insn = qemu_plugin_tb_get_insn(tb, i);
        uint64_t address = qemu_plugin_insn_vaddr(insn);
        for (size_t m = 0; m < es_mark_count; ++m) {
            if (es_marks[m] == address) {
                /* registered first, so it sees the count before this instruction */
                qemu_plugin_register_vcpu_insn_exec_cb(insn, es_on_mark, QEMU_PLUGIN_CB_NO_REGS,
                                                       (void *)(uintptr_t)address);
            }
        }
        qemu_plugin_register_vcpu_insn_exec_inline(insn, QEMU_PLUGIN_INLINE_ADD_U64,
                                                   &es_executed, 1);
    }
}

static void es_on_exit(qemu_plugin_id_t id, void *userdata)
{
    (void)id, (void)userdata;
    fprintf(es_out, "total %" PRIu64 "\n", es_executed);
    fclose(es_out);
}

static int es_parse_marks(const char *list)
{
    while (*list != '\0' && es_mark_count < ES_MAX_MARKS) {
        char *end = NULL;
        es_marks[es_mark_count++] = strtoull(list, &end, 16);
        if (end == list || (*end != ':' && *end != '\0')) {
            return -1;
        }
        list = *end == ':' ? end + 1 : end;
    }
    return *list == '\0' ? 0 : -1;
}

ES_QEMU_PLUGIN_EXPORT int qemu_plugin_install(qemu_plugin_id_t id, const qemu_info_t *info,
                                              int argc, char **argv)
{
    (void)info;
    const char *out_path = NULL;
    for (int i = 0; i < argc; ++i) {
        if (strncmp(argv[i], "out=", 4) == 0) {
            out_path = argv[i] + 4;
        } else if (strncmp(argv[i], "marks=", 6) != 0 || es_parse_marks(argv[i] + 6) != 0) {
            fprintf(stderr, "es_icount_plugin: bad argument %s\n", argv[i]);
            return -1;
        }
    }
    es_out = out_path ? fopen(out_path, "w") : NULL;
    if (es_out == NULL) {
        fprintf(stderr, "es_icount_plugin: needs out=<writable file>\n");
        return -1;
    }
    qemu_plugin_register_vcpu_tb_trans_cb(id, es_on_translate);
    qemu_plugin_register_atexit_cb(id, es_on_exit, NULL);
    return 0;
}
