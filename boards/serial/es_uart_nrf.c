/*
 * Nordic UART (nRF51, polled byte by byte) and UARTE (nRF52, EasyDMA),
 * from the nRF51 Series Reference Manual (UART chapter) and the nRF52840
 * Product Specification (UARTE chapter). ES_UART_EASYDMA picks UARTE.
 *
 * Registers sit at the same offsets in both: tasks from 0x000, events from
 * 0x100, ENABLE 0x500 (4 = UART, 8 = UARTE), PSEL.TXD 0x50C, PSEL.RXD 0x514,
 * BAUDRATE 0x524, CONFIG 0x56C. ES_UART_TX_PIN / ES_UART_RX_PIN are PSEL
 * values (pin number, plus 32 for port 1 on the nRF52840). The baud rate is a
 * register value from the manual's table, not a divider: ES_UART_BAUDRATE_REG.
 */
#include "es_uart.h"

#include "es_board_config.h"

#define ES_REG(offset) (*(volatile uint32_t *)(ES_UART_BASE + (offset)))
#define ES_TASKS_STARTRX ES_REG(0x000u)
#define ES_TASKS_STARTTX ES_REG(0x008u)
#define ES_EVENTS_RXDRDY ES_REG(0x108u)
#define ES_EVENTS_TXDRDY ES_REG(0x11Cu)
#define ES_ENABLE ES_REG(0x500u)
#define ES_PSEL_TXD ES_REG(0x50Cu)
#define ES_PSEL_RXD ES_REG(0x514u)
#define ES_BAUDRATE ES_REG(0x524u)
#define ES_CONFIG ES_REG(0x56Cu)

#if ES_UART_EASYDMA
#define ES_EVENTS_ENDRX ES_REG(0x110u)
#define ES_EVENTS_ENDTX ES_REG(0x120u)
#define ES_RXD_PTR ES_REG(0x534u)
#define ES_RXD_MAXCNT ES_REG(0x538u)
#define ES_TXD_PTR ES_REG(0x544u)
#define ES_TXD_MAXCNT ES_REG(0x548u)
#define ES_ENABLE_VALUE 8u
/* EasyDMA moves at most this many bytes per transfer (MAXCNT is 16 bits on the nRF52840) */
#define ES_DMA_MAX 0xFFFFu
/* EasyDMA reads RAM only: data in flash is sent from this buffer */
static uint8_t es_tx_buffer[64];
#else
#define ES_RXD ES_REG(0x518u)
#define ES_TXD ES_REG(0x51Cu)
#define ES_ENABLE_VALUE 4u
#endif

void es_uart_init(uint32_t uart_clock_hz)
{
    (void)uart_clock_hz; /* the baud rate generator runs from the fixed 16 MHz clock */
    ES_ENABLE = 0u;
    ES_PSEL_TXD = ES_UART_TX_PIN;
    ES_PSEL_RXD = ES_UART_RX_PIN;
    ES_BAUDRATE = ES_UART_BAUDRATE_REG;
    ES_CONFIG = 0u; /* no parity, no flow control */
    ES_ENABLE = ES_ENABLE_VALUE;
#if !ES_UART_EASYDMA
    ES_EVENTS_RXDRDY = 0u;
    ES_EVENTS_TXDRDY = 0u;
    ES_TASKS_STARTTX = 1u;
    ES_TASKS_STARTRX = 1u;
#endif
}

#if ES_UART_EASYDMA
static void es_dma(volatile uint32_t *ptr, volatile uint32_t *maxcnt, volatile uint32_t *task,
                   volatile uint32_t *end, uint8_t *data, uint32_t bytes)
{
    *end = 0u;
    *ptr = (uint32_t)(uintptr_t)data;
    *maxcnt = bytes;
    *task = 1u;
    while (*end == 0u) {
    }
}

void es_uart_write(const uint8_t *data, uint32_t bytes)
{
    while (bytes) {
        uint32_t n = bytes < sizeof es_tx_buffer ? bytes : (uint32_t)sizeof es_tx_buffer;
        for (uint32_t k = 0; k < n; ++k) {
            es_tx_buffer[k] = data[k];
        }
        es_dma(&ES_TXD_PTR, &ES_TXD_MAXCNT, &ES_TASKS_STARTTX, &ES_EVENTS_ENDTX, es_tx_buffer, n);
        data += n;
        bytes -= n;
    }
}

/* The receiver stays on between transfers; its 6-byte FIFO holds what arrives meanwhile. */
void es_uart_read(uint8_t *data, uint32_t bytes)
{
    while (bytes) {
        uint32_t n = bytes < ES_DMA_MAX ? bytes : ES_DMA_MAX;
        es_dma(&ES_RXD_PTR, &ES_RXD_MAXCNT, &ES_TASKS_STARTRX, &ES_EVENTS_ENDRX, data, n);
        data += n;
        bytes -= n;
    }
}
#else
void es_uart_write(const uint8_t *data, uint32_t bytes)
{
    while (bytes--) {
        ES_TXD = *data++;
        while (ES_EVENTS_TXDRDY == 0u) {
        }
        ES_EVENTS_TXDRDY = 0u;
    }
}

void es_uart_read(uint8_t *data, uint32_t bytes)
{
    while (bytes--) {
        while (ES_EVENTS_RXDRDY == 0u) {
        }
        /* clear the event before reading RXD: the read moves the next byte in */
        ES_EVENTS_RXDRDY = 0u;
        *data++ = (uint8_t)ES_RXD;
    }
}
#endif
