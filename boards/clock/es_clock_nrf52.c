/*
 * Clock set-up of the nRF52840 (Product Specification, CLOCK and NVMC): the
 * core always runs at 64 MHz; starting the crystal oscillator (HFXO) makes
 * the UART's baud rate exact, and the NVMC instruction cache saves flash
 * wait states.
 */
#include "es_board_config.h"
#include "es_clock.h"

#define ES_REG(address) (*(volatile uint32_t *)(address))
#define ES_CLOCK_TASKS_HFCLKSTART ES_REG(0x40000000u)
#define ES_CLOCK_EVENTS_HFCLKSTARTED ES_REG(0x40000100u)
#define ES_NVMC_ICACHECNF ES_REG(0x4001E540u)
#define ES_ICACHECNF_CACHEEN 1u

void es_clock_init(void)
{
    ES_CLOCK_EVENTS_HFCLKSTARTED = 0u;
    ES_CLOCK_TASKS_HFCLKSTART = 1u;
    while (ES_CLOCK_EVENTS_HFCLKSTARTED == 0u) {
    }
    ES_NVMC_ICACHECNF = ES_ICACHECNF_CACHEEN;
}
