/*
 * Clock set-up of a real board (es_clock_<family>.c, the board file's
 * [clock] setup): PLL to the rated clock, flash wait states, caches. The
 * serial harness calls it first, except on emulated silicon that does not
 * model the clock tree (ES_SKIP_CLOCK_SETUP), where the core already runs at
 * the board's clock.
 */
#ifndef ES_CLOCK_H
#define ES_CLOCK_H

#include <stdint.h>

/* Set up the clocks; afterwards the core runs at ES_CORE_HZ, the UART at ES_UART_CLOCK_HZ. */
void es_clock_init(void);

#endif /* ES_CLOCK_H */
