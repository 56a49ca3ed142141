/* Instruction-count markers and the cycle counter: DWT or SysTick (see es_marks.h). */
#include "es_marks.h"

volatile uint32_t es_mark_sink;

__attribute__((noinline)) void es_mark_begin(void)
{
    es_mark_sink = 1u;
}

__attribute__((noinline)) void es_mark_end(void)
{
    es_mark_sink = 2u;
}

__attribute__((noinline)) void es_mark_op_done(void)
{
    es_mark_sink = 3u;
}

__attribute__((noinline)) void es_mark_op_resume(void)
{
    es_mark_sink = 4u;
}

/* ARMv7-M / ARMv8-M debug registers (absent on ARMv6-M). */
#define ES_DEMCR (*(volatile uint32_t *)0xE000EDFCu)
#define ES_DEMCR_TRCENA (1u << 24)
#define ES_DWT_CTRL (*(volatile uint32_t *)0xE0001000u)
#define ES_DWT_CTRL_CYCCNTENA 1u
#define ES_DWT_CYCCNT (*(volatile uint32_t *)0xE0001004u)
#define ES_DWT_LAR (*(volatile uint32_t *)0xE0001FB0u)
#define ES_DWT_LAR_UNLOCK 0xC5ACCE55u /* needed on Cortex-M7, ignored elsewhere */

/* SysTick (every Cortex-M core here has one): a 24-bit down-counter on the core clock;
 * its exception counts the wraps. */
#define ES_SYST_CSR (*(volatile uint32_t *)0xE000E010u)
#define ES_SYST_RVR (*(volatile uint32_t *)0xE000E014u)
#define ES_SYST_CVR (*(volatile uint32_t *)0xE000E018u)
#define ES_SYST_CSR_CORE_CLOCK_TICKINT_ENABLE 7u
#define ES_SYST_MAX 0x00FFFFFFu

#if ES_SYSTICK_CYCLES
static volatile uint32_t es_systick_wraps;

void es_systick_handler(void)
{
    es_systick_wraps = es_systick_wraps + 1u;
}
#endif

void es_cycles_start(void)
{
#if ES_DWT_PRESENT
    ES_DEMCR |= ES_DEMCR_TRCENA;
    ES_DWT_LAR = ES_DWT_LAR_UNLOCK;
    ES_DWT_CYCCNT = 0u;
    ES_DWT_CTRL |= ES_DWT_CTRL_CYCCNTENA;
#elif ES_SYSTICK_CYCLES
    ES_SYST_RVR = ES_SYST_MAX;
    ES_SYST_CVR = 0u;
    ES_SYST_CSR = ES_SYST_CSR_CORE_CLOCK_TICKINT_ENABLE;
#endif
}

uint32_t es_cycles_now(void)
{
#if ES_DWT_PRESENT
    return ES_DWT_CYCCNT;
#elif ES_SYSTICK_CYCLES
    uint32_t wraps, count;
    do { /* read again if the counter wrapped in between */
        wraps = es_systick_wraps;
        count = ES_SYST_CVR;
    } while (wraps != es_systick_wraps);
    return wraps * (ES_SYST_MAX + 1u) + (ES_SYST_MAX - count);
#else
    return 0u;
#endif
}
