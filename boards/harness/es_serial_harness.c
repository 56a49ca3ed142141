/*
 * edgesmith harness firmware for real boards: the protocol of es_harness.c
 * (many samples per boot, outputs and a cycle count per sample, per-op
 * outputs on an ES_TRACE build) carried over the board's UART in checksummed
 * frames (es_link.h) instead of semihosting files.
 *
 * The host asks for a HELLO (protocol version, board, model hash, the clock
 * the core runs at, the cycle counter, tensor sizes) so that it can refuse
 * firmware built for another model or board, then sends one INPUT frame per
 * sample and gets back (TRACE frames and) one OUTPUT frame. Errors come back
 * as ERROR frames; the firmware keeps answering.
 */
#include <stdint.h>

#include "es_board_config.h"
#include "es_clock.h"
#include "es_link.h"
#include "es_marks.h"
#include "es_model_glue.h"
#include "es_uart.h"

#define ES_INPUT_FLAG_DUMP_OPS 1u
/* HELLO flags: an ES_TRACE build; the clock set-up was skipped (emulated silicon) */
#ifdef ES_TRACE
#define ES_HELLO_TRACE 1u
#else
#define ES_HELLO_TRACE 0u
#endif
#define ES_HELLO_FLAGS (ES_HELLO_TRACE | (ES_SKIP_CLOCK_SETUP ? 2u : 0u))

static const uint8_t es_model_hash[8] = ES_MODEL_HASH;

/* A fault means a bug (a stray pointer, a stack overflow): say so, then stop. */
void es_hardfault_handler(void)
{
    es_link_send_error(0, ES_LINK_ERR_FAULT, 0, "hard fault");
    for (;;) {
    }
}

static uint32_t es_sum(const uint32_t *sizes, uint32_t count)
{
    uint32_t total = 0;
    for (uint32_t k = 0; k < count; ++k) {
        total += sizes[k];
    }
    return total;
}

static void es_write_u32(uint32_t value)
{
    const uint8_t raw[4] = {(uint8_t)value, (uint8_t)(value >> 8), (uint8_t)(value >> 16),
                            (uint8_t)(value >> 24)};
    es_link_write(raw, sizeof raw);
}

/* A length byte, then the text (board and model names are short). */
static void es_write_text(const char *text, uint8_t length)
{
    es_link_write(&length, 1);
    es_link_write(text, length);
}

static void es_send_hello(uint8_t seq)
{
    const uint8_t head[4] = {ES_LINK_VERSION, 0, ES_CYCLE_COUNTER, ES_HELLO_FLAGS};
    const uint8_t counts[4] = {ES_MODEL_NUM_INPUTS, ES_MODEL_NUM_OUTPUTS,
                               (uint8_t)ES_NUM_PATCHES, (uint8_t)(ES_NUM_PATCHES >> 8)};
    const uint8_t board_length = (uint8_t)(sizeof ES_BOARD_NAME - 1u);
    const uint8_t model_length = (uint8_t)(sizeof ES_MODEL_NAME - 1u);
    uint32_t length = sizeof head + 4u + sizeof es_model_hash + sizeof counts +
                      4u * (ES_MODEL_NUM_INPUTS + ES_MODEL_NUM_OUTPUTS) + 2u + board_length +
                      model_length;
    es_link_begin(ES_LINK_HELLO, seq, length);
    es_link_write(head, sizeof head);
    es_write_u32(ES_CORE_HZ);
    es_link_write(es_model_hash, sizeof es_model_hash);
    es_link_write(counts, sizeof counts);
    for (uint32_t k = 0; k < ES_MODEL_NUM_INPUTS; ++k) {
        es_write_u32(es_model_input_bytes[k]);
    }
    for (uint32_t k = 0; k < ES_MODEL_NUM_OUTPUTS; ++k) {
        es_write_u32(es_model_output_bytes[k]);
    }
    es_write_text(ES_BOARD_NAME, board_length);
    es_write_text(ES_MODEL_NAME, model_length);
    es_link_end();
}

#ifdef ES_TRACE
typedef struct {
    uint8_t seq;
    uint8_t dump;
} es_trace_state;

