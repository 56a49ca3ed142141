/*
 * edgesmith instruction counter: a QEMU TCG plugin (host code, not firmware).
 *
 * Counts every guest instruction executed, exactly: an inline add of 1 is
 * attached to each instruction when QEMU translates it. Beside it, an estimate
 * of Cortex-M4 cycles: an inline add of the instruction's cycle weight
 * (es_m4_cycles.h), plus a pipeline refill whenever a block starts anywhere
 * but where the previous one falls through (a taken branch). When the guest
 * reaches one of the marker addresses it was given (the first instruction of
 * es_mark_begin, es_mark_end, ...), the plugin appends "<address> <count>
 * <cycles>" to the output file, both counted before that instruction.
 * The host subtracts counts of consecutive markers. Single core, no
 * interrupts: the count is deterministic.
 *
 * Arguments: out=<file>, marks=<hex address>:<hex address>:... (up to 8).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "es_m4_cycles.h"
#include "es_qemu_plugin_api.h"

ES_QEMU_PLUGIN_EXPORT int qemu_plugin_version = 1;

#define ES_MAX_MARKS 8

static uint64_t es_executed;
static uint64_t es_cycles;
/* where the block executed last falls through to (0 before the first one) */
static uint64_t es_fall_through;

/* A translated block: where it starts and where it falls through to. */
struct es_block {
    uint64_t start;
    uint64_t next;
};
static uint64_t es_marks[ES_MAX_MARKS];
static size_t es_mark_count;
static FILE *es_out;

static void es_on_mark(unsigned int vcpu_index, void *userdata)
{
    (void)vcpu_index;
    fprintf(es_out, "%" PRIx64 " %" PRIu64 " %" PRIu64 "\n", (uint64_t)(uintptr_t)userdata,
            es_executed, es_cycles);
}

static void es_on_block(unsigned int vcpu_index, void *userdata)
{
    (void)vcpu_index;
    const struct es_block *block = userdata;
    if (es_fall_through != 0 && block->start != es_fall_through) {
        es_cycles += ES_M4_REFILL; /* the previous block ended in a taken branch */
    }
    es_fall_through = block->next;
}

static void es_on_translate(qemu_plugin_id_t id, struct qemu_plugin_tb *tb)
{
    (void)id;
    size_t n = qemu_plugin_tb_n_insns(tb);
    struct es_block *block = malloc(sizeof *block); /* lives as long as the translation */
    if (block != NULL && n > 0) {
        struct qemu_plugin_insn *last = qemu_plugin_tb_get_insn(tb, n - 1);
        block->start = qemu_plugin_tb_vaddr(tb);
        block->next = qemu_plugin_insn_vaddr(last) + qemu_plugin_insn_size(last);
        qemu_plugin_register_vcpu_tb_exec_cb(tb, es_on_block, QEMU_PLUGIN_CB_NO_REGS, block);
    } else {
        free(block);
    }
    int single_load = 0;
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
        char *text = qemu_plugin_insn_disas(insn);
        const unsigned cycles = text != NULL ? es_m4_cycles(text, &single_load) : 1u;
        free(text);
        qemu_plugin_register_vcpu_insn_exec_inline(insn, QEMU_PLUGIN_INLINE_ADD_U64,
                                                   &es_cycles, cycles);
    }
}

static void es_on_exit(qemu_plugin_id_t id, void *userdata)
{
    (void)id, (void)userdata;
    fprintf(es_out, "total %" PRIu64 " %" PRIu64 "\n", es_executed, es_cycles);
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
