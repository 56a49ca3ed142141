/*
 * edgesmith C runtime: the text of one band loop of es_nn_fast_dw3x3_m4.h,
 * included once per clamp with ES_DW3X3_BAND (the function's name),
 * ES_DW3X3_SAT(v, tmp) (the clamp of register v, tmp free to use),
 * ES_DW3X3_SIGN(acc) (the ADD of the accumulator's sign, or nothing),
 * ES_DW3X3_RIGHT(reg) and ES_DW3X3_SHIFT(reg) (the load of the right shift into
 * reg and the shift by it; nothing for the one-multiply stage) and
 * ES_DW3X3_RIGHT_AGAIN (what restores the shift's register after the first
 * clamp of a pair) defined. No include guard: it is meant to be read more than
 * once. Labels: 6 a channel, 0 and 7 a line of stride 1 and 2 (each with its
 * own copy of the line's tail, so a line does not test the stride), 1 and 5
 * their pairs, 2 and 3 the odd output, 4 the line's end, 8 the channel's end.
 */
#ifndef ES_DW3X3_PAIR_STAGE
/* The output stage of a pair (acc0, acc1) and the step to the next pair, back to `loop`. */
#define ES_DW3X3_PAIR_STAGE(loop)                                                        \
    "ldr %[lo], %[multiplier]\n\t"                                                      \
    "ldr %[hi], %[round]\n\t"                                                           \
    "smmlar %[hi], %[acc0], %[lo], %[hi]\n\t"                                           \
    ES_DW3X3_SIGN("acc0")                                                               \
    ES_DW3X3_RIGHT("acc0")                                                              \
    ES_DW3X3_SHIFT("acc0")                                                              \
    ES_DW3X3_SAT("hi", "acc0")                                                          \
    ES_DW3X3_RIGHT_AGAIN                                                                \
    "strb %[hi], [%[o]]\n\t"                                                            \
    "ldr %[hi], %[round]\n\t"                                                           \
    "smmlar %[hi], %[acc1], %[lo], %[hi]\n\t"                                           \
    ES_DW3X3_SIGN("acc1")                                                               \
    ES_DW3X3_SHIFT("acc0")                                                              \
    ES_DW3X3_SAT("hi", "lo")                                                            \
    "ldr %[lo], %[dst_x]\n\t"                                                           \
    "strb %[hi], [%[o], %[lo]]\n\t"                                                     \
    "add %[o], %[o], %[lo], lsl #1\n\t"                                                 \
    "ldr %[lo], %[end]\n\t"                                                             \
    "cmp %[o], %[lo]\n\t"                                                               \
    "bne " loop "\n"
#endif

#ifndef ES_DW3X3_LINE_TAIL
/* A line's odd output, then the step to the next line (pointers by the gaps) and back to
 * `line` while the channel has lines left. */
#define ES_DW3X3_LINE_TAIL(line)                                                         \
    "2:\n\t"                                                                             \
    "ldr %[acc0], %[single_span]\n\t"                                                   \
    "cmp %[acc0], #0\n\t"                                                                \
    "beq 4f\n\t"                                                                         \
    "add %[acc0], %[o], %[acc0]\n\t"                                                     \
    "str %[acc0], %[end]\n"                                                              \
    "3:\n\t"                                                                             \
    "ldr %[acc0], %[bias]\n\t"                                                          \
    "ldrd %[lo], %[hi], [%[p0]], #4\n\t"                                                 \
    "smlad %[acc0], %[lo], %[a0], %[acc0]\n\t"                                           \
    "smlabt %[acc0], %[hi], %[b0], %[acc0]\n\t"                                          \
    "ldrd %[lo], %[hi], [%[p1]], #4\n\t"                                                 \
    "smlad %[acc0], %[lo], %[a1], %[acc0]\n\t"                                           \
    "smlabt %[acc0], %[hi], %[b1], %[acc0]\n\t"                                          \
    "ldrd %[lo], %[hi], [%[p2]], #4\n\t"                                                 \
    "smlad %[acc0], %[lo], %[a2], %[acc0]\n\t"                                           \
    "smlabt %[acc0], %[hi], %[b2], %[acc0]\n\t"                                          \
    "ldr %[lo], %[multiplier]\n\t"                                                      \
    "ldr %[hi], %[round]\n\t"                                                           \
    "smmlar %[hi], %[acc0], %[lo], %[hi]\n\t"                                           \
    ES_DW3X3_SIGN("acc0")                                                               \
    ES_DW3X3_RIGHT("lo")                                                                \
    ES_DW3X3_SHIFT("lo")                                                                \
    ES_DW3X3_SAT("hi", "lo")                                                            \
    "strb %[hi], [%[o]]\n\t"                                                            \
    "ldr %[lo], %[dst_x]\n\t"                                                           \
    "add %[o], %[o], %[lo]\n\t"                                                         \
    "ldr %[lo], %[end]\n\t"                                                             \
    "cmp %[o], %[lo]\n\t"                                                               \
    "bne 3b\n"                                                                           \
    "4:\n\t"                                                                             \
    "ldr %[lo], %[row_gap]\n\t"                                                         \
    "add %[p0], %[p0], %[lo]\n\t"                                                       \
    "add %[p1], %[p1], %[lo]\n\t"                                                       \
    "add %[p2], %[p2], %[lo]\n\t"                                                       \
    "ldr %[lo], %[dst_gap]\n\t"                                                         \
    "add %[o], %[o], %[lo]\n\t"                                                         \
    "ldr %[lo], %[lines]\n\t"                                                           \
    "subs %[lo], %[lo], #1\n\t"                                                         \
    "str %[lo], %[lines]\n\t"                                                           \
    "bne " line "\n\t"

