/*
 * Clock set-up of the STM32H743 revision V (RM0433): LDO supply, regulator
 * scale VOS0 (needed for 480 MHz), PLL1 from the 64 MHz HSI
 * (HSI / ES_CLOCK_DIVM1 x ES_CLOCK_DIVN1 / ES_CLOCK_DIVP1), the bus
 * prescalers at their limits (AXI/AHB 240 MHz, APB 120 MHz), the flash wait
 * states (ES_CLOCK_FLASH_ACR), then SYSCLK from PLL1 and the Cortex-M7 caches on.
 */
#include "es_board_config.h"
#include "es_cache_m7.h"
#include "es_clock.h"

#define ES_REG(address) (*(volatile uint32_t *)(address))
#define ES_PWR_CSR1 ES_REG(0x58024804u)
#define ES_PWR_CR3 ES_REG(0x5802480Cu)
#define ES_PWR_D3CR ES_REG(0x58024818u)
#define ES_RCC_CR ES_REG(0x58024400u)
#define ES_RCC_CFGR ES_REG(0x58024410u)
#define ES_RCC_D1CFGR ES_REG(0x58024418u)
#define ES_RCC_D2CFGR ES_REG(0x5802441Cu)
#define ES_RCC_D3CFGR ES_REG(0x58024420u)
#define ES_RCC_PLLCKSELR ES_REG(0x58024428u)
#define ES_RCC_PLLCFGR ES_REG(0x5802442Cu)
#define ES_RCC_PLL1DIVR ES_REG(0x58024430u)
#define ES_RCC_APB4ENR ES_REG(0x580244F4u)
#define ES_SYSCFG_PWRCR ES_REG(0x5800042Cu)
#define ES_FLASH_ACR ES_REG(0x52002000u)

#define ES_PWR_CR3_SUPPLY_BITS 7u /* BYPASS, LDOEN, SCUEN */
#define ES_PWR_CR3_LDOEN (1u << 1)
#define ES_PWR_CSR1_ACTVOSRDY (1u << 13)
#define ES_PWR_D3CR_VOS (3u << 14)
#define ES_PWR_D3CR_VOSRDY (1u << 13)
#define ES_RCC_APB4ENR_SYSCFGEN (1u << 1)
#define ES_SYSCFG_PWRCR_ODEN 1u
#define ES_RCC_CR_PLL1ON (1u << 24)
#define ES_RCC_CR_PLL1RDY (1u << 25)
#define ES_PLL1_RANGE_8_16MHZ (3u << 2)
#define ES_PLL1_CFG_BITS 0xFu /* FRACEN, VCOSEL (0: wide VCO), RGE */
#define ES_RCC_CFGR_SW_PLL1 3u
#define ES_DIV2 4u                 /* the /2 code of every APB prescaler */
#define ES_HPRE_DIV2 8u
#define ES_FLASH_ACR_LATENCY 0xFu

static void es_wait_vos_ready(void)
{
    while (!(ES_PWR_D3CR & ES_PWR_D3CR_VOSRDY)) {
    }
}

void es_clock_init(void)
{
    /* the LDO powers the core (Nucleo-144: no SMPS); written once after power-on */
    ES_PWR_CR3 = (ES_PWR_CR3 & ~ES_PWR_CR3_SUPPLY_BITS) | ES_PWR_CR3_LDOEN;
    while (!(ES_PWR_CSR1 & ES_PWR_CSR1_ACTVOSRDY)) {
    }
    ES_PWR_D3CR |= ES_PWR_D3CR_VOS; /* VOS1 */
    es_wait_vos_ready();
    ES_RCC_APB4ENR |= ES_RCC_APB4ENR_SYSCFGEN;
    (void)ES_RCC_APB4ENR;
    ES_SYSCFG_PWRCR |= ES_SYSCFG_PWRCR_ODEN; /* VOS0 on top of VOS1 */
    es_wait_vos_ready();

    /* PLLSRC 0: HSI */
    ES_RCC_PLLCKSELR = (ES_RCC_PLLCKSELR & ~((0x3Fu << 4) | 3u)) | (ES_CLOCK_DIVM1 << 4);
    ES_RCC_PLL1DIVR = (ES_CLOCK_DIVN1 - 1u) | ((ES_CLOCK_DIVP1 - 1u) << 9) |
                      ((ES_CLOCK_DIVQ1 - 1u) << 16) | ((ES_CLOCK_DIVR1 - 1u) << 24);
    ES_RCC_PLLCFGR = (ES_RCC_PLLCFGR & ~ES_PLL1_CFG_BITS) | ES_PLL1_RANGE_8_16MHZ;
    ES_RCC_CR |= ES_RCC_CR_PLL1ON;
    while (!(ES_RCC_CR & ES_RCC_CR_PLL1RDY)) {
    }
    ES_RCC_D1CFGR = ES_HPRE_DIV2 | (ES_DIV2 << 4);     /* AXI/AHB 240 MHz, APB3 120 MHz */
    ES_RCC_D2CFGR = (ES_DIV2 << 4) | (ES_DIV2 << 8);   /* APB1, APB2 120 MHz */
    ES_RCC_D3CFGR = ES_DIV2 << 4;                      /* APB4 120 MHz */
    ES_FLASH_ACR = ES_CLOCK_FLASH_ACR;
    while ((ES_FLASH_ACR & ES_FLASH_ACR_LATENCY) != (ES_CLOCK_FLASH_ACR & ES_FLASH_ACR_LATENCY)) {
    }
    ES_RCC_CFGR = (ES_RCC_CFGR & ~7u) | ES_RCC_CFGR_SW_PLL1;
    while (((ES_RCC_CFGR >> 3) & 7u) != ES_RCC_CFGR_SW_PLL1) {
    }
    es_m7_caches_enable();
}
