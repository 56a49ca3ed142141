/*
 * Files the harness exchanges with the host (all integers little-endian).
 *
 * input.bin:  es_input_header, then for each sample every input's bytes in order.
 * output.bin: for each sample every output's bytes in order, then a uint32
 *             cycle count (0 where the core has no cycle counter, as under QEMU).
 * trace.bin:  written only by an ES_TRACE build when flags has ES_FLAG_DUMP_OPS:
 *             for each op of each sample, int32 op index, int32 byte count, the bytes.
 * The host side is sdk/edgesmith/boards/harness_io.py; keep the two in step.
 */
#ifndef ES_HARNESS_IO_H
#define ES_HARNESS_IO_H

#include <stdint.h>

#define ES_INPUT_FILE "input.bin"
#define ES_OUTPUT_FILE "output.bin"
#define ES_TRACE_FILE "trace.bin"
#define ES_FLAG_DUMP_OPS 1u
#define ES_INPUT_MAGIC 0x4E495345u /* "ESIN" */
#define ES_IO_VERSION 1u
#define ES_IO_MAX_TENSORS 8

typedef struct {
    uint32_t magic;
    uint32_t version;
    uint32_t samples;
    uint32_t num_inputs;
    uint32_t num_outputs;
    uint32_t flags;
    uint32_t input_bytes[ES_IO_MAX_TENSORS]; /* unused entries are 0 */
} es_input_header;

/* Exit statuses of the harness; the host maps them to messages. */
enum es_harness_exit {
    ES_EXIT_OK = 0,
    ES_EXIT_IO = 10,          /* a semihosting file call failed */
    ES_EXIT_BAD_HEADER = 11,  /* input.bin does not match this firmware's model */
    ES_EXIT_FAULT = 12,       /* hard fault */
    ES_EXIT_MODEL_ERROR = 32  /* + the es_status the model returned */
};

#endif /* ES_HARNESS_IO_H */
