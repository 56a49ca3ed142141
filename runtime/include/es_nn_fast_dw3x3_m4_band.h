/*
 * edgesmith C runtime: the text of one band loop of es_nn_fast_dw3x3_m4.h,
 * included once per clamp with ES_DW3X3_BAND (the function's name),
 * ES_DW3X3_SAT(v, tmp) (the clamp of register v, tmp free to use) and
 * ES_DW3X3_RIGHT_AGAIN (what restores the shift's register after the first
 * clamp of a pair) defined. No include guard: it is meant to be read twice.
 */
static ES_FAST_NOINLINE void ES_DW3X3_BAND(const int16_t *rows, int32_t line_stride,
                                               const es_dw3x3_geometry *g,
                                               const es_dw3x3_channel *t, int32_t out_lines,
                                               int8_t *dst)
{
    es_dw3x3_frame f;
    const int16_t *p0, *p1, *p2;
    int8_t *o;
    int32_t acc0, acc1, lo, hi;
    f.bias = t->bias;
    f.multiplier = t->multiplier;
    f.round = t->round;
    f.right = t->right;
    f.dst_x = g->dst_x;
    f.line_bytes = line_stride * (int32_t)sizeof *rows;
    f.rows_step = g->step_line * f.line_bytes;
    f.dst_line = g->dst_line;
    f.pairs = g->step_x == 1 ? g->len / 2 : 0;
    f.singles = g->step_x == 1 ? g->len & 1 : g->len;
    f.lines = out_lines;
    f.min = t->min;
    f.max = t->max;
    f.rows = rows;
    f.dst = dst;
    f.end = dst;
    __asm__ volatile(
        "0:\n\t"
        "ldr %[p0], %[rows]\n\t"
        "ldr %[lo], %[line_bytes]\n\t"
        "add %[p1], %[p0], %[lo]\n\t"
        "add %[p2], %[p1], %[lo]\n\t"
        "ldr %[hi], %[rows_step]\n\t"
        "add %[hi], %[p0], %[hi]\n\t"
        "str %[hi], %[rows]\n\t"
        "ldr %[o], %[dst]\n\t"
        "ldr %[hi], %[dst_line]\n\t"
        "add %[hi], %[o], %[hi]\n\t"
        "str %[hi], %[dst]\n\t"
        "ldr %[acc0], %[pairs]\n\t"
        "cmp %[acc0], #0\n\t"
        "beq 2f\n\t"
        "ldr %[lo], %[dst_x]\n\t"
        "mul %[acc0], %[acc0], %[lo]\n\t"
        "add %[acc0], %[o], %[acc0], lsl #1\n\t"
        "str %[acc0], %[end]\n"
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
        "ldr %[lo], %[multiplier]\n\t"
        "ldr %[hi], %[round]\n\t"
        "smmlar %[hi], %[acc0], %[lo], %[hi]\n\t"
        "add %[hi], %[hi], %[acc0], asr #31\n\t"
        "ldr %[acc0], %[right]\n\t"
        "asr %[hi], %[hi], %[acc0]\n\t"
        ES_DW3X3_SAT("hi", "acc0")
        ES_DW3X3_RIGHT_AGAIN
        "strb %[hi], [%[o]]\n\t"
        "ldr %[hi], %[round]\n\t"
        "smmlar %[hi], %[acc1], %[lo], %[hi]\n\t"
        "add %[hi], %[hi], %[acc1], asr #31\n\t"
        "asr %[hi], %[hi], %[acc0]\n\t"
        ES_DW3X3_SAT("hi", "lo")
        "ldr %[lo], %[dst_x]\n\t"
        "strb %[hi], [%[o], %[lo]]\n\t"
        "add %[o], %[o], %[lo], lsl #1\n\t"
        "ldr %[lo], %[end]\n\t"
        "cmp %[o], %[lo]\n\t"
        "bne 1b\n"
        "2:\n\t"
        "ldr %[acc0], %[singles]\n\t"
        "cmp %[acc0], #0\n\t"
        "beq 4f\n\t"
        "ldr %[lo], %[dst_x]\n\t"
        "mla %[acc0], %[acc0], %[lo], %[o]\n\t"
        "str %[acc0], %[end]\n"
        "3:\n\t"
        "ldr %[acc0], %[bias]\n\t"
        "ldrd %[lo], %[hi], [%[p0]], #4\n\t"
        "smlad %[acc0], %[lo], %[a0], %[acc0]\n\t"
        "smlabt %[acc0], %[hi], %[b0], %[acc0]\n\t"
        "ldrd %[lo], %[hi], [%[p1]], #4\n\t"
        "smlad %[acc0], %[lo], %[a1], %[acc0]\n\t"
        "smlabt %[acc0], %[hi], %[b1], %[acc0]\n\t"
        "ldrd %[lo], %[hi], [%[p2]], #4\n\t"
        "smlad %[acc0], %[lo], %[a2], %[acc0]\n\t"
        "smlabt %[acc0], %[hi], %[b2], %[acc0]\n\t"
        "ldr %[lo], %[multiplier]\n\t"
        "ldr %[hi], %[round]\n\t"
        "smmlar %[hi], %[acc0], %[lo], %[hi]\n\t"
        "add %[hi], %[hi], %[acc0], asr #31\n\t"
        "ldr %[lo], %[right]\n\t"
        "asr %[hi], %[hi], %[lo]\n\t"
        ES_DW3X3_SAT("hi", "lo")
        "strb %[hi], [%[o]]\n\t"
        "ldr %[lo], %[dst_x]\n\t"
        "add %[o], %[o], %[lo]\n\t"
        "ldr %[lo], %[end]\n\t"
        "cmp %[o], %[lo]\n\t"
        "bne 3b\n"
        "4:\n\t"
        "ldr %[lo], %[lines]\n\t"
        "subs %[lo], %[lo], #1\n\t"
        "str %[lo], %[lines]\n\t"
        "bne 0b\n\t"
        : [p0] "=&r"(p0), [p1] "=&r"(p1), [p2] "=&r"(p2), [o] "=&r"(o), [acc0] "=&r"(acc0),
          [acc1] "=&r"(acc1), [lo] "=&r"(lo), [hi] "=&r"(hi)
        /* the fields the loop writes (rows, dst, end, lines) are inputs too: f is not read
         * after it, and the memory clobber covers the writes */
        : [rows] "m"(f.rows), [dst] "m"(f.dst), [end] "m"(f.end), [lines] "m"(f.lines),
          [a0] "r"(t->w01[0]), [a1] "r"(t->w01[1]), [a2] "r"(t->w01[2]), [b0] "r"(t->w12[0]),
          [b1] "r"(t->w12[1]), [b2] "r"(t->w12[2]), [bias] "m"(f.bias),
          [multiplier] "m"(f.multiplier), [round] "m"(f.round), [right] "m"(f.right),
          [dst_x] "m"(f.dst_x), [line_bytes] "m"(f.line_bytes), [rows_step] "m"(f.rows_step),
          [dst_line] "m"(f.dst_line), [pairs] "m"(f.pairs), [singles] "m"(f.singles),
          [min] "m"(f.min), [max] "m"(f.max)
        : "cc", "memory");
    (void)p0, (void)p1, (void)p2, (void)o, (void)acc0, (void)acc1, (void)lo, (void)hi;
}
