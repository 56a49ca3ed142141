/*
 * edgesmith startup code for every Cortex-M board (ARMv6-M, ARMv7-M, ARMv8-M).
 *
 * The vector table holds the 16 system exceptions only: the firmware enables
 * no interrupt. The reset handler copies .data from flash, zeroes .bss,
 * enables the FPU when the board has one (ES_FPU_PRESENT, set from the board
 * file), then calls main(). Handlers are weak: the harness replaces the
 * fault handler to report the fault instead of hanging, and the SysTick one
 * where it counts cycles with SysTick.
 */
#include <stdint.h>

extern uint32_t __data_start, __data_end, __data_load, __bss_start, __bss_end, __stack_top;

int main(void);
void es_reset_handler(void);
void es_default_handler(void);
void es_hardfault_handler(void) __attribute__((weak, alias("es_default_handler")));
void es_nmi_handler(void) __attribute__((weak, alias("es_default_handler")));
/* the harness's SysTick cycle counter replaces it where a board counts with SysTick */
void es_systick_handler(void) __attribute__((weak, alias("es_default_handler")));

/* Coprocessor Access Control Register: full access to CP10 and CP11 (the FPU). */
#define ES_SCB_CPACR (*(volatile uint32_t *)0xE000ED88u)
#define ES_CPACR_CP10_CP11_FULL (0xFu << 20)

typedef void (*es_vector)(void);

__attribute__((section(".es_vectors"), used)) static const es_vector es_vector_table[16] = {
    (es_vector)(uintptr_t)&__stack_top, /* initial main stack pointer */
    es_reset_handler,
    es_nmi_handler,
    es_hardfault_handler,
    es_hardfault_handler, /* MemManage (ARMv7-M and later) */
    es_hardfault_handler, /* BusFault */
    es_hardfault_handler, /* UsageFault */
    es_hardfault_handler, /* SecureFault (ARMv8-M Mainline) */
    0, 0, 0,
    es_default_handler, /* SVCall */
    es_default_handler, /* DebugMonitor */
    0,
    es_default_handler, /* PendSV */
    es_systick_handler, /* SysTick */
};

void es_default_handler(void)
{
    for (;;) {
    }
}

void es_reset_handler(void)
{
    const uint32_t *src = &__data_load;
    for (uint32_t *dst = &__data_start; dst < &__data_end;) {
        *dst++ = *src++;
    }
    for (uint32_t *dst = &__bss_start; dst < &__bss_end;) {
        *dst++ = 0;
    }
#if ES_FPU_PRESENT
    ES_SCB_CPACR |= ES_CPACR_CP10_CP11_FULL;
    __asm__ volatile("dsb\n\tisb" ::: "memory");
#endif
    (void)main();
    for (;;) {
    }
}