/* A line's start: where its pairs end, or straight to its odd output. */
#define ES_DW3X3_LINE_HEAD                                                               \
    "ldr %[acc0], %[pair_span]\n\t"                                                     \
    "cmp %[acc0], #0\n\t"                                                                \
    "beq 2f\n\t"                                                                         \
    "add %[acc0], %[o], %[acc0]\n\t"                                                     \
    "str %[acc0], %[end]\n"
#endif

static ES_FAST_NOINLINE void ES_DW3X3_BAND(const es_dw3x3_group_args *a)
{
    es_dw3x3_frame f;
    const int16_t *p0, *p1, *p2;
    int8_t *o;
    int32_t acc0, acc1, lo, hi;
    uint32_t a0, a1, a2, b0, b1, b2;
    const es_dw3x3_geometry *g = a->g;
    const int32_t pairs = g->len / 2, single = g->len & 1, dst_x = g->dst_x;
    const int32_t line_bytes = a->line_stride * (int32_t)sizeof *a->rows;
    f.dst_x = dst_x;
    f.min = a->min;
    f.max = a->max;
    f.end = a->dst;
    f.self = &f;
    f.pair_span = 2 * pairs * dst_x;
    f.single_span = single * dst_x;
    /* the pairs move the line pointers 4 bytes (stride 1) or 8 (stride 2), the odd output 4 */
    f.row_gap = g->step_line * line_bytes - (g->step_x == 2 ? 8 : 4) * pairs - 4 * single;
    f.dst_gap = g->dst_line - g->len * dst_x;
    f.lines = a->out_lines;
    f.plane = a->rows;
    f.plane_bytes = a->plane_stride * (int32_t)sizeof *a->rows;
    f.chan_dst = a->dst;
    f.table = a->table;
    f.channels = a->channels;
    f.out_lines = a->out_lines;
    f.line_bytes = line_bytes;
    f.step2 = g->step_x == 2;
    __asm__ volatile(
        "6:\n\t"
        "ldr %[acc1], %[self]\n\t"
        "ldr %[lo], [%[acc1], #68]\n\t"
        "ldrd %[a0], %[b0], [%[lo]]\n\t"
        "ldrd %[a1], %[b1], [%[lo], #8]\n\t"
        "ldrd %[a2], %[b2], [%[lo], #16]\n\t"
        "ldrd %[acc0], %[hi], [%[lo], #24]\n\t"
        "strd %[acc0], %[hi], [%[acc1]]\n\t"
        "ldrd %[acc0], %[hi], [%[lo], #32]\n\t"
        "strd %[acc0], %[hi], [%[acc1], #8]\n\t"
        "add %[lo], %[lo], #40\n\t"
        "str %[lo], [%[acc1], #68]\n\t"
        "ldr %[p0], [%[acc1], #56]\n\t"
        "ldr %[hi], [%[acc1], #60]\n\t"
        "add %[hi], %[p0], %[hi]\n\t"
        "str %[hi], [%[acc1], #56]\n\t"
        "ldr %[hi], [%[acc1], #80]\n\t"
        "add %[p1], %[p0], %[hi]\n\t"
        "add %[p2], %[p1], %[hi]\n\t"
        "ldr %[o], [%[acc1], #64]\n\t"
        "add %[hi], %[o], #1\n\t"
        "str %[hi], [%[acc1], #64]\n\t"
        "ldr %[hi], [%[acc1], #76]\n\t"
        "str %[hi], %[lines]\n\t"
        "ldr %[hi], [%[acc1], #84]\n\t"
        "cmp %[hi], #0\n\t"
        "bne 7f\n"
        "0:\n\t"
        ES_DW3X3_LINE_HEAD
        "1:\n\t"
        "ldr %[acc1], %[bias]\n\t"
        "ldrd %[lo], %[hi], [%[p0]], #4\n\t"
        "smlad %[acc0], %[lo], %[a0], %[acc1]\n\t"
        "smlatb %[acc1], %[lo], %[a0], %[acc1]\n\t"
        "smlabt %[acc0], %[hi], %[b0], %[acc0]\n\t"
        "smlad %[acc1], %[hi], %[b0], %[acc1]\n\t"
        "ldrd %[lo], %[hi], [%[p1]], #4\n\t"
        "smlad %[acc0], %[lo], %[a1], %[acc0]\n\t"
        "smlatb %[acc1], %[lo], %[a1], %[acc1]\n\t"
        "smlabt %[acc0], %[hi], %[b1], %[acc0]\n\t"
        "smlad %[acc1], %[hi], %[b1], %[acc1]\n\t"
        "ldrd %[lo], %[hi], [%[p2]], #4\n\t"
        "smlad %[acc0], %[lo], %[a2], %[acc0]\n\t"
        "smlatb %[acc1], %[lo], %[a2], %[acc1]\n\t"
        "smlabt %[acc0], %[hi], %[b2], %[acc0]\n\t"
        "smlad %[acc1], %[hi], %[b2], %[acc1]\n\t"
        ES_DW3X3_PAIR_STAGE("1b")
        ES_DW3X3_LINE_TAIL("0b")
        "b 8f\n"
        "7:\n\t"
        ES_DW3X3_LINE_HEAD
        "5:\n\t"
        "ldr %[acc1], %[bias]\n\t"
        "ldrd %[lo], %[hi], [%[p0]], #8\n\t"
        "smlad %[acc0], %[lo], %[a0], %[acc1]\n\t"
        "smlabt %[acc0], %[hi], %[b0], %[acc0]\n\t"
        "smlad %[acc1], %[hi], %[a0], %[acc1]\n\t"
        "ldr %[lo], [%[p0]]\n\t"
        "smlabt %[acc1], %[lo], %[b0], %[acc1]\n\t"
        "ldrd %[lo], %[hi], [%[p1]], #8\n\t"
        "smlad %[acc0], %[lo], %[a1], %[acc0]\n\t"
        "smlabt %[acc0], %[hi], %[b1], %[acc0]\n\t"
        "smlad %[acc1], %[hi], %[a1], %[acc1]\n\t"
        "ldr %[lo], [%[p1]]\n\t"
        "smlabt %[acc1], %[lo], %[b1], %[acc1]\n\t"
        "ldrd %[lo], %[hi], [%[p2]], #8\n\t"
        "smlad %[acc0], %[lo], %[a2], %[acc0]\n\t"
        "smlabt %[acc0], %[hi], %[b2], %[acc0]\n\t"
        "smlad %[acc1], %[hi], %[a2], %[acc1]\n\t"
        "ldr %[lo], [%[p2]]\n\t"
        "smlabt %[acc1], %[lo], %[b2], %[acc1]\n\t"
        ES_DW3X3_PAIR_STAGE("5b")
        ES_DW3X3_LINE_TAIL("7b")
        "8:\n\t"
        "ldr %[acc1], %[self]\n\t"
        "ldr %[lo], [%[acc1], #72]\n\t"
        "subs %[lo], %[lo], #1\n\t"
        "str %[lo], [%[acc1], #72]\n\t"
        "bne 6b\n\t"
        : [p0] "=&r"(p0), [p1] "=&r"(p1), [p2] "=&r"(p2), [o] "=&r"(o), [acc0] "=&r"(acc0),
          [acc1] "=&r"(acc1), [lo] "=&r"(lo), [hi] "=&r"(hi), [a0] "=&r"(a0), [a1] "=&r"(a1),
          [a2] "=&r"(a2), [b0] "=&r"(b0), [b1] "=&r"(b1), [b2] "=&r"(b2)
        /* the loop writes f through these and through self: f is not read after it, and
         * the memory clobber covers the writes */
        : [self] "m"(f.self), [bias] "m"(f.bias), [multiplier] "m"(f.multiplier),
          [round] "m"(f.round), [right] "m"(f.right), [dst_x] "m"(f.dst_x), [min] "m"(f.min),
          [max] "m"(f.max), [end] "m"(f.end), [pair_span] "m"(f.pair_span),
          [single_span] "m"(f.single_span), [row_gap] "m"(f.row_gap),
          [dst_gap] "m"(f.dst_gap), [lines] "m"(f.lines)
        : "cc", "memory");
    (void)p0, (void)p1, (void)p2, (void)o, (void)acc0, (void)acc1, (void)lo, (void)hi;
    (void)a0, (void)a1, (void)a2, (void)b0, (void)b1, (void)b2;
}