static es_trace_state es_trace;

/* The frame is sent between the two markers: its cost is in no op's count. */
static void es_on_op_done(int32_t op_index, const char *tensor, const void *data, int32_t bytes,
                          void *user)
{
    (void)tensor;
    es_mark_op_done();
    const es_trace_state *state = (const es_trace_state *)user;
    if (state->dump) {
        es_link_begin(ES_LINK_TRACE, state->seq, 4u + (uint32_t)bytes);
        es_write_u32((uint32_t)op_index);
        es_link_write(data, (uint32_t)bytes);
        es_link_end();
    }
    es_mark_op_resume();
}
#endif

static void es_run_sample(const es_link_header *header)
{
    const uint32_t input_total = es_sum(es_model_input_bytes, ES_MODEL_NUM_INPUTS);
    if (header->length != 4u + input_total) {
        es_link_read_payload(0, header->length);
        if (es_link_finish_read(header->seq) == 0) {
            es_link_send_error(header->seq, ES_LINK_ERR_BAD_REQUEST, header->length,
                               "input size differs from this firmware's model");
        }
        return;
    }
    uint8_t flags[4];
    es_link_read_payload(flags, sizeof flags);
    /* straight into the model's arena, as the semihosting harness does */
    for (uint32_t k = 0; k < ES_MODEL_NUM_INPUTS; ++k) {
        es_link_read_payload(ES_MODEL_INPUT((int)k), es_model_input_bytes[k]);
    }
    if (es_link_finish_read(header->seq) != 0) {
        return;
    }
#ifdef ES_TRACE
    es_trace.seq = header->seq;
    es_trace.dump = (flags[0] & ES_INPUT_FLAG_DUMP_OPS) != 0u;
#endif
    uint32_t start = es_cycles_now();
    es_mark_begin();
    es_status status = ES_MODEL_INVOKE();
    es_mark_end();
    uint32_t cycles = es_cycles_now() - start;
    if (status != ES_OK) {
        es_link_send_error(header->seq, ES_LINK_ERR_MODEL, (uint32_t)status,
                           "the model returned an error status");
        return;
    }
    uint32_t length = es_sum(es_model_output_bytes, ES_MODEL_NUM_OUTPUTS) + ES_NUM_PATCHES + 4u;
    es_link_begin(ES_LINK_OUTPUT, header->seq, length);
    for (uint32_t k = 0; k < ES_MODEL_NUM_OUTPUTS; ++k) {
        es_link_write(ES_MODEL_OUTPUT((int)k), es_model_output_bytes[k]);
    }
#ifdef ES_MODEL_PATCH_BRANCHES
    es_link_write(ES_MODEL_PATCH_BRANCHES(), ES_MODEL_NUM_PATCHES);
#endif
    es_write_u32(cycles);
    es_link_end();
}

int main(void)
{
#if !ES_SKIP_CLOCK_SETUP
    es_clock_init();
#endif
    es_cycles_start();
    es_uart_init(ES_UART_CLOCK_HZ);
    const int ready = ES_MODEL_INIT() == ES_OK;
#ifdef ES_TRACE
    ES_MODEL_SET_TRACE(es_on_op_done, &es_trace);
#endif
    /* An empty begin/end pair: the emulator's instruction counter subtracts its count. */
    es_mark_begin();
    es_mark_end();
    for (;;) {
        es_link_header header;
        if (es_link_read_header(&header) != 0) {
            continue;
        }
        if (header.type == ES_LINK_INPUT && ready) {
            es_run_sample(&header);
            continue;
        }
        es_link_read_payload(0, header.length);
        if (es_link_finish_read(header.seq) != 0) {
            continue;
        }
        if (header.type == ES_LINK_HELLO_REQUEST) {
            es_send_hello(header.seq);
        } else if (header.type == ES_LINK_INPUT) {
            es_link_send_error(header.seq, ES_LINK_ERR_INIT, 0, "model init failed");
        } else {
            es_link_send_error(header.seq, ES_LINK_ERR_BAD_REQUEST, header.type,
                               "unknown frame type");
        }
    }
}
