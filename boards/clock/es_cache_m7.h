/*
 * Cortex-M7 instruction and data caches on (Armv7-M Architecture Reference
 * Manual, cache maintenance; Cortex-M7 TRM, CCSIDR). Both are off and hold
 * garbage at reset: invalidate, then enable. Included by the clock set-ups of
 * M7 parts only.
 */
#ifndef ES_CACHE_M7_H
#define ES_CACHE_M7_H

#include <stdint.h>

#define ES_SCB_CCR (*(volatile uint32_t *)0xE000ED14u)
#define ES_SCB_CCSIDR (*(volatile uint32_t *)0xE000ED80u)
#define ES_SCB_CSSELR (*(volatile uint32_t *)0xE000ED84u)
#define ES_SCB_ICIALLU (*(volatile uint32_t *)0xE000EF50u)
#define ES_SCB_DCISW (*(volatile uint32_t *)0xE000EF60u)
#define ES_CCR_DC (1u << 16)
#define ES_CCR_IC (1u << 17)

static inline void es_barrier(void)
{
    __asm__ volatile("dsb\n\tisb" ::: "memory");
}

static inline void es_m7_caches_enable(void)
{
    es_barrier();
    ES_SCB_ICIALLU = 0u;
    es_barrier();
    ES_SCB_CCR |= ES_CCR_IC;
    es_barrier();

    ES_SCB_CSSELR = 0u; /* level 1 data cache */
    es_barrier();
    const uint32_t ccsidr = ES_SCB_CCSIDR;
    const uint32_t sets = ((ccsidr >> 13) & 0x7FFFu) + 1u;
    const uint32_t ways = ((ccsidr >> 3) & 0x3FFu) + 1u;
    const uint32_t set_shift = (ccsidr & 7u) + 4u;                    /* log2(line bytes) */
    const uint32_t way_shift = (uint32_t)__builtin_clz(ways - 1u); /* ways in the top bits */
    for (uint32_t set = 0; set < sets; ++set) {
        for (uint32_t way = 0; way < ways; ++way) {
            ES_SCB_DCISW = (set << set_shift) | (way << way_shift);
        }
    }
    es_barrier();
    ES_SCB_CCR |= ES_CCR_DC;
    es_barrier();
}

#endif /* ES_CACHE_M7_H */
