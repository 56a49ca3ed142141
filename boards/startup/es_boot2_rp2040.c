/*
 * Second stage boot (boot2) of the RP2040, written from the RP2040 datasheet
 * (Bootrom: boot sequence; SSI: XIP configuration).
 *
 * The boot ROM copies the first 256 bytes of flash into SRAM, checks the
 * CRC-32 in their last 4 bytes (edgesmith writes it after the link,
 * sdk/edgesmith/boards/boot2.py) and runs them. This one sets the flash
 * interface (SSI) up for execute-in-place with the plain serial read command
 * 03h, which every SPI NOR flash answers (the Pico's W25Q16JV among them),
 * then starts the firmware from its vector table right after these 256 bytes.
 * It runs in SRAM, not where it is linked: no calls, no address of its own.
 */
#include <stdint.h>

#define ES_REG(address) (*(volatile uint32_t *)(address))
#define ES_SSI_CTRLR0 ES_REG(0x18000000u)
#define ES_SSI_CTRLR1 ES_REG(0x18000004u)
#define ES_SSI_SSIENR ES_REG(0x18000008u)
#define ES_SSI_SER ES_REG(0x18000010u)
#define ES_SSI_BAUDR ES_REG(0x18000014u)
#define ES_SSI_SPI_CTRLR0 ES_REG(0x180000F4u)
#define ES_SCB_VTOR ES_REG(0xE000ED08u)

#define ES_SSI_CLOCK_DIV 4u /* SCK = clk_sys / 4: 31 MHz once clk_sys runs at 125 MHz */
#define ES_CTRLR0_DFS_32BIT (31u << 16)
#define ES_CTRLR0_TMOD_EEPROM_READ (3u << 8) /* send command + address, then read */
#define ES_SPI_CTRLR0_READ_03H (0x03u << 24)
#define ES_SPI_CTRLR0_INST_8BIT (2u << 8)
#define ES_SPI_CTRLR0_ADDR_24BIT (6u << 2) /* in 4-bit steps; TRANS_TYPE 0: all serial */
#define ES_APP_VECTORS 0x10000100u

__attribute__((section(".boot2"), used, noreturn)) void es_boot2(void)
{
    ES_SSI_SSIENR = 0u; /* the SSI takes a new configuration only while disabled */
    ES_SSI_BAUDR = ES_SSI_CLOCK_DIV;
    ES_SSI_CTRLR0 = ES_CTRLR0_DFS_32BIT | ES_CTRLR0_TMOD_EEPROM_READ;
    ES_SSI_CTRLR1 = 0u; /* one 32-bit word per XIP access */
    ES_SSI_SPI_CTRLR0 = ES_SPI_CTRLR0_READ_03H | ES_SPI_CTRLR0_INST_8BIT | ES_SPI_CTRLR0_ADDR_24BIT;
    ES_SSI_SER = 1u;
    ES_SSI_SSIENR = 1u;

    const volatile uint32_t *vectors = (const volatile uint32_t *)ES_APP_VECTORS;
    ES_SCB_VTOR = ES_APP_VECTORS;
    __asm__ volatile("msr msp, %0\n\tbx %1" : : "r"(vectors[0]), "r"(vectors[1]) : "memory");
    __builtin_unreachable();
}
