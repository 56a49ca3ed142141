/*
 * edgesmith harness firmware: runs a generated model on many samples per boot.
 *
 * Reads "input.bin" and writes "output.bin" through semihosting (layouts in
 * es_harness_io.h). For each sample it writes every input straight into the
 * model's arena (<model>_input), runs <model>_invoke() between two
 * instruction-count markers, and writes every output and the cycle count.
 * With ES_TRACE the model's per-op hook marks the end of every op, which
 * gives per-layer instruction counts, and can write every op's output to
 * "trace.bin" (to name the first layer that differs from the simulator). Exit status 0 means every sample ran;
 * any other status is one of es_harness_exit (the host explains it).
 */
#include <stdint.h>

#include "es_harness_io.h"
#include "es_marks.h"
#include "es_model_glue.h"
#include "es_semihost.h"

static void es_fail(uint32_t status, const char *message)
{
    es_sh_print("edgesmith harness: ");
    es_sh_print(message);
    es_sh_print("\n");
    es_sh_exit(status);
}

/* A fault means a bug (a stray pointer, a stack overflow): say so instead of hanging. */
void es_hardfault_handler(void)
{
    es_fail(ES_EXIT_FAULT, "hard fault");
}

#ifdef ES_TRACE
/* The trace hook's work sits between the two markers: it is not counted in any op. */
static void es_on_op_done(int32_t op_index, const char *tensor, const void *data, int32_t bytes,
                          void *user)
{
    (void)tensor;
    es_mark_op_done();
    int32_t dump = *(const int32_t *)user;
    if (dump >= 0) {
        const int32_t record[2] = {op_index, bytes};
        if (es_sh_write_all(dump, record, sizeof record) != 0 ||
            es_sh_write_all(dump, data, (uint32_t)bytes) != 0) {
            es_fail(ES_EXIT_IO, "cannot write " ES_TRACE_FILE);
        }
    }
    es_mark_op_resume();
}
#endif

static void es_check_header(const es_input_header *h)
{
    if (h->magic != ES_INPUT_MAGIC || h->version != ES_IO_VERSION) {
        es_fail(ES_EXIT_BAD_HEADER, "input.bin is not an edgesmith input file of this version");
    }
    if (h->num_inputs != ES_MODEL_NUM_INPUTS || h->num_outputs != ES_MODEL_NUM_OUTPUTS) {
        es_fail(ES_EXIT_BAD_HEADER, "input.bin was written for another model (tensor count)");
    }
    for (uint32_t k = 0; k < ES_MODEL_NUM_INPUTS; ++k) {
        if (h->input_bytes[k] != es_model_input_bytes[k]) {
            es_fail(ES_EXIT_BAD_HEADER, "input.bin was written for another model (input size)");
        }
    }
}

static void es_run_sample(int32_t in, int32_t out)
{
    for (uint32_t k = 0; k < ES_MODEL_NUM_INPUTS; ++k) {
        if (es_sh_read_all(in, ES_MODEL_INPUT((int)k), es_model_input_bytes[k]) != 0) {
            es_fail(ES_EXIT_IO, "input.bin is shorter than its header says");
        }
    }
    uint32_t start = es_cycles_now();
    es_mark_begin();
    es_status status = ES_MODEL_INVOKE();
    es_mark_end();
    uint32_t cycles = es_cycles_now() - start;
    if (status != ES_OK) {
        es_fail(ES_EXIT_MODEL_ERROR + (uint32_t)status, "the model returned an error status");
    }
    for (uint32_t k = 0; k < ES_MODEL_NUM_OUTPUTS; ++k) {
        if (es_sh_write_all(out, ES_MODEL_OUTPUT((int)k), es_model_output_bytes[k]) != 0) {
            es_fail(ES_EXIT_IO, "cannot write output.bin");
        }
    }
#ifdef ES_MODEL_PATCH_BRANCHES
    /* a mixed-precision patch model: the branch every patch took */
    if (es_sh_write_all(out, ES_MODEL_PATCH_BRANCHES(), ES_MODEL_NUM_PATCHES) != 0) {
        es_fail(ES_EXIT_IO, "cannot write output.bin");
    }
#endif
    if (es_sh_write_all(out, &cycles, sizeof cycles) != 0) {
        es_fail(ES_EXIT_IO, "cannot write output.bin");
    }
}

int main(void)
{
    es_cycles_start();
    if (ES_MODEL_INIT() != ES_OK) {
        es_fail(ES_EXIT_MODEL_ERROR, "model init failed");
    }
    int32_t in = es_sh_open(ES_INPUT_FILE, ES_SH_MODE_READ_BINARY);
    if (in < 0) {
        es_fail(ES_EXIT_IO, "cannot open " ES_INPUT_FILE);
    }
    es_input_header header;
    if (es_sh_read_all(in, &header, sizeof header) != 0) {
        es_fail(ES_EXIT_BAD_HEADER, "input.bin is shorter than its header");
    }
    es_check_header(&header);
#ifdef ES_TRACE
    static int32_t dump = -1;
    if (header.flags & ES_FLAG_DUMP_OPS) {
        dump = es_sh_open(ES_TRACE_FILE, ES_SH_MODE_WRITE_BINARY);
        if (dump < 0) {
            es_fail(ES_EXIT_IO, "cannot create " ES_TRACE_FILE);
        }
    }
    ES_MODEL_SET_TRACE(es_on_op_done, &dump);
#endif
    /* An empty begin/end pair: the host subtracts its count (the markers' own cost). */
    es_mark_begin();
    es_mark_end();
    int32_t out = es_sh_open(ES_OUTPUT_FILE, ES_SH_MODE_WRITE_BINARY);
    if (out < 0) {
        es_fail(ES_EXIT_IO, "cannot create " ES_OUTPUT_FILE);
    }
    for (uint32_t s = 0; s < header.samples; ++s) {
        es_run_sample(in, out);
    }
    (void)es_sh_close(in);
    (void)es_sh_close(out);
    es_sh_exit(ES_EXIT_OK);
}
