/*
 * Instruction-count markers and the cycle counter.
 *
 * The es_mark_* functions do nothing the program can observe; the host finds
 * their addresses in the ELF and counts the instructions executed between
 * calls to them (under QEMU, the TCG plugin boards/qemu/es_icount_plugin.c).
 * Each marker has a body of its own so that the compiler cannot merge them.
 */
#ifndef ES_MARKS_H
#define ES_MARKS_H

#include <stdint.h>

void es_mark_begin(void);     /* just before <model>_invoke() */
void es_mark_end(void);       /* just after it returns */
void es_mark_op_done(void);   /* first thing in the trace hook: an op has finished */
void es_mark_op_resume(void); /* last thing in the trace hook: the next op starts */

/* Start the cycle counter: DWT CYCCNT where the core has one (ES_DWT_PRESENT), else
 * SysTick when the board asks for it (ES_SYSTICK_CYCLES), else none. */
void es_cycles_start(void);
/* Core clock cycles since es_cycles_start(), modulo 2^32; 0 where there is no counter
 * (and from DWT under QEMU, which does not model it). */
uint32_t es_cycles_now(void);

#endif /* ES_MARKS_H */
