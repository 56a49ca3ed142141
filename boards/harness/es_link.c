/* The serial link protocol, firmware side (framing and checksums; see es_link.h). */
#include "es_link.h"

#include "es_uart.h"

static const uint8_t es_link_magic[2] = {'E', 'S'};

static uint32_t es_rx_crc;
static uint32_t es_tx_crc;

/* Bit by bit: no 1 KiB table in flash, and a few cycles a bit is nothing next to a model. */
uint32_t es_crc32_update(uint32_t crc, const void *data, uint32_t bytes)
{
    const uint8_t *p = (const uint8_t *)data;
    crc = ~crc;
    while (bytes--) {
        crc ^= *p++;
        for (int bit = 0; bit < 8; ++bit) {
            crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
        }
    }
    return ~crc;
}

static uint32_t es_load_u32(const uint8_t *p)
{
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) |
           ((uint32_t)p[3] << 24);
}

static void es_store_u32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}

int es_link_read_header(es_link_header *header)
{
    uint8_t raw[ES_LINK_HEADER_BYTES];
    int reported = 0;
    /* Find the magic; bytes before it are noise or a corrupted frame: say so once. */
    for (uint32_t matched = 0; matched < 2u;) {
        uint8_t byte;
        es_uart_read(&byte, 1);
        if (byte == es_link_magic[matched]) {
            raw[matched++] = byte;
            continue;
        }
        matched = byte == es_link_magic[0] ? 1u : 0u; /* it may start the next frame */
        raw[0] = byte;
        if (!reported) {
            es_link_send_error(0, ES_LINK_ERR_STRAY_BYTES, 0, "bytes outside a frame");
            reported = 1;
        }
    }
    es_uart_read(&raw[2], ES_LINK_HEADER_BYTES - 2u);
    if (es_crc32_update(0, raw, 8) != es_load_u32(&raw[8])) {
        es_link_send_error(raw[3], ES_LINK_ERR_HEADER_CHECKSUM, 0, "frame header checksum");
        return -1;
    }
    header->type = raw[2];
    header->seq = raw[3];
    header->length = es_load_u32(&raw[4]);
    es_rx_crc = 0;
    return 0;
}

void es_link_read_payload(void *dst, uint32_t bytes)
{
    uint8_t scratch[16];
    if (dst != 0) {
        es_uart_read((uint8_t *)dst, bytes);
        es_rx_crc = es_crc32_update(es_rx_crc, dst, bytes);
        return;
    }
    while (bytes) {
        uint32_t n = bytes < sizeof scratch ? bytes : (uint32_t)sizeof scratch;
        es_uart_read(scratch, n);
        es_rx_crc = es_crc32_update(es_rx_crc, scratch, n);
        bytes -= n;
    }
}

int es_link_finish_read(uint8_t seq)
{
    uint8_t raw[4];
    es_uart_read(raw, 4);
    if (es_load_u32(raw) != es_rx_crc) {
        es_link_send_error(seq, ES_LINK_ERR_PAYLOAD_CHECKSUM, 0, "payload checksum");
        return -1;
    }
    return 0;
}

void es_link_begin(uint8_t type, uint8_t seq, uint32_t length)
{
    uint8_t raw[ES_LINK_HEADER_BYTES] = {es_link_magic[0], es_link_magic[1], type, seq};
    es_store_u32(&raw[4], length);
    es_store_u32(&raw[8], es_crc32_update(0, raw, 8));
    es_uart_write(raw, sizeof raw);
    es_tx_crc = 0;
}

void es_link_write(const void *data, uint32_t bytes)
{
    es_uart_write((const uint8_t *)data, bytes);
    es_tx_crc = es_crc32_update(es_tx_crc, data, bytes);
}

void es_link_end(void)
{
    uint8_t raw[4];
    es_store_u32(raw, es_tx_crc);
    es_uart_write(raw, sizeof raw);
}

void es_link_send_error(uint8_t seq, uint32_t code, uint32_t detail, const char *text)
{
    uint32_t length = 0;
    while (text[length] != '\0') {
        ++length;
    }
    uint8_t head[8];
    es_store_u32(&head[0], code);
    es_store_u32(&head[4], detail);
    es_link_begin(ES_LINK_ERROR, seq, sizeof head + length);
    es_link_write(head, sizeof head);
    es_link_write(text, length);
    es_link_end();
}
